"""Bad input through the services: a French message on the right field, nothing saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.formatting import euros
from core.modeling import AMOUNT_NEGATIVE
from subventions import services, validators
from subventions.models import (
    ActionAxis,
    Beneficiary,
    CoFunding,
    CoFundingPartner,
    Subsidy,
    programme,
    subsidies,
)
from tests.subventions.factories import (
    ActionAxisFactory,
    BeneficiaryFactory,
    BudgetLineFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db

MEL_SIRET = "20009320100016"
DUPLICATE_SIRET = "Un bénéficiaire porte déjà ce SIRET."
DUPLICATE_AXIS = "Un axe porte déjà ce numéro pour cette subvention."
TRACKED = (Beneficiary, Subsidy, ActionAxis, CoFunding, CoFundingPartner)


def row_counts() -> dict[str, int]:
    """Rows of every tracked model and of its history."""
    counts = {model.__name__: model.objects.count() for model in TRACKED}
    counts |= {f"{model.__name__} history": model.history.count() for model in TRACKED}
    return counts


def refusal(call, **kwargs) -> dict[str, list[str]]:
    """Run a service expected to refuse; return its errors by field, checking nothing changed."""
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert row_counts() == before
    return caught.value.message_dict


def all_messages(errors: dict[str, list[str]]) -> list[str]:
    return [message for messages in errors.values() for message in messages]


@pytest.fixture
def instructor(make_user):
    return make_user("Instructeur")


def beneficiary_fields(**fields):
    return {"legal_name": "Association APES", "name_with_article": "l'APES", **fields}


def subsidy_fields(**fields):
    return {
        "beneficiary": BeneficiaryFactory(),
        "policy_area": PolicyAreaFactory(),
        "year": 2021,
        "title": "Soutien au programme d'actions 2021 de l'APES",
        "purpose": "Programme d'actions 2021",
        "amount_requested": Decimal("35000"),
        "projected_budget": Decimal("753091"),
        **fields,
    }


# Beneficiaries


def test_beneficiary_create_saves_valid_identifiers(instructor):
    beneficiary = services.beneficiary_create(
        user=instructor,
        **beneficiary_fields(
            siret=MEL_SIRET, rna="W595012345", iban="FR7630006000011234567890189", bic="CCOPFRPP"
        ),
    )
    beneficiary.refresh_from_db()
    assert (beneficiary.siret, beneficiary.rna) == (MEL_SIRET, "W595012345")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "20009320100017", validators.SIRET_INVALID),
        ("rna", "W12345", validators.RNA_INVALID),
        ("rna", "X123456789", validators.RNA_INVALID),
        ("iban", "FR7630006000011234567890188", validators.IBAN_INVALID),
        ("bic", "CCOP12PPXXX", validators.BIC_INVALID),
    ],
)
def test_beneficiary_create_refuses_invalid_identifier(instructor, field, value, message):
    errors = refusal(
        services.beneficiary_create, user=instructor, **beneficiary_fields(**{field: value})
    )
    assert errors == {field: [message]}


def test_beneficiary_update_refuses_invalid_iban_and_keeps_stored_one(instructor):
    beneficiary = BeneficiaryFactory(iban="FR7630006000011234567890189")
    errors = refusal(
        services.beneficiary_update,
        beneficiary=beneficiary,
        user=instructor,
        iban="FR7630006000011234567890188",
    )
    assert errors == {"iban": [validators.IBAN_INVALID]}
    assert Beneficiary.objects.get(pk=beneficiary.pk).iban == "FR7630006000011234567890189"


def test_beneficiary_create_refuses_duplicate_siret(instructor):
    BeneficiaryFactory(siret=MEL_SIRET)
    errors = refusal(
        services.beneficiary_create, user=instructor, **beneficiary_fields(siret=MEL_SIRET)
    )
    assert all_messages(errors) == [DUPLICATE_SIRET]


def test_beneficiary_create_refuses_duplicate_siret_on_siret_field(instructor):
    BeneficiaryFactory(siret=MEL_SIRET)
    errors = refusal(
        services.beneficiary_create, user=instructor, **beneficiary_fields(siret=MEL_SIRET)
    )
    assert errors == {"siret": [DUPLICATE_SIRET]}


# Subsidy amounts

AMOUNT_FIELDS = ["amount_requested", "amount_proposed", "amount_awarded", "projected_budget"]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
def test_subsidy_create_refuses_negative_amount(instructor, field):
    errors = refusal(
        services.subsidy_create, user=instructor, **subsidy_fields(**{field: Decimal("-1")})
    )
    assert all_messages(errors) == [AMOUNT_NEGATIVE]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
def test_subsidy_create_refuses_negative_amount_on_its_field(instructor, field):
    errors = refusal(
        services.subsidy_create, user=instructor, **subsidy_fields(**{field: Decimal("-1")})
    )
    assert errors == {field: [AMOUNT_NEGATIVE]}


def test_subsidy_create_refuses_awarded_above_requested(instructor):
    errors = refusal(
        services.subsidy_create,
        user=instructor,
        **subsidy_fields(amount_requested=Decimal("35000"), amount_awarded=Decimal("35000.01")),
    )
    assert errors == {"amount_awarded": [subsidies.AWARDED_ABOVE_REQUESTED]}


def test_subsidy_create_refuses_proposed_above_requested(instructor):
    errors = refusal(
        services.subsidy_create,
        user=instructor,
        **subsidy_fields(amount_requested=Decimal("35000"), amount_proposed=Decimal("40000")),
    )
    assert errors == {"amount_proposed": [subsidies.PROPOSED_ABOVE_REQUESTED]}


def test_subsidy_create_refuses_budget_line_of_another_year(instructor):
    errors = refusal(
        services.subsidy_create,
        user=instructor,
        **subsidy_fields(year=2021, budget_line=BudgetLineFactory(year=2020)),
    )
    assert errors == {"budget_line": [subsidies.BUDGET_LINE_WRONG_YEAR.format(year=2021)]}


def test_subsidy_create_saves_file_with_axes_and_cofunding(instructor):
    state, region = FundingPartnerFactory(), FundingPartnerFactory()
    subsidy = services.subsidy_create(
        user=instructor,
        axes=[services.AxisData(title="Axe 1"), services.AxisData(title="Axe 2")],
        cofundings=[
            services.CoFundingData(partners=[state], amount=Decimal("284000")),
            services.CoFundingData(partners=[region], amount=Decimal("240400")),
        ],
        **subsidy_fields(),
    )
    assert subsidy.instructor == instructor
    assert list(subsidy.axes.values_list("position", "title")) == [(1, "Axe 1"), (2, "Axe 2")]
    assert list(subsidy.cofundings.values_list("position", "amount")) == [
        (1, Decimal("284000")),
        (2, Decimal("240400")),
    ]


def test_subsidy_create_saves_nothing_when_cofunding_exceeds_budget(instructor):
    errors = refusal(
        services.subsidy_create,
        user=instructor,
        axes=[services.AxisData(title="Axe 1")],
        cofundings=[
            services.CoFundingData(partners=[FundingPartnerFactory()], amount=Decimal("90000"))
        ],
        **subsidy_fields(amount_requested=Decimal("35000"), projected_budget=Decimal("100000")),
    )
    assert list(errors) == ["amount"]


def test_subsidy_update_refuses_awarded_above_requested_and_keeps_row(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    errors = refusal(
        services.subsidy_update,
        subsidy=subsidy,
        user=instructor,
        amount_awarded=Decimal("36000"),
    )
    assert errors == {"amount_awarded": [subsidies.AWARDED_ABOVE_REQUESTED]}
    assert Subsidy.objects.get(pk=subsidy.pk).amount_awarded is None


def test_subsidy_update_refuses_negative_amount_and_keeps_row(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    errors = refusal(
        services.subsidy_update, subsidy=subsidy, user=instructor, amount_requested=Decimal("-5")
    )
    assert all_messages(errors) == [AMOUNT_NEGATIVE]
    assert Subsidy.objects.get(pk=subsidy.pk).amount_requested == Decimal("35000")


def test_subsidy_update_saves_valid_change(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    services.subsidy_update(
        subsidy=subsidy, user=instructor, amount_requested=Decimal("40000"), title="Nouveau"
    )
    stored = Subsidy.objects.get(pk=subsidy.pk)
    assert (stored.amount_requested, stored.title) == (Decimal("40000"), "Nouveau")


# Funding plan: co-funding plus the authority's amount never exceed the projected budget.


def funding_plan_message(cofunding, own, budget) -> str:
    return programme.FUNDING_PLAN_EXCEEDED.format(
        cofunding=euros(Decimal(cofunding)), own=euros(Decimal(own)), budget=euros(Decimal(budget))
    )


def test_cofunding_create_refuses_plan_above_projected_budget(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), projected_budget=Decimal("100000"))
    CoFundingFactory(subsidy=subsidy, amount=Decimal("50000"))
    errors = refusal(
        services.cofunding_create,
        subsidy=subsidy,
        partners=[FundingPartnerFactory()],
        amount=Decimal("15000.01"),
        user=instructor,
    )
    assert errors == {"amount": [funding_plan_message("65000.01", "35000", "100000")]}


def test_cofunding_create_accepts_plan_equal_to_projected_budget(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), projected_budget=Decimal("100000"))
    services.cofunding_create(
        subsidy=subsidy,
        partners=[FundingPartnerFactory()],
        amount=Decimal("65000"),
        user=instructor,
    )
    assert subsidy.cofundings.get().amount == Decimal("65000")


def test_subsidy_update_refuses_amount_raised_above_funding_plan(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), projected_budget=Decimal("100000"))
    CoFundingFactory(subsidy=subsidy, amount=Decimal("60000"))
    errors = refusal(
        services.subsidy_update,
        subsidy=subsidy,
        user=instructor,
        amount_requested=Decimal("45000"),
    )
    assert errors == {"projected_budget": [funding_plan_message("60000", "45000", "100000")]}
    assert Subsidy.objects.get(pk=subsidy.pk).amount_requested == Decimal("35000")


def test_subsidy_update_refuses_projected_budget_lowered_below_funding_plan(instructor):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), projected_budget=Decimal("100000"))
    CoFundingFactory(subsidy=subsidy, amount=Decimal("60000"))
    errors = refusal(
        services.subsidy_update,
        subsidy=subsidy,
        user=instructor,
        projected_budget=Decimal("90000"),
    )
    assert errors == {"projected_budget": [funding_plan_message("60000", "35000", "90000")]}
    assert Subsidy.objects.get(pk=subsidy.pk).projected_budget == Decimal("100000")


# A voted file keeps its amounts: changes go through an amendment.

FROZEN_CHANGES = {
    "amount_requested": Decimal("40000"),
    "amount_proposed": Decimal("30000"),
    "amount_awarded": Decimal("30000"),
    "year": 2022,
}


@pytest.mark.parametrize("trait", ["voted", "agreement_signed", "paid", "closed"])
@pytest.mark.parametrize("field", [*FROZEN_CHANGES, "beneficiary"])
def test_subsidy_update_refuses_changing_frozen_field_after_vote(instructor, trait, field):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), **{trait: True})
    value = BeneficiaryFactory() if field == "beneficiary" else FROZEN_CHANGES[field]
    before = Subsidy.objects.values().get(pk=subsidy.pk)
    errors = refusal(services.subsidy_update, subsidy=subsidy, user=instructor, **{field: value})
    message = services.SUBSIDY_FROZEN.format(status=subsidy.get_status_display())
    assert errors == {field: [message]}
    assert Subsidy.objects.values().get(pk=subsidy.pk) == before


def test_subsidy_update_of_voted_file_accepts_texts_and_unchanged_amounts(instructor):
    subsidy = SubsidyFactory(voted=True, amount_requested=Decimal("35000"))
    services.subsidy_update(
        subsidy=subsidy,
        user=instructor,
        amount_awarded=Decimal("35000"),
        context="Nouveau contexte",
    )
    stored = Subsidy.objects.get(pk=subsidy.pk)
    assert (stored.amount_awarded, stored.context) == (Decimal("35000"), "Nouveau contexte")


@pytest.mark.parametrize("trait", ["under_review", "proposed"])
def test_subsidy_update_accepts_amount_changes_before_vote(instructor, trait):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"), **{trait: True})
    services.subsidy_update(subsidy=subsidy, user=instructor, amount_proposed=Decimal("30000"))
    assert Subsidy.objects.get(pk=subsidy.pk).amount_proposed == Decimal("30000")


# Action axes


def test_action_axis_create_refuses_duplicate_position(instructor):
    axis = ActionAxisFactory(position=1, title="Premier axe")
    errors = refusal(
        services.action_axis_create,
        subsidy=axis.subsidy,
        position=1,
        title="Doublon",
        user=instructor,
    )
    assert all_messages(errors) == [DUPLICATE_AXIS]
    assert list(axis.subsidy.axes.values_list("title", flat=True)) == ["Premier axe"]


def test_action_axis_create_refuses_duplicate_position_on_position_field(instructor):
    axis = ActionAxisFactory(position=1)
    errors = refusal(
        services.action_axis_create,
        subsidy=axis.subsidy,
        position=1,
        title="Doublon",
        user=instructor,
    )
    assert errors == {"position": [DUPLICATE_AXIS]}


def test_action_axis_create_refuses_position_zero(instructor):
    errors = refusal(
        services.action_axis_create,
        subsidy=SubsidyFactory(),
        position=0,
        title="Axe zéro",
        user=instructor,
    )
    assert list(errors) == ["position"]
    assert NON_FIELD_ERRORS not in errors


# Co-funding partners


def test_cofunding_create_refuses_line_without_partner(instructor):
    errors = refusal(
        services.cofunding_create,
        subsidy=SubsidyFactory(),
        partners=[],
        amount=Decimal("1000"),
        user=instructor,
    )
    assert errors == {"partners": [services.COFUNDING_WITHOUT_PARTNER]}


def test_cofunding_partners_keep_given_order(instructor):
    valenciennes, arras, montreuil = (
        FundingPartnerFactory(name_with_article=name)
        for name in ("Valenciennes Métropole", "Communauté urbaine d'Arras", "les 7 vallées")
    )
    line = services.cofunding_create(
        subsidy=SubsidyFactory(),
        partners=[valenciennes, arras, montreuil],
        amount=Decimal("39350"),
        group_label="d'autres collectivités locales",
        user=instructor,
    )
    line = CoFunding.objects.get(pk=line.pk)
    assert [link.partner for link in line.partner_links.all()] == [valenciennes, arras, montreuil]
    assert line.partner_names == "Valenciennes Métropole, Communauté urbaine d'Arras, les 7 vallées"


def test_cofunding_set_partners_reorders_and_removes(instructor):
    first, second, third = FundingPartnerFactory(), FundingPartnerFactory(), FundingPartnerFactory()
    line = CoFundingFactory(partners=[first, second, third])
    services.cofunding_set_partners(cofunding=line, partners=[third, first], user=instructor)
    links = CoFunding.objects.get(pk=line.pk).partner_links.all()
    assert [(link.partner, link.position) for link in links] == [(third, 1), (first, 2)]
