"""What a PDF says, read with pikepdf: its text with the exact spaces, and its fonts."""

import io
import re

import pikepdf

_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _to_unicode(font) -> dict[int, str]:
    """The font's ToUnicode CMap: character code → text."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.read_bytes().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(source, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block
        ):
            first, last = int(start, 16), int(end, 16)
            if target.startswith("["):
                for offset, item in enumerate(_HEX.findall(target)):
                    table[first + offset] = bytes.fromhex(item).decode("utf-16-be")
            else:
                base = int(target[1:-1], 16)
                for code in range(first, last + 1):
                    table[code] = chr(base + code - first)
    return table


def _decode(raw: bytes, table: dict[int, str]) -> str:
    # WeasyPrint's fonts are Identity-H: two bytes per character code.
    return "".join(
        table.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd") for i in range(0, len(raw), 2)
    )


def pdf_pages_text(content: bytes) -> list[str]:
    """Each page's text in drawing order, no-break spaces kept (pdftotext turns them into
    plain spaces): one line per text-showing operator."""
    pages = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            tables = {str(name): _to_unicode(font) for name, font in page.Resources.Font.items()}
            table, lines = {}, []
            for operands, operator in pikepdf.parse_content_stream(page):
                operator = str(operator)
                if operator == "Tf":
                    table = tables.get(str(operands[0]), {})
                elif operator == "Tj":
                    lines.append(_decode(bytes(operands[0]), table))
                elif operator == "TJ":
                    lines.append(
                        "".join(
                            _decode(bytes(item), table)
                            for item in operands[0]
                            if isinstance(item, pikepdf.String)
                        )
                    )
            pages.append("\n".join(lines))
    return pages


def pdf_fonts(content: bytes) -> list[tuple[str, bool]]:
    """Every font the PDF uses: its name and whether its glyphs are embedded."""
    fonts = {}
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            for _name, font in page.Resources.Font.items():
                descriptors = [font] + list(font.get("/DescendantFonts", []))
                embedded = any(
                    key in descriptor.get("/FontDescriptor", {})
                    for descriptor in descriptors
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts[str(font.BaseFont)] = embedded
    return sorted(fonts.items())
