"""The financial report typed online (Cerfa n° 15059*02, issue 16): the association saves
a draft, transmits it with its signed PDF (« reçu »), the instructor approves or rejects
it with a reason the association reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from subventions import payments, reports
from subventions.enums import ReportStatus
from subventions.models import ReportLine, ReportStatement
from subventions.reports import LineData
from tests.portail.conftest import *  # noqa: F403 (the association accounts)
from tests.subventions.conftest import pdf_bytes

TEXTS = {
    "achievements": "Trois ateliers, 120 personnes accueillies.",
    "indicators": "Taux de satisfaction : 92 %",
    "differences_explanation": "Un atelier de moins que prévu.",
    "signatory_name": "Camille Martin",
    "signatory_title": "présidente",
    "attested": True,
}
LINES = {
    "64": LineData(planned=Decimal("30000"), actual=Decimal("28000")),
    "74": LineData(planned=Decimal("20000"), actual=Decimal("20000")),
}


@pytest.fixture
def report(payable, association):
    return payable(beneficiary=association).financial_report


def signed_pdf():
    return ContentFile(pdf_bytes(), name="cr-signe.pdf")


def test_the_association_saves_then_transmits_its_report(report, account, finance):
    statement = reports.report_statement_save(report=report, user=account, data=TEXTS, lines=LINES)
    assert statement.totals()["charges_actual"] == Decimal("28000")
    assert statement.totals()["income_planned"] == Decimal("20000")
    report = reports.report_submit_online(report=report, user=account, signed_pdf=signed_pdf())
    assert report.status == ReportStatus.RECEIVED
    assert report.received_on == timezone.localdate()
    statement.refresh_from_db()
    assert statement.submitted_by == account
    # The instructor's side, as for a report received by mail
    report = payments.report_reject(report=report, reason="Il manque le bilan.", user=finance)
    assert report.rejection_reason == "Il manque le bilan."
    report = reports.report_submit_online(report=report, user=account, signed_pdf=signed_pdf())
    report = payments.report_approve(report=report, user=finance)
    assert report.status == ReportStatus.APPROVED


def test_an_incomplete_report_is_not_transmitted(report, account):
    reports.report_statement_save(
        report=report, user=account, data={**TEXTS, "attested": False, "achievements": ""}, lines={}
    )
    with pytest.raises(ValidationError) as refusal:
        reports.report_submit_online(report=report, user=account, signed_pdf=None)
    problems = refusal.value.message_dict
    assert problems["attested"] == [reports.ATTESTATION_REQUIRED]
    assert problems["achievements"] == [reports.ACHIEVEMENTS_REQUIRED]
    assert problems["signed_pdf"] == [reports.SIGNED_PDF_REQUIRED]
    assert problems["__all__"] == [reports.NO_AMOUNTS]
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED


def test_a_signed_pdf_that_is_not_a_pdf_is_refused(report, account):
    reports.report_statement_save(report=report, user=account, data=TEXTS, lines=LINES)
    with pytest.raises(ValidationError, match="n'est pas un PDF"):
        reports.report_submit_online(
            report=report, user=account, signed_pdf=ContentFile(b"hello", name="cr.pdf")
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED and not report.file


def test_a_report_before_the_end_of_the_financed_year_is_refused(payable, association, account):
    report = payable(beneficiary=association, year=timezone.localdate().year).financial_report
    reports.report_statement_save(report=report, user=account, data=TEXTS, lines=LINES)
    with pytest.raises(ValidationError, match="antérieur à la fin de l'exercice"):
        reports.report_submit_online(report=report, user=account, signed_pdf=signed_pdf())
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED


def test_another_association_cannot_write_the_report(report, make_account, payable):
    stranger = make_account(payable().beneficiary)
    with pytest.raises(ValidationError, match="n'agissez pas"):
        reports.report_statement_save(report=report, user=stranger, data=TEXTS, lines=LINES)
    assert not ReportStatement.objects.exists()


def test_a_negative_amount_is_refused(report, account):
    with pytest.raises(ValidationError):
        reports.report_statement_save(
            report=report,
            user=account,
            data=TEXTS,
            lines={"60": LineData(planned=Decimal("-1"), actual=Decimal("0"))},
        )
    assert not ReportLine.objects.exists()


def test_the_review_page_rejects_with_a_reason(client, report, account, finance):
    reports.report_statement_save(report=report, user=account, data=TEXTS, lines=LINES)
    reports.report_submit_online(report=report, user=account, signed_pdf=signed_pdf())
    client.force_login(finance)
    url = reverse("subventions:financial_report_review", args=[report.pk])
    page = client.get(url).content.decode()
    assert "64 – Charges de personnel" in page
    assert "28\u00a0000" in page
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du rejet" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    response = client.post(url, {"decision": "reject", "reason": "Bilan manquant"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.rejection_reason == "Bilan manquant"
