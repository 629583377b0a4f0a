"""One amount input everywhere: « 1 000,50 » typed with a space, a no-break space or a
narrow no-break space is read the same by the staff forms and by the admin."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.forms import AMOUNT_INVALID, AmountField
from subventions.enums import Role
from subventions.models import BudgetLine, Payment
from tests.subventions.factories import BudgetLineFactory

TYPED = ["1 000,50", "1\u00a0000,50", "1\u202f000,50", " 1 000,50 € ", "1000.50"]


@pytest.mark.parametrize("typed", TYPED)
def test_the_amount_field_reads_french_amounts(typed):
    assert AmountField().clean(typed) == Decimal("1000.50")


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.django_db
def test_the_admin_change_of_an_amount_accepts_french_amounts(client, make_user, typed):
    line = BudgetLineFactory()
    client.force_login(make_user(Role.FINANCE))
    url = reverse("admin:subventions_budgetline_change", args=[line.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["amount_voted"] = typed
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert BudgetLine.objects.get(pk=line.pk).amount_voted == Decimal("1000.50")


@pytest.mark.django_db
def test_the_admin_add_of_a_payment_accepts_a_french_amount(client, payable, make_user):
    subsidy = payable("20000")
    client.force_login(make_user(Role.FINANCE))
    response = client.post(
        reverse("admin:subventions_payment_add"),
        {
            "subsidy": subsidy.pk,
            "date": "03/05/2021",
            "amount": "1\u202f000,50",
            "mandate_number": "2021-000777",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Payment.objects.get().amount == Decimal("1000.50")
    assert Payment.objects.get().date == datetime.date(2021, 5, 3)


@pytest.mark.django_db
def test_the_admin_refuses_a_word_as_an_amount_in_french(client, make_user):
    line = BudgetLineFactory()
    client.force_login(make_user(Role.FINANCE))
    url = reverse("admin:subventions_budgetline_change", args=[line.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["amount_voted"] = "mille euros"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount_voted"] == [AMOUNT_INVALID]
