"""What an archive checks first in a PDF/A-3b file, read with pikepdf."""

import io

import pikepdf

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def fonts(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font dictionary reachable from the catalogue (pages, form XObjects, signature
    appearances), indirect or written inline in a resource dictionary."""
    found, seen, stack = [], set(), [document.Root]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            stack.extend(obj.stream_dict.values())
        elif isinstance(obj, pikepdf.Dictionary):
            if obj.get("/Type") == "/Font":
                found.append(obj)
            stack.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)
    return found


def not_embedded(document: pikepdf.Pdf) -> list[str]:
    """The names of the fonts whose program is not in the file."""
    missing = []
    for font in fonts(document):
        if font.get("/Subtype") in ("/Type0", "/Type3"):
            # A Type0 font's program is in its descendant (listed on its own);
            # a Type3 font is drawn by the file's own procedures.
            continue
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor for key in FONT_FILES):
            missing.append(str(font.get("/BaseFont")))
    return missing


def assert_pdfa_3b(content: bytes) -> None:
    document = pikepdf.open(io.BytesIO(content))
    metadata = document.open_metadata()
    assert metadata.get("pdfaid:part") == "3"
    assert metadata.get("pdfaid:conformance") == "B"
    intents = document.Root.get("/OutputIntents")
    assert intents is not None and len(intents) >= 1
    assert intents[0].get("/S") == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0]
    assert fonts(document), "no font at all: the check would prove nothing"
    assert not_embedded(document) == []
