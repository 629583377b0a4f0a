"""Financial reports: due date, reception (PDF by content), approval, closing, download."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from core import files
from core.formatting import typography
from subventions import payments
from subventions.enums import ReportStatus, Role, SubsidyStatus
from subventions.models import FinancialReport
from subventions.models.money import report_due_date
from tests.subventions.conftest import pdf_bytes
from tests.subventions.factories import FinancialReportFactory, SubsidyFactory

RECEIVED = datetime.date(2022, 3, 15)


def receive(report, user, file, received_on=RECEIVED):
    return payments.report_receive(report=report, received_on=received_on, file=file, user=user)


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_due_date_is_30_june_after_the_last_financed_year(payable):
    subsidy = payable(year=2021)
    assert subsidy.financial_report.due_date == datetime.date(2022, 6, 30)
    report = payments.report_create(subsidy=subsidy, last_year=2023)
    assert report.due_date == datetime.date(2024, 6, 30)
    assert report_due_date(2020) == datetime.date(2021, 6, 30)


@pytest.mark.django_db
def test_a_received_pdf_is_stored_privately(payable, finance, pdf_file, settings):
    report = payable().financial_report
    report = receive(report, finance, pdf_file)
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    assert report.received_on == RECEIVED
    (stored,) = stored_files(settings)
    assert stored.read_bytes() == pdf_bytes()
    assert Path(settings.PRIVATE_MEDIA_ROOT) in stored.parents
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.pdf")
    )
    with pytest.raises(ValueError):
        report.file.url  # noqa: B018 — no public URL, ever


@pytest.mark.django_db
def test_a_report_received_before_the_end_of_the_financed_year_is_refused(
    payable, finance, pdf_file, settings
):
    report = payable(year=2021).financial_report
    with pytest.raises(ValidationError) as refused:
        receive(report, finance, pdf_file, received_on=datetime.date(2021, 12, 31))
    assert refused.value.message_dict["received_on"] == [
        "Un compte rendu financier reçu le 31/12/2021 est antérieur à la fin de l'exercice "
        "financé (2021) : il ne peut être reçu qu'à partir du 1er janvier 2022."
    ]
    report.refresh_from_db()
    assert (report.status, report.received_on, report.file.name) == (
        ReportStatus.EXPECTED,
        None,
        "",
    )
    assert stored_files(settings) == []
    receive(report, finance, pdf_file, received_on=datetime.date(2022, 1, 1))


@pytest.mark.django_db
def test_a_text_file_renamed_pdf_is_refused(payable, finance, settings):
    report = payable().financial_report
    fake = ContentFile(b"Compte rendu financier 2021\nTotal : 35 000 euros\n", name="cr.pdf")
    with pytest.raises(ValidationError) as refused:
        receive(report, finance, fake)
    assert refused.value.message_dict["file"] == [files.PDF_NOT_PDF]
    truncated = ContentFile(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>", name="cr.pdf")
    with pytest.raises(ValidationError) as refused:
        receive(report, finance, truncated)
    assert refused.value.message_dict["file"] == [files.PDF_UNREADABLE]
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_file_over_20_mb_is_refused(payable, finance, monkeypatch, settings):
    assert files.PDF_MAX_BYTES == 20 * 1024 * 1024
    report = payable().financial_report
    # The limit lowered to the size of the test PDF, rather than 20 MB written to disk.
    monkeypatch.setattr(files, "PDF_MAX_BYTES", len(pdf_bytes()) - 1)
    with pytest.raises(ValidationError) as refused:
        receive(report, finance, ContentFile(pdf_bytes(), name="cr.pdf"))
    assert [error.code for error in refused.value.error_dict["file"]] == ["too_large"]
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_the_20_mb_limit_message(payable, finance):
    """The size is checked before anything is read: a file claiming 20 MB + 1 byte."""
    report = payable().financial_report
    big = ContentFile(b"%PDF-", name="cr.pdf")
    big.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as refused:
        receive(report, finance, big)
    assert refused.value.message_dict["file"] == ["Le fichier fait 20,0 Mo : 20 Mo au plus."]


@pytest.mark.django_db
def test_approval_of_the_report_closes_a_file_paid_in_full(payable, finance, pdf_file):
    subsidy = payable()
    payments.payment_create(
        subsidy=subsidy,
        date=datetime.date(2021, 5, 3),
        amount=Decimal("20000"),
        mandate_number="2021-000001",
        user=finance,
    )
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.PAID
    report = receive(subsidy.financial_report, finance, pdf_file)
    payments.report_approve(report=report, user=finance)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED
    assert list(subsidy.transitions.values_list("action", flat=True)) == ["mark_paid", "close"]


@pytest.mark.django_db
def test_a_file_whose_report_is_approved_closes_on_its_last_payment(payable, finance, pdf_file):
    subsidy = payable(terms="échelonné")
    pay = {"subsidy": subsidy, "amount": Decimal("10000"), "user": finance}
    payments.payment_create(date=datetime.date(2021, 5, 3), mandate_number="2021-1", **pay)
    report = receive(subsidy.financial_report, finance, pdf_file)
    payments.report_approve(report=report, user=finance)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.VOTED
    payments.payment_create(date=datetime.date(2022, 4, 1), mandate_number="2022-1", **pay)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED


@pytest.mark.django_db
def test_a_rejected_report_gives_its_reason_and_is_owed_again(payable, finance, pdf_file):
    report = receive(payable().financial_report, finance, pdf_file)
    with pytest.raises(ValidationError) as refused:
        payments.report_reject(report=report, reason="  ", user=finance)
    assert refused.value.message_dict["rejection_reason"] == [
        "Le rejet d'un compte rendu financier est motivé."
    ]
    report = payments.report_reject(
        report=report, reason="Le tableau des charges n'est pas signé.", user=finance
    )
    assert report.status == ReportStatus.REJECTED
    assert report.is_overdue_on(datetime.date(2022, 7, 1))
    assert FinancialReport.objects.outstanding().get() == report
    report = receive(report, finance, ContentFile(pdf_bytes(), name="cr-signe.pdf"))
    assert (report.status, report.rejection_reason) == (ReportStatus.RECEIVED, "")


@pytest.mark.django_db
def test_only_a_received_report_is_approved_and_only_by_finances(payable, finance, make_user):
    report = payable().financial_report
    with pytest.raises(ValidationError) as refused:
        payments.report_approve(report=report, user=finance)
    assert refused.value.messages == [
        "Le compte rendu financier est « attendu » : seul un compte rendu reçu peut être "
        "approuvé ou rejeté."
    ]
    with pytest.raises(ValidationError) as refused:
        payments.report_approve(report=report, user=make_user(Role.INSTRUCTOR))
    assert refused.value.messages == [
        "Réservé au rôle « Finances » : approuver un compte rendu financier."
    ]


@pytest.mark.django_db
def test_overdue_after_its_due_date_while_owed(db):
    report = FinancialReportFactory(subsidy=SubsidyFactory(voted=True, year=2021))
    assert not report.is_overdue_on(datetime.date(2022, 6, 30))
    assert report.is_overdue_on(datetime.date(2022, 7, 1))
    # The same report, received (a status is never set by hand on a stored report).
    report = FinancialReport(
        pk=report.pk,
        subsidy=report.subsidy,
        due_date=report.due_date,
        status=ReportStatus.RECEIVED,
        received_on=RECEIVED,
    )
    assert not report.is_overdue_on(datetime.date(2022, 7, 1))


@pytest.fixture
def report_with_file(payable, finance, pdf_file):
    return receive(payable().financial_report, finance, pdf_file)


@pytest.mark.django_db
def test_the_file_is_downloaded_only_by_a_logged_in_user_allowed_to_view(
    client, report_with_file, make_user
):
    url = reverse("subventions:financial_report_file", args=[report_with_file.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]

    client.force_login(make_user())  # staff, but no role
    assert client.get(url).status_code == 403

    client.force_login(make_user(Role.READER))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    reference = report_with_file.subsidy.reference
    assert f"compte-rendu-financier-{reference}.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_report_without_file_is_not_found(client, payable, make_user):
    report = payable().financial_report
    client.force_login(make_user(Role.FINANCE))
    url = reverse("subventions:financial_report_file", args=[report.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_report_file_removed_from_disk_is_an_alert_not_a_500(client, report_with_file, make_user):
    """Issue 14, item 9: the download says the file is missing, on the file's page."""
    Path(report_with_file.file.path).unlink()
    client.force_login(make_user(Role.READER))
    url = reverse("subventions:financial_report_file", args=[report_with_file.pk])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    # Page messages carry their French no-break spaces (« serveur : »).
    alert = typography(files.STORED_MISSING.format(what="Le compte rendu financier"))
    assert alert.replace("'", "&#x27;") in response.content.decode()
