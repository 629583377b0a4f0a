"""The money in the admin: figures, and every write going through the payment rules."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subventions import payments
from subventions.enums import ReportStatus, Role, SubsidyStatus
from subventions.models import Clawback, Payment, Subsidy
from tests.subventions.conftest import pdf_bytes
from tests.subventions.test_admin import login

NBSP = "\u00a0"


@pytest.mark.django_db
def test_budget_lines_show_voted_committed_paid_available(client, demo):
    login(client, "finances")
    response = client.get(reverse("admin:subventions_budgetline_changelist"))
    assert response.status_code == 200
    for figure in (
        "1\u00a0200\u00a0000\u00a0€",
        "35\u00a0000\u00a0€",
        "1\u00a0165\u00a0000\u00a0€",
    ):
        assert figure in response.text
    assert "Disponible" in response.text


@pytest.mark.django_db
def test_the_subsidy_page_shows_its_schedule_payments_report_and_clawbacks(client, demo):
    login(client, "lecteur")
    subsidy = Subsidy.objects.get(year=2020)
    response = client.get(reverse("admin:subventions_subsidy_change", args=[subsidy.pk]))
    assert response.status_code == 200
    assert "2020-004512" in response.text
    assert "Versement unique à la signature" in response.text
    download = reverse("subventions:financial_report_file", args=[subsidy.financial_report.pk])
    assert download in response.text
    assert subsidy.financial_report.file.name not in response.text  # no direct link
    assert f"reste à verser : <strong>0{NBSP}€</strong>" in response.text


@pytest.mark.django_db
def test_an_overpayment_typed_in_the_admin_is_refused_with_its_reason(client, demo):
    subsidy = Subsidy.objects.get(year=2020)
    login(client, "finances")
    response = client.post(
        reverse("admin:subventions_payment_add"),
        {
            "subsidy": subsidy.pk,
            "date": "01/06/2020",
            "amount": "100",
            "mandate_number": "2020-009999",
        },
    )
    assert response.status_code == 200
    assert "dépasserait le montant actuel de la subvention" in response.text
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_a_payment_typed_in_the_admin_goes_through_the_service(client, payable, make_user):
    subsidy = payable(amount="20000")
    client.force_login(make_user(Role.FINANCE))
    response = client.post(
        reverse("admin:subventions_payment_add"),
        {
            "subsidy": subsidy.pk,
            "date": "03/05/2021",
            "amount": "20000,00",
            "mandate_number": "2021-000777",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    payment = Payment.objects.get()
    assert (payment.mandate_number, payment.year) == ("2021-000777", 2021)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.PAID


@pytest.mark.django_db
def test_a_report_received_and_approved_in_the_admin_closes_the_file(
    client, payable, make_user, settings
):
    finance = make_user(Role.FINANCE)
    subsidy = payable(amount="20000")
    payments.payment_create(
        subsidy=subsidy,
        date=datetime.date(2021, 5, 3),
        amount=Decimal("20000"),
        mandate_number="2021-1",
        user=finance,
    )
    report = subsidy.financial_report
    client.force_login(finance)
    url = reverse("admin:subventions_financialreport_change", args=[report.pk])

    fake = SimpleUploadedFile("cr.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"received_on": "15/03/2022", "file": fake})
    assert response.status_code == 200
    assert "Le fichier n&#x27;est pas un PDF (son contenu ne commence pas" in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED

    pdf = SimpleUploadedFile("cr.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        url, {"received_on": "15/03/2022", "file": pdf, "decision": ReportStatus.APPROVED}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED


@pytest.mark.django_db
def test_a_clawback_typed_in_the_admin(client, demo):
    subsidy = Subsidy.objects.get(year=2020)
    login(client, "finances")
    data = {
        "subsidy": subsidy.pk,
        "date": "01/09/2021",
        "amount": "40000",
        "recovery_order": "TR-2021-0001",
        "reason": "Action non réalisée.",
    }
    response = client.post(reverse("admin:subventions_clawback_add"), data)
    assert "dépasse ce qui a été versé net" in response.text
    response = client.post(reverse("admin:subventions_clawback_add"), {**data, "amount": "2000"})
    assert response.status_code == 302
    assert Clawback.objects.get().amount == Decimal("2000")
    assert Subsidy.objects.get(pk=subsidy.pk).current_amount == Decimal("33000")


@pytest.mark.django_db
def test_roles_on_the_money_models():
    finance = set(
        Group.objects.get(name=Role.FINANCE).permissions.values_list("codename", flat=True)
    )
    for model in ("paymentinstalment", "payment", "financialreport", "clawback"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= finance
    assert "delete_paymentinstalment" in finance
    assert "delete_payment" not in finance
    for role in (Role.INSTRUCTOR, Role.READER, Role.SIGNATORY):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert {"view_payment", "view_financialreport", "view_clawback"} <= codenames
        assert not {"add_payment", "change_financialreport", "add_clawback"} & codenames
