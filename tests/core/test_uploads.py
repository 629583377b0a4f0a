"""One check of every uploaded file (issue 14, item 8): the size before anything is read,
then a real parse of a PDF in a bounded child process that refuses what a hostile
sender could hide in it. Signed PDFs (pyHanko, incremental updates) still pass."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from conventions import signing
from core import files
from subventions.enums import Role
from subventions.models import FinancialReport
from tests.core import hostile_pdfs

HOSTILE = {
    "nested": (hostile_pdfs.nested_pdf, "pdf_nested"),
    "javascript": (hostile_pdfs.javascript_pdf, "pdf_active_content"),
    "launch_on_page": (hostile_pdfs.launch_on_page_pdf, "pdf_active_content"),
    "embedded_file": (hostile_pdfs.embedded_file_pdf, "pdf_active_content"),
    "flate_bomb_1_gib": (hostile_pdfs.bomb_pdf, "pdf_bomb"),
    "pdf_then_html": (hostile_pdfs.pdf_then_html, "pdf_trailing_data"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_check_pdf_refuses_each_hostile_pdf_in_french(kind):
    build, code = HOSTILE[kind]
    with pytest.raises(ValidationError) as refused:
        files.check_pdf(build())
    assert refused.value.code == code
    assert "n'est pas accepté" in refused.value.messages[0]


@pytest.mark.parametrize("build", [hostile_pdfs.plain_pdf, hostile_pdfs.signed_pdf])
def test_check_pdf_accepts_a_plain_and_a_signed_pdf(build):
    files.check_pdf(build())


def test_the_bomb_is_small_on_disk():
    assert len(hostile_pdfs.bomb_pdf()) < 2 * 1024 * 1024


def test_a_financial_report_field_refuses_a_pdf_with_javascript():
    field = FinancialReport._meta.get_field("file")
    upload = SimpleUploadedFile("cr.pdf", hostile_pdfs.javascript_pdf(), "application/pdf")
    with pytest.raises(ValidationError) as refused:
        field.run_validators(upload)
    assert [error.code for error in refused.value.error_list] == ["pdf_active_content"]


def test_verify_pdf_of_a_deeply_nested_pdf_is_one_french_line(tmp_path):
    path = tmp_path / "imbrique.pdf"
    path.write_bytes(hostile_pdfs.nested_pdf())
    with pytest.raises(CommandError) as refused:
        call_command("verify_pdf", str(path), stdout=io.StringIO())
    assert str(refused.value) == files.PDF_NESTED


def test_verify_pdf_function_never_raises_recursion_error():
    with pytest.raises(ValidationError):
        signing.verify_pdf(hostile_pdfs.nested_pdf())


@pytest.mark.django_db
def test_the_verify_page_answers_a_nested_pdf_with_its_reason(client, make_user):
    client.force_login(make_user(Role.SIGNATORY))
    upload = SimpleUploadedFile("x.pdf", hostile_pdfs.nested_pdf(), "application/pdf")
    response = client.post(reverse("conventions:pdf_verify"), {"file": upload})
    assert response.status_code == 200
    assert "imbriquée" in response.content.decode()


@pytest.mark.django_db
def test_an_upload_past_the_limit_is_refused_by_its_size_without_being_kept(
    client, make_user, monkeypatch
):
    """The handler stops keeping bytes at the limit: the form sees an empty file that
    carries the size sent, and says so (here 1 MB allowed, 3 MB sent)."""
    monkeypatch.setattr(files, "UPLOAD_MAX_BYTES", 1024 * 1024)
    monkeypatch.setattr(files, "PDF_MAX_BYTES", 1024 * 1024)
    kept = []
    original = files.LimitedUploadHandler.file_complete

    def spy(self, file_size):
        result = original(self, file_size)
        kept.append((result, result.read() if result else None))
        return result

    monkeypatch.setattr(files.LimitedUploadHandler, "file_complete", spy)
    client.force_login(make_user(Role.SIGNATORY))
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    response = client.post(reverse("conventions:pdf_verify"), {"file": big})
    assert response.status_code == 200
    assert "Le fichier fait 3,0 Mo : 1 Mo au plus." in response.content.decode()
    ((upload, content),) = kept
    assert isinstance(upload, files.OversizeUpload)
    assert upload.size > 3 * 1024 * 1024 and content == b""
