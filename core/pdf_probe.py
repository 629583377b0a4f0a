"""Inspect one untrusted PDF in a child process: python pdf_probe.py < file.pdf.

Run by core.files.check_pdf with `python -I`, so this module imports nothing of the
project nor of Django: only the standard library and pikepdf (qpdf). It lowers its own
memory and CPU limits before reading anything, so that a hostile file (a decompression
bomb, a structure nested thousands of levels deep) kills this process, never the server.

It prints one JSON object: {"ok": true} or {"ok": false, "code": "...", "detail": "..."}.
"""

import json
import resource
import sys
import zlib

MEMORY_BYTES = 768 * 1024 * 1024
CPU_SECONDS = 20
# Deeper than any real document (a page tree or an outline is a handful of levels); a
# parser walking it recursively (pyHanko) overflows long before a few hundred.
MAX_DEPTH = 64
# What the streams of one file may decompress to, all together.
MAX_DECODED_BYTES = 256 * 1024 * 1024
# Actions that run something or send something when the file is opened or clicked.
ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
    "/Hide",
}
# Keys that carry active content or a file inside the file.
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/AA": "actions",
    "/XFA": "xfa",
    "/EmbeddedFiles": "embedded",
    "/EmbeddedFile": "embedded",
    "/RichMedia": "embedded",
}
TRAILING_ALLOWED = b" \t\r\n\x00\x0c"


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    sys.setrecursionlimit(200)


class Refused(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


def _check_end(content: bytes) -> None:
    """Nothing but white space after the last %%EOF (a PDF followed by HTML is refused)."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise Refused("no_eof")
    if content[end + 5 :].strip(TRAILING_ALLOWED):
        raise Refused("trailing")


def _decoded_size(stream, budget: int) -> int:
    """The size of a stream once decompressed, without holding more than `budget` bytes."""
    import pikepdf

    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = [str(name) for name in filters]
    elif filters is not None:
        filters = [str(filters)]
    else:
        filters = []
    if filters == ["/FlateDecode"]:
        raw = stream.read_raw_bytes()
        inflater = zlib.decompressobj()
        size = 0
        data = raw
        while data:
            try:
                chunk = inflater.decompress(data, 1 << 20)
            except zlib.error:  # damaged data: not a bomb (a signature check will say so)
                break
            size += len(chunk)
            if size > budget:
                raise Refused("bomb")
            data = inflater.unconsumed_tail
            if not chunk and not data:
                break
        return size
    # Other generic filters (LZW, ASCII…) are decoded by qpdf; images (DCT, JBIG2…)
    # stay encoded (decode_level generalized).
    try:
        size = len(stream.read_bytes())
    except pikepdf.PdfError:
        return len(stream.read_raw_bytes())
    if size > budget:
        raise Refused("bomb")
    return size


def _container(value) -> bool:
    """A direct array or dictionary (an indirect one is walked from pdf.objects)."""
    import pikepdf

    return isinstance(value, pikepdf.Array | pikepdf.Dictionary) and not value.is_indirect


def _walk(pdf) -> None:
    """Every object reachable from the file's objects, iteratively, depth-limited."""
    import pikepdf

    decoded = 0
    # Every indirect object is listed once; only direct values are pushed below.
    stack = [(obj, 0) for obj in pdf.objects]
    while stack:
        obj, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused("nested")
        if isinstance(obj, pikepdf.Stream):
            decoded += _decoded_size(obj, MAX_DECODED_BYTES - decoded)
            items = obj.stream_dict.items()
        elif isinstance(obj, pikepdf.Dictionary):
            items = obj.items()
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                if _container(item):
                    stack.append((item, depth + 1))
            continue
        else:
            continue
        for name, value in items:
            if name in ACTIVE_KEYS:
                raise Refused(ACTIVE_KEYS[name], name)
            if name == "/S" and str(value) in ACTIVE_ACTIONS:
                raise Refused("action", str(value))
            if name == "/OpenAction" and isinstance(value, pikepdf.Dictionary):
                action = str(value.get("/S", ""))
                if action != "/GoTo":
                    raise Refused("action", f"/OpenAction {action}")
            if _container(value):
                stack.append((value, depth + 1))


def probe(content: bytes) -> dict:
    import pikepdf

    try:
        _check_end(content)
        import io

        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.Root.get("/Pages") is None:
                raise Refused("unreadable")
            _walk(pdf)
            # qpdf replaces what passes its own limits with null and only warns.
            warnings = " ".join(pdf.get_warnings())
            if "max-nesting" in warnings:
                raise Refused("nested")
            if "limits error" in warnings:
                raise Refused("unreadable", "limits")
    except Refused as refusal:
        return {"ok": False, "code": refusal.code, "detail": refusal.detail}
    except RecursionError:
        return {"ok": False, "code": "nested", "detail": ""}
    except MemoryError:
        return {"ok": False, "code": "bomb", "detail": ""}
    except pikepdf.PasswordError:
        return {"ok": False, "code": "encrypted", "detail": ""}
    except Exception as error:  # any parse failure: the file is not a readable PDF
        return {"ok": False, "code": "unreadable", "detail": error.__class__.__name__}
    return {"ok": True}


def main() -> None:
    _limit()
    content = sys.stdin.buffer.read()
    sys.stdout.write(json.dumps(probe(content)))


if __name__ == "__main__":
    main()
