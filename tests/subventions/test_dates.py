"""Every date a person types is bounded (core.dates): year 0001 and 31/12/9999 are refused
with a French message by the models, the staff forms and the admin of every app; dates
already stored that way never make an admin year link answer 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.forms import BeneficiarySignatureForm, PaperSignatureForm
from core.dates import DATE_OUT_OF_RANGE, plausible_date
from deliberations.forms import ExecutoryForm, SessionForm
from subventions.enums import Role
from subventions.forms import BeneficiaryForm
from subventions.models import Payment, Subsidy
from tests.subventions.factories import BeneficiaryFactory, PaymentFactory, SubsidyFactory

ODD = [datetime.date(1, 1, 1), datetime.date(1899, 12, 31), datetime.date(2101, 1, 1)]
ODD_TYPED = ["0001-01-01", "9999-12-31", "1899-12-31"]


@pytest.mark.parametrize("day", ODD + [datetime.date(9999, 12, 31)])
def test_an_implausible_date_is_refused_in_french(day):
    with pytest.raises(ValidationError) as refused:
        plausible_date(day)
    assert refused.value.messages == [DATE_OUT_OF_RANGE]


@pytest.mark.parametrize("day", [datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)])
def test_the_bounds_are_plausible(day):
    plausible_date(day)


@pytest.mark.django_db
def test_the_models_refuse_an_implausible_date():
    subsidy = SubsidyFactory(received_on=datetime.date(2021, 1, 15))
    subsidy.received_on = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        subsidy.full_clean()
    assert refused.value.message_dict["received_on"] == [DATE_OUT_OF_RANGE]


@pytest.mark.parametrize("typed", ODD_TYPED)
@pytest.mark.django_db
def test_the_staff_forms_refuse_an_implausible_date(typed):
    beneficiary = BeneficiaryFactory()
    form = BeneficiaryForm(
        data={"republican_commitment_date": typed}, instance=beneficiary, version=""
    )
    assert form.errors["republican_commitment_date"] == [DATE_OUT_OF_RANGE]
    form = SessionForm(data={"body": "B", "date": typed, "time": "", "place": "", "note": ""})
    assert form.errors["date"] == [DATE_OUT_OF_RANGE]
    assert ExecutoryForm(data={"date": typed}).errors["date"] == [DATE_OUT_OF_RANGE]
    form = PaperSignatureForm(data={"signed_on": typed, "beneficiary_signed_on": typed})
    assert form.errors["signed_on"] == [DATE_OUT_OF_RANGE]
    assert form.errors["beneficiary_signed_on"] == [DATE_OUT_OF_RANGE]
    form = BeneficiarySignatureForm(data={"signed_on": typed})
    assert form.errors["signed_on"] == [DATE_OUT_OF_RANGE]


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999"])
@pytest.mark.django_db
def test_the_admin_refuses_an_implausible_date(client, payable, make_user, typed):
    subsidy = payable("20000")
    client.force_login(make_user(Role.FINANCE))
    response = client.post(
        reverse("admin:subventions_payment_add"),
        {"subsidy": subsidy.pk, "date": typed, "amount": "1000", "mandate_number": "2021-7"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [DATE_OUT_OF_RANGE]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_admin_session_form_refuses_an_implausible_date(client, make_user):
    client.force_login(make_user(Role.ASSEMBLY_SECRETARIAT))
    response = client.post(
        reverse("admin:deliberations_session_add"),
        {"body": "B", "date": "31/12/9999", "place": "Lille"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [DATE_OUT_OF_RANGE]


@pytest.mark.django_db
def test_admin_year_links_on_odd_stored_dates_never_answer_500(client, payable, make_user):
    subsidy = payable("20000")
    PaymentFactory(subsidy=subsidy, amount=1000)
    Payment.objects.update(date=datetime.date(9999, 12, 31))
    Subsidy.objects.filter(pk=subsidy.pk).update(received_on=datetime.date(1, 1, 1))
    SubsidyFactory(received_on=datetime.date(9999, 12, 31))
    client.force_login(make_user(Role.FINANCE))
    pages = {
        "admin:subventions_payment_changelist": "date",
        "admin:subventions_subsidy_changelist": "received_on",
    }
    for page, field in pages.items():
        url = reverse(page)
        assert client.get(url).status_code == 200
        for query in (
            {f"{field}__year": "9999"},
            {f"{field}__year": "9999", f"{field}__month": "12"},
            {f"{field}__year": "9999", f"{field}__month": "12", f"{field}__day": "31"},
            {f"{field}__year": "1"},
            {f"{field}__year": "0"},
            {f"{field}__year": "10000"},
        ):
            response = client.get(url, query, follow=True)
            assert response.status_code == 200, (page, query)
