"""The deliberation PDF: A4, header and footer, « page X / Y », same sentences as the text."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command

from core import pdf
from tests.core.pdfa import assert_pdfa_3b

from .conftest import normalise

REAL_PDF = True

# The django_db mark also makes pytest-django create the test database that the
# module-scoped fixture below writes to (and rolls back).
pytestmark = [
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext absent"),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def demo_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """load_demo then render_deliberation --format pdf, once for the module."""
    from django.conf import settings
    from django.db import connection, transaction

    folder = tmp_path_factory.mktemp("pdf")
    output = folder / "x.pdf"
    media, debug = settings.MEDIA_ROOT, settings.DEBUG
    settings.MEDIA_ROOT, settings.DEBUG = folder / "media", True
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            name = str(connection.settings_dict["NAME"])
            assert "memory" in name or name.startswith("test_"), "not the test database"
            call_command("load_demo", stdout=io.StringIO())
            call_command("render_deliberation", "21 B 0110", "--format", "pdf", "--output", output)
            text = call_command_text()
            transaction.set_rollback(True)
    finally:
        settings.MEDIA_ROOT, settings.DEBUG = media, debug
    return output, text


def call_command_text() -> str:
    out = io.StringIO()
    call_command("render_deliberation", "21 B 0110", stdout=out)
    return out.getvalue()


def pdftotext(path, *args) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_pdf_is_a_valid_a4_document(demo_pdf):
    path, _ = demo_pdf
    assert path.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info


def test_the_frozen_act_is_a_pdf_a_3b_with_every_font_embedded(demo_pdf):
    path, _ = demo_pdf
    assert_pdfa_3b(path.read_bytes())


def test_pdf_holds_header_footer_and_page_numbers(demo_pdf):
    path, _ = demo_pdf
    text = pdftotext(path)
    pages = text.count("page ")
    assert "page 1 / " in text
    assert f"page {pages} / {pages}" in text
    first = pdftotext(path, "-f", "1", "-l", "1")
    for line in (
        "21 B 0110",
        "Séance du vendredi 2 avril 2021",
        "Délibération DU BUREAU",
        "DEVELOPPEMENT ECONOMIQUE ET EMPLOI",
        "SOUTIEN DE LA MEL A L'ANIMATION TERRITORIALE",
    ):
        assert line in first


def test_pdf_holds_the_same_sentences_as_the_text(demo_pdf):
    path, text = demo_pdf
    pdf_text = normalise(pdftotext(path))
    plain = normalise(text)
    start = plain.index("Dans la continuité")
    for sentence in plain[start:].split(". "):
        # Footers and headers cut the text where pages break: compare sentence by sentence,
        # each one short enough to fit on one page.
        if "page" not in sentence and len(sentence) < 300:
            assert sentence.strip() in pdf_text


def test_fetcher_serves_static_files_and_refuses_the_network():
    css = pdf.local_path(pdf.BASE_URL + "static/deliberations/pdf/deliberation.css")
    assert css is not None and css.is_file()
    assert pdf.local_path("https://example.com/static/x.css") is None
    assert pdf.local_path("file:///etc/passwd") is None
    with pytest.raises(ValueError):
        pdf.LocalFetcher().fetch("https://example.com/logo.png")
