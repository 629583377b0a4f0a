"""One funding-plan check on every path that writes a file: the authority's own amount plus
the co-funding never exceed the projected budget — at creation as on an edit, on the staff
pages, in the admin and through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.formatting import euros
from subventions import services
from subventions.enums import Role
from subventions.models import Subsidy, programme
from tests.subventions.factories import (
    BeneficiaryFactory,
    BudgetLineFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)
from tests.subventions.test_admin import change_form_data

pytestmark = pytest.mark.django_db

OWN_ABOVE_BUDGET = programme.FUNDING_PLAN_EXCEEDED.format(
    cofunding=euros(Decimal("0")), own=euros(Decimal("800000")), budget=euros(Decimal("753091"))
)


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR)


def _fields():
    return {
        "beneficiary": BeneficiaryFactory(),
        "policy_area": PolicyAreaFactory(),
        "year": 2021,
        "title": "Soutien 2021",
        "purpose": "Programme 2021",
        "amount_requested": Decimal("800000"),
        "projected_budget": Decimal("753091"),
    }


def test_the_service_refuses_a_file_created_with_its_amount_above_the_budget(instructor):
    with pytest.raises(ValidationError) as refused:
        services.subsidy_create(user=instructor, **_fields())
    assert refused.value.message_dict == {"projected_budget": [OWN_ABOVE_BUDGET]}
    assert not Subsidy.objects.exists()


def test_the_service_accepts_a_file_created_with_its_amount_equal_to_the_budget(instructor):
    fields = {**_fields(), "amount_requested": Decimal("753091")}
    assert services.subsidy_create(user=instructor, **fields).pk is not None


def _staff_post(**overrides):
    fields = _fields()
    data = {
        "version": "",
        "beneficiary": fields["beneficiary"].pk,
        "year": "2021",
        "policy_area": fields["policy_area"].pk,
        "received_on": "2021-01-15",
        "title": "Soutien au programme 2021",
        "purpose": "Programme d'actions 2021",
        "section": "fonctionnement",
        "nature": "aide en numéraire",
        "amount_requested": "800 000",
        "amount_proposed": "",
        "projected_budget": "753 091",
        "budget_line": BudgetLineFactory(year=2021).pk,
        "payment_terms": "unique",
        "axes-TOTAL_FORMS": "0",
        "axes-INITIAL_FORMS": "0",
        "cofinancements-TOTAL_FORMS": "0",
        "cofinancements-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_the_staff_form_refuses_a_file_created_with_its_amount_above_the_budget(client, instructor):
    client.force_login(instructor)
    response = client.post(reverse("subventions:subsidy_create"), _staff_post())
    assert response.status_code == 200
    assert response.context["form"].errors["projected_budget"] == [OWN_ABOVE_BUDGET]
    assert not Subsidy.objects.exists()


def test_the_staff_form_refuses_the_same_change_on_edit(client, instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), instructor=instructor)
    client.force_login(instructor)
    url = reverse("subventions:subsidy_update", args=[subsidy.pk])
    form = client.get(url).context["form"]
    data = _staff_post(
        beneficiary=subsidy.beneficiary_id,
        policy_area=subsidy.policy_area_id,
        version=form["version"].value(),
        budget_line="",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["projected_budget"] == [OWN_ABOVE_BUDGET]
    assert Subsidy.objects.get(pk=subsidy.pk).amount_requested == Decimal("35000")


def test_the_admin_refuses_a_file_added_with_its_amount_above_the_budget(client, instructor):
    client.force_login(instructor)
    url = reverse("admin:subventions_subsidy_add")
    data = change_form_data(client.get(url))
    fields = _fields()
    data.update(
        beneficiary=str(fields["beneficiary"].pk),
        year="2021",
        policy_area=str(fields["policy_area"].pk),
        title="Soutien 2021",
        purpose="Programme 2021",
        amount_requested="800 000",
        projected_budget="753 091",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert OWN_ABOVE_BUDGET.replace("'", "&#x27;") in response.text
    assert not Subsidy.objects.exists()


def test_the_admin_refuses_the_same_change_on_edit(client, instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    client.force_login(instructor)
    url = reverse("admin:subventions_subsidy_change", args=[subsidy.pk])
    data = change_form_data(client.get(url))
    data.update(amount_requested="800 000", projected_budget="753 091")
    response = client.post(url, data)
    assert response.status_code == 200
    assert OWN_ABOVE_BUDGET.replace("'", "&#x27;") in response.text
    assert Subsidy.objects.get(pk=subsidy.pk).amount_requested == Decimal("35000")
