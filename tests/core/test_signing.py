"""The PAdES service of core: the visible signature is written with an embedded font, so a
signed PDF/A stays PDF/A, and the signature validates."""

import io

import pikepdf
import pytest
from django.test import override_settings
from weasyprint import HTML

from core import pdf, signing

from .pdfa import assert_pdfa_3b, fonts, not_embedded

PAGE = '<html lang="fr"><body style="font-family: \'DejaVu Sans\'"><p>Été</p></body></html>'


@pytest.fixture(scope="module")
def signer():
    with override_settings(SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True):
        p12 = signing.create_demo_certificate(
            common_name="Damien Castelain", organisation="MEL", password="secret"
        )
        return signing.load_signer(p12, "secret")


def sign(content: bytes, signer, **extra) -> bytes:
    return signing.sign_pdf(
        content,
        signer=signer,
        page=0,
        box=(50, 600, 250, 660),
        reason="Pour extrait conforme",
        location="Lille",
        **extra,
    )


def test_a_signed_pdf_a_keeps_its_conformance_and_its_signature_validates(signer):
    content = HTML(string=PAGE).write_pdf(pdf_variant=pdf.ARCHIVAL_VARIANT)
    signed = sign(content, signer, field_name="SignatureExtrait")
    assert_pdfa_3b(signed)
    [report] = signing.verify_pdf(signed)
    assert report.ok and report.covers_whole_file
    assert (report.field, report.signer) == ("SignatureExtrait", "Damien Castelain")


def test_the_signature_stamp_is_written_in_an_embedded_dejavu_sans(signer):
    signed = pikepdf.open(io.BytesIO(sign(HTML(string=PAGE).write_pdf(), signer)))
    names = [str(font.get("/BaseFont")) for font in fonts(signed)]
    # WeasyPrint names its subset « DejaVu-Sans », pyHanko's stamp « DejaVuSans ».
    assert any(name.endswith("+DejaVuSans") for name in names), names
    assert not_embedded(signed) == []


def test_without_the_font_the_stamp_falls_back_to_a_font_the_check_reports(
    signer, settings, monkeypatch
):
    settings.SUBVENTIONS_SIGNATURE_FONT = "/nonexistent/DejaVuSans.ttf"
    monkeypatch.setattr(signing, "SIGNATURE_FONT_CANDIDATES", ())
    signed = pikepdf.open(io.BytesIO(sign(HTML(string=PAGE).write_pdf(), signer)))
    assert not_embedded(signed) == ["/Courier"]


def test_the_stamp_s_glyph_widths_are_in_thousandths_of_an_em(signer):
    """DejaVu Sans counts 2048 units per em: written as is, its widths would spread the
    stamp's letters apart and cut its lines off (« Signé électroniquer »)."""
    signed = pikepdf.open(io.BytesIO(sign(HTML(string=PAGE).write_pdf(), signer)))
    [stamp_font] = [
        font
        for font in fonts(signed)
        if font.get("/Subtype") == "/CIDFontType2" and str(font.BaseFont).endswith("+DejaVuSans")
    ]
    widths = [int(w) for entry in stamp_font.W if isinstance(entry, pikepdf.Array) for w in entry]
    assert widths and max(widths) <= 1000, widths
