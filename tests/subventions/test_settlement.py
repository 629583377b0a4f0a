"""« versée » only when the payments reach the current amount; « soldée » only once the
financial report is approved, or waived by a recorded decision with its reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import workflow
from core.models import TransitionLog
from subventions import payments, services
from subventions.enums import ReportStatus, SubsidyStatus
from subventions.models import FinancialReport, Subsidy, conditions
from subventions.models.money import REPORT_WAIVED_WITHOUT_REASON

MAY = datetime.date(2021, 5, 3)
REASON = "Décision du 12/09/2022 : association dissoute, liquidation close."


def pay(subsidy, user, amount, number="2021-1"):
    return payments.payment_create(
        subsidy=subsidy, date=MAY, amount=Decimal(amount), mandate_number=number, user=user
    )


@pytest.mark.django_db
def test_mark_paid_is_refused_while_nothing_is_paid(payable, finance):
    subsidy = payable("20000")
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.subsidy_transition(subsidy=subsidy, action="mark_paid", user=finance)
    assert refused.value.messages == [
        "Action « Constater le versement intégral » impossible : " + conditions.paid_in_full.message
    ]
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.VOTED
    offered = {a: r for a, _, r in services.available_transitions(subsidy, finance)}
    assert offered["mark_paid"].endswith(conditions.paid_in_full.message)


@pytest.mark.django_db
def test_mark_paid_is_refused_with_part_paid_and_offered_once_paid(payable, finance):
    subsidy = payable("20000", terms="échelonné")
    pay(subsidy, finance, "10000")
    subsidy = Subsidy.objects.get(pk=subsidy.pk)
    assert workflow.refusal(subsidy, "mark_paid", finance).endswith(conditions.paid_in_full.message)
    pay(subsidy, finance, "10000", number="2021-2")
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.PAID


@pytest.mark.django_db
def test_close_is_refused_while_the_report_is_expected(payable, finance):
    subsidy = payable("20000")
    pay(subsidy, finance, "20000")
    subsidy = Subsidy.objects.get(pk=subsidy.pk)
    assert subsidy.status == SubsidyStatus.PAID
    assert subsidy.financial_report.status == ReportStatus.EXPECTED
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.subsidy_transition(subsidy=subsidy, action="close", user=finance)
    assert refused.value.messages == [
        "Action « Solder le dossier » impossible : " + conditions.report_settled.message
    ]
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.PAID


@pytest.mark.django_db
def test_a_waiver_needs_its_reason(payable, finance):
    report = payable("20000").financial_report
    with pytest.raises(ValidationError) as refused:
        payments.report_waive(report=report, reason="   ", user=finance)
    assert refused.value.message_dict == {"waiver_reason": [REPORT_WAIVED_WITHOUT_REASON]}
    assert FinancialReport.objects.get(pk=report.pk).status == ReportStatus.EXPECTED


@pytest.mark.django_db
def test_a_waived_report_closes_a_file_paid_in_full_and_keeps_its_reason(payable, finance):
    subsidy = payable("20000")
    pay(subsidy, finance, "20000")
    report = payments.report_waive(report=subsidy.financial_report, reason=REASON, user=finance)
    report.refresh_from_db()
    assert (report.status, report.waiver_reason) == (ReportStatus.WAIVED, REASON)
    assert report.history.first().waiver_reason == REASON
    log = TransitionLog.objects.get(action="waive")
    assert (log.user, log.comment) == (finance, REASON)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED
    close = subsidy.transitions.get(action="close")
    assert REASON in close.comment
    # Not owed any more: no reminder for it.
    assert not FinancialReport.objects.outstanding().exists()


@pytest.mark.django_db
def test_a_waived_report_does_not_close_a_file_not_paid_in_full(payable, finance):
    subsidy = payable("20000")
    payments.report_waive(report=subsidy.financial_report, reason=REASON, user=finance)
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.VOTED
    pay(subsidy, finance, "20000")
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.CLOSED


@pytest.mark.django_db
def test_an_approved_report_cannot_be_waived(payable, finance, pdf_file):
    report = payable("20000").financial_report
    report = payments.report_receive(
        report=report, received_on=datetime.date(2022, 3, 1), file=pdf_file, user=finance
    )
    payments.report_approve(report=report, user=finance)
    with pytest.raises(ValidationError) as refused:
        payments.report_waive(report=report, reason=REASON, user=finance)
    assert "seul un compte rendu attendu, reçu ou rejeté" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_waiver_is_a_decision_in_the_admin(client, payable, finance):
    subsidy = payable("20000")
    pay(subsidy, finance, "20000")
    report = subsidy.financial_report
    client.force_login(finance)
    url = reverse("admin:subventions_financialreport_change", args=[report.pk])
    response = client.post(url, {"decision": ReportStatus.WAIVED, "waiver_reason": ""})
    assert response.status_code == 200
    assert "La dispense de compte rendu financier est une décision motivée" in response.text
    response = client.post(url, {"decision": ReportStatus.WAIVED, "waiver_reason": REASON})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert FinancialReport.objects.get(pk=report.pk).status == ReportStatus.WAIVED
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.CLOSED
