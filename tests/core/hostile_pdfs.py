"""PDFs a hostile sender could upload, built here (pikepdf, or by hand where pikepdf
cannot write the structure), and an honest one signed with pyHanko."""

import functools
import io
import zlib

import pikepdf
from django.test import override_settings

from conventions import signing


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def plain_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    return _save(pdf)


def nested_pdf(depth: int = 50_000) -> bytes:
    """A 100 KB PDF whose catalog holds an array nested `depth` levels deep, with a
    correct cross-reference table (what a recursive parser cannot walk)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Nested 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"[" * depth + b"]" * depth,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def javascript_pdf() -> bytes:
    """JavaScript run at opening (/OpenAction)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('ouvert');")
    )
    return _save(pdf)


def launch_on_page_pdf() -> bytes:
    """An automatic action (/AA) on the page that launches a program."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    )
    return _save(pdf)


def embedded_file_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="facture.exe")
    pdf.attachments["facture.exe"] = spec
    return _save(pdf)


@functools.cache
def bomb_pdf(decoded_bytes: int = 1 << 30) -> bytes:
    """A page whose content stream inflates to `decoded_bytes` (1 GiB) from about 1 MB."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    compressed = (
        b"".join(compressor.compress(block) for _ in range(decoded_bytes // len(block)))
        + compressor.flush()
    )
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(compressed, filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    return _save(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def pdf_then_html() -> bytes:
    return plain_pdf() + b"<html><body><script>alert(1)</script></body></html>\n"


def signed_pdf() -> bytes:
    """An honest PDF signed with pyHanko (an incremental update), as a Signataire's is."""
    with override_settings(DEBUG=True):
        p12 = signing.create_demo_certificate(
            common_name="Signataire", organisation="Collectivité", password="demo"
        )
        signer = signing.load_signer(p12, "demo")
    return signing.sign_pdf(
        plain_pdf(),
        signer=signer,
        page=0,
        box=(50, 50, 250, 120),
        reason="Test",
        location="Lille",
    )
