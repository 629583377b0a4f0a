"""The « Finances » part of a file's page: schedule, payments, report, clawbacks, through
the staff pages; each bad input refused with its French reason, nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import euros, typography
from subventions import payments
from subventions.enums import PaymentTerms, ReportStatus, Role, SubsidyStatus
from subventions.models import Clawback, Payment
from subventions.money_forms import AMOUNT_NOT_POSITIVE
from tests.subventions.conftest import pdf_bytes


def detail(client, subsidy) -> str:
    response = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk]))
    assert response.status_code == 200
    return response.content.decode()


def url(name, subsidy, *args):
    return reverse(f"subventions:{name}", args=[subsidy.pk, *args])


def post_payment(client, subsidy, **data):
    values = {"mandate_number": "2021-004512", "date": "2021-05-03", "amount": "10 000,00"}
    values.update(data)
    return client.post(url("payment_create", subsidy), values)


@pytest.mark.django_db
def test_finance_sees_the_schedule_and_what_is_left_to_pay(client, payable, finance):
    subsidy = payable(amount="20000", terms=PaymentTerms.STAGGERED)
    client.force_login(finance)
    page = detail(client, subsidy)
    assert "Finances" in page
    assert "Sur présentation du compte rendu financier" in page
    assert "En attente du compte rendu financier approuvé" in page
    assert euros(Decimal("20000")) in page
    assert url("payment_create", subsidy) in page


@pytest.mark.django_db
def test_other_roles_see_the_money_but_no_action_and_get_403(client, payable, make_user):
    subsidy = payable()
    instructor = make_user(Role.INSTRUCTOR)
    client.force_login(instructor)
    page = detail(client, subsidy)
    assert "Reste à verser" in page
    assert url("payment_create", subsidy) not in page
    for name, args in (
        ("payment_create", ()),
        ("report_receive", ()),
        ("report_decide", ("approuver",)),
        ("clawback_create", ()),
    ):
        response = client.get(url(name, subsidy, *args))
        assert response.status_code == 403
    assert post_payment(client, subsidy).status_code == 403
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, payable):
    subsidy = payable()
    response = client.get(url("payment_create", subsidy))
    assert response.status_code == 302
    assert "login" in response["Location"] or "connexion" in response["Location"]


@pytest.mark.django_db
def test_a_payment_is_recorded_from_the_page(client, payable, finance):
    subsidy = payable(amount="20000", terms=PaymentTerms.STAGGERED)
    first = subsidy.instalments.get(position=1)
    client.force_login(finance)
    form = client.get(url("payment_create", subsidy) + f"?echeance={first.pk}")
    assert form.context["form"]["amount"].value() == Decimal("10000")
    response = post_payment(client, subsidy, instalment=first.pk)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.instalment, payment.mandate_number) == (
        Decimal("10000"),
        first,
        "2021-004512",
    )
    page = client.get(response["Location"]).content.decode()
    assert typography(f"Reste à verser : {euros(Decimal('10000'))}") in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "-5"}, "amount", AMOUNT_NOT_POSITIVE),
        ({"amount": "0"}, "amount", AMOUNT_NOT_POSITIVE),
        ({"amount": "dix mille"}, "amount", "Saisissez un montant en euros"),
        ({"amount": "25 000"}, "amount", "dépasserait le montant actuel"),
        ({"date": "2021-03-01"}, "amount", "précède la date à laquelle la délibération"),
        ({"date": "0001-01-01"}, "date", "comprise entre le 01/01/1900"),
        ({"date": "2999-01-01"}, "date", "postérieure à aujourd'hui"),
        ({"mandate_number": ""}, "mandate_number", "Ce champ est obligatoire."),
        ({"mandate_number": "2021\n1"}, "mandate_number", "tient sur une ligne"),
    ],
)
@pytest.mark.django_db
def test_a_bad_payment_is_refused_with_its_reason(client, payable, finance, data, field, message):
    subsidy = payable(amount="20000")
    client.force_login(finance)
    response = post_payment(client, subsidy, **data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert typography(message) in typography(errors)
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_balance_on_the_report_waits_for_its_approval(client, payable, finance):
    subsidy = payable(amount="20000", terms=PaymentTerms.STAGGERED)
    balance = subsidy.instalments.get(position=2)
    client.force_login(finance)
    response = post_payment(client, subsidy, instalment=balance.pk)
    errors = " ".join(response.context["form"].errors["amount"])
    assert "ne peut l'être avant que le compte rendu soit approuvé" in errors
    assert not Payment.objects.exists()


def upload(content=None, name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


@pytest.mark.django_db
def test_pay_receive_approve_and_the_file_is_soldee(client, payable, finance):
    subsidy = payable(amount="20000", terms=PaymentTerms.STAGGERED)
    first, balance = subsidy.instalments.order_by("position")
    client.force_login(finance)
    post_payment(client, subsidy, instalment=first.pk)
    response = client.post(
        url("report_receive", subsidy), {"received_on": "2022-03-15", "file": upload()}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert subsidy.financial_report.__class__.objects.get().status == ReportStatus.RECEIVED
    assert client.get(url("report_decide", subsidy, "approuver")).status_code == 200
    assert client.post(url("report_decide", subsidy, "approuver")).status_code == 302
    post_payment(
        client, subsidy, instalment=balance.pk, mandate_number="2022-000100", date="2022-07-01"
    )
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED
    page = detail(client, subsidy)
    assert "Soldée" in page or "soldée" in page
    assert "Reste à verser" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"file": "not a pdf"}, "file", "n'est pas un PDF"),
        ({"file": None}, "file", "Ce champ est obligatoire."),
        ({"received_on": "2021-10-01"}, "received_on", "antérieur à la fin de l'exercice"),
        ({"received_on": "2999-01-01"}, "received_on", "postérieure à aujourd'hui"),
    ],
)
@pytest.mark.django_db
def test_a_bad_report_is_refused(client, payable, finance, data, field, message):
    subsidy = payable()
    client.force_login(finance)
    values = {"received_on": "2022-03-15", "file": upload()}
    if "file" in data:
        values.pop("file")
        if data["file"]:
            values["file"] = upload(data["file"].encode(), name="cr.pdf")
    if "received_on" in data:
        values["received_on"] = data["received_on"]
    response = client.post(url("report_receive", subsidy), values)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert typography(message) in typography(errors)
    subsidy.financial_report.refresh_from_db()
    assert subsidy.financial_report.status == ReportStatus.EXPECTED


@pytest.mark.django_db
def test_a_report_is_rejected_with_its_reason(client, payable, finance):
    subsidy = payable()
    report = payments.report_receive(
        report=subsidy.financial_report,
        received_on=datetime.date(2022, 3, 15),
        file=upload(),
        user=finance,
    )
    client.force_login(finance)
    response = client.post(url("report_decide", subsidy, "rejeter"), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(
        url("report_decide", subsidy, "rejeter"), {"reason": "Le bilan n'est pas signé."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.rejection_reason) == (
        ReportStatus.REJECTED,
        "Le bilan n'est pas signé.",
    )
    # Not received any more: approving is refused with the state's reason.
    page = client.get(url("report_decide", subsidy, "approuver")).content.decode()
    assert "seul un compte rendu reçu peut être" in page


@pytest.mark.django_db
def test_a_clawback_is_recorded_and_refused_above_what_was_paid(client, payable, finance):
    subsidy = payable(amount="20000")
    client.force_login(finance)
    post_payment(client, subsidy, amount="20 000")
    data = {
        "recovery_order": "T-2022-15",
        "date": "2022-09-01",
        "amount": "25 000",
        "reason": "Action non réalisée.",
    }
    response = client.post(url("clawback_create", subsidy), data)
    assert "dépasse ce qui a été versé net" in typography(
        " ".join(response.context["form"].errors["amount"])
    )
    response = client.post(url("clawback_create", subsidy), {**data, "reason": ""})
    assert response.context["form"].errors["reason"]
    assert not Clawback.objects.exists()
    response = client.post(url("clawback_create", subsidy), {**data, "amount": "5 000"})
    assert response.status_code == 302
    assert Clawback.objects.get().amount == Decimal("5000")


@pytest.mark.django_db
def test_the_money_section_reads_in_constant_queries(client, payable, finance):
    def count(subsidy):
        with CaptureQueriesContext(connection) as queries:
            detail(client, subsidy)
        return len(queries)

    client.force_login(finance)
    few = payable(amount="20000")
    many = payable(amount="20000")
    lines = [
        payments.InstalmentData(f"Échéance {n}", "signature", amount=Decimal("400"))
        for n in range(50)
    ]
    payments.schedule_set(subsidy=many, instalments=lines, user=finance)
    for n in range(20):
        payments.payment_create(
            subsidy=many,
            date=datetime.date(2021, 5, 3),
            amount=Decimal("100"),
            mandate_number=f"2021-{n:06d}",
            instalment=many.instalments.get(position=n + 1),
            user=finance,
        )
    assert count(many) == count(few)
