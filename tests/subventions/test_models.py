"""Database constraints, references, derived values and history of the domain model."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from subventions import services
from subventions.enums import SubsidyStatus
from subventions.models import ActionAxis, Authority, Beneficiary, BudgetLine, CoFunding, Subsidy
from tests.subventions.factories import (
    ActionAxisFactory,
    AuthorityFactory,
    BeneficiaryFactory,
    BudgetLineFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(queryset, **values) -> None:
    """Assert that the database itself refuses `queryset.update(**values)`."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


# Constraints hold even for QuerySet.update(), which skips every Python check.


def test_database_refuses_awarded_above_requested():
    subsidy = SubsidyFactory(voted=True, amount_requested=Decimal("35000"))
    refused_by_database(Subsidy.objects.filter(pk=subsidy.pk), amount_awarded=Decimal("35000.01"))
    subsidy.refresh_from_db()
    assert subsidy.amount_awarded == Decimal("35000")


def test_database_accepts_awarded_equal_to_requested():
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    Subsidy.objects.filter(pk=subsidy.pk).update(amount_awarded=Decimal("35000"))
    subsidy.refresh_from_db()
    assert subsidy.amount_awarded == Decimal("35000")


@pytest.mark.parametrize(
    "field", ["amount_requested", "amount_proposed", "amount_awarded", "projected_budget"]
)
def test_database_refuses_negative_subsidy_amount(field):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    before = getattr(subsidy, field)
    refused_by_database(Subsidy.objects.filter(pk=subsidy.pk), **{field: Decimal("-0.01")})
    subsidy.refresh_from_db()
    assert getattr(subsidy, field) == before


def test_database_refuses_negative_budget_line_amount():
    line = BudgetLineFactory(amount_voted=Decimal("500000"))
    refused_by_database(BudgetLine.objects.filter(pk=line.pk), amount_voted=Decimal("-1"))
    line.refresh_from_db()
    assert line.amount_voted == Decimal("500000")


def test_database_refuses_negative_cofunding_amount():
    line = CoFundingFactory(amount=Decimal("284000"))
    refused_by_database(CoFunding.objects.filter(pk=line.pk), amount=Decimal("-1"))
    line.refresh_from_db()
    assert line.amount == Decimal("284000")


def test_database_refuses_duplicate_axis_position():
    subsidy = SubsidyFactory()
    ActionAxisFactory(subsidy=subsidy, position=1)
    second = ActionAxisFactory(subsidy=subsidy, position=2)
    refused_by_database(ActionAxis.objects.filter(pk=second.pk), position=1)
    second.refresh_from_db()
    assert second.position == 2


def test_same_axis_position_allowed_on_two_subsidies():
    ActionAxisFactory(position=1)
    ActionAxisFactory(position=1)
    assert ActionAxis.objects.filter(position=1).count() == 2


def test_database_refuses_duplicate_reference():
    first, second = SubsidyFactory(), SubsidyFactory()
    refused_by_database(Subsidy.objects.filter(pk=second.pk), reference=first.reference)
    second.refresh_from_db()
    assert second.reference != first.reference


def test_database_refuses_duplicate_siret():
    first, second = BeneficiaryFactory(), BeneficiaryFactory()
    original = second.siret
    refused_by_database(Beneficiary.objects.filter(pk=second.pk), siret=first.siret)
    second.refresh_from_db()
    assert second.siret == original


def test_database_accepts_several_beneficiaries_without_siret():
    BeneficiaryFactory(siret="")
    second = BeneficiaryFactory()
    Beneficiary.objects.filter(pk=second.pk).update(siret="")
    assert Beneficiary.objects.filter(siret="").count() == 2


@pytest.mark.parametrize("rna", ["W12345", "X123456789", "w595012345", "W59501234A"])
def test_database_refuses_malformed_rna(rna):
    beneficiary = BeneficiaryFactory(rna="W595012345")
    refused_by_database(Beneficiary.objects.filter(pk=beneficiary.pk), rna=rna)
    beneficiary.refresh_from_db()
    assert beneficiary.rna == "W595012345"


def test_database_accepts_empty_rna():
    beneficiary = BeneficiaryFactory(rna="W595012345")
    Beneficiary.objects.filter(pk=beneficiary.pk).update(rna="")
    beneficiary.refresh_from_db()
    assert beneficiary.rna == ""


def test_the_first_authority_is_the_default_one():
    mel = AuthorityFactory(name="Métropole Européenne de Lille")
    AuthorityFactory(name="Ville de Moulinville", name_with_article="la Ville")
    assert Authority.objects.count() == 2
    assert mel.is_default
    assert Authority.current() == mel


def test_database_refuses_two_default_authorities():
    AuthorityFactory()
    other = AuthorityFactory(name="Ville de Moulinville")
    refused_by_database(Authority.objects.filter(pk=other.pk), is_default=True)
    assert Authority.objects.filter(is_default=True).count() == 1


# References


def test_references_numbered_per_year():
    references = [SubsidyFactory(year=year).reference for year in (2021, 2021, 2022, 2021)]
    assert references == ["SUB-2021-0001", "SUB-2021-0002", "SUB-2022-0001", "SUB-2021-0003"]


def test_reference_kept_when_subsidy_saved_again():
    subsidy = SubsidyFactory(year=2021)
    reference = subsidy.reference
    subsidy.title = "Nouveau titre"
    subsidy.save()
    subsidy.refresh_from_db()
    assert subsidy.reference == reference
    assert SubsidyFactory(year=2021).reference == "SUB-2021-0002"


# Derived values


@pytest.mark.parametrize(
    ("amount", "required"),
    [
        (Decimal("23000"), False),
        (Decimal("23000.01"), True),
        (Decimal("22999.99"), False),
        (Decimal("35000"), True),
    ],
)
def test_requires_agreement_above_23000_euros(amount, required):
    subsidy = SubsidyFactory.build(amount_requested=amount)
    assert subsidy.requires_agreement is required


def test_requires_agreement_follows_amount_awarded_over_requested():
    subsidy = SubsidyFactory.build(
        amount_requested=Decimal("40000"),
        amount_proposed=Decimal("30000"),
        amount_awarded=Decimal("20000"),
    )
    assert subsidy.requires_agreement is False


def test_requires_agreement_follows_amount_proposed_over_requested():
    subsidy = SubsidyFactory.build(
        amount_requested=Decimal("20000"), amount_proposed=Decimal("23000.50")
    )
    assert subsidy.requires_agreement is True


def test_budget_share_of_reference_deliberation():
    subsidy = SubsidyFactory.build(
        amount_requested=Decimal("35000"), projected_budget=Decimal("753091")
    )
    assert subsidy.budget_share == Decimal("4.6")


def test_budget_share_rounded_half_up():
    subsidy = SubsidyFactory.build(
        amount_requested=Decimal("465"), projected_budget=Decimal("10000")
    )
    assert subsidy.budget_share == Decimal("4.7")


@pytest.mark.parametrize("budget", [None, Decimal("0")])
def test_budget_share_unknown_without_projected_budget(budget):
    assert SubsidyFactory.build(projected_budget=budget).budget_share is None


def test_previous_subsidy_same_beneficiary_and_policy_area_last_year():
    previous = SubsidyFactory(year=2020, voted=True)
    current = SubsidyFactory(
        year=2021, beneficiary=previous.beneficiary, policy_area=previous.policy_area
    )
    assert current.previous_subsidy == previous


def test_previous_subsidy_ignores_other_beneficiary_area_and_year():
    current = SubsidyFactory(year=2021)
    SubsidyFactory(year=2020, policy_area=current.policy_area)
    SubsidyFactory(year=2020, beneficiary=current.beneficiary)
    SubsidyFactory(year=2019, beneficiary=current.beneficiary, policy_area=current.policy_area)
    SubsidyFactory(year=2021, beneficiary=current.beneficiary, policy_area=current.policy_area)
    assert current.previous_subsidy is None


@pytest.mark.parametrize("trait", ["withdrawn", "rejected"])
def test_previous_subsidy_ignores_withdrawn_and_rejected(trait):
    current = SubsidyFactory(year=2021)
    SubsidyFactory(
        year=2020, beneficiary=current.beneficiary, policy_area=current.policy_area, **{trait: True}
    )
    assert current.previous_subsidy is None


def test_previous_subsidy_skips_rejected_for_the_voted_one():
    current = SubsidyFactory(year=2021)
    same = {"year": 2020, "beneficiary": current.beneficiary, "policy_area": current.policy_area}
    SubsidyFactory(rejected=True, **same)
    voted = SubsidyFactory(voted=True, **same)
    assert current.previous_subsidy == voted


def test_previous_subsidy_prefers_the_awarded_file_on_every_database():
    # PostgreSQL sorts NULLs first in descending order: a file still in review must not win.
    current = SubsidyFactory(year=2021)
    same = {"year": 2020, "beneficiary": current.beneficiary, "policy_area": current.policy_area}
    voted = SubsidyFactory(voted=True, **same)
    SubsidyFactory(under_review=True, amount_awarded=None, **same)
    assert current.previous_subsidy == voted


# History: every create and update leaves a row.


def _axis():
    return ActionAxisFactory()


def _cofunding_partner():
    return CoFundingFactory().partner_links.get()


HISTORY_CASES = {
    "authority": (AuthorityFactory, "city", "Roubaix"),
    "policy_area": (PolicyAreaFactory, "label", "CULTURE"),
    "beneficiary": (BeneficiaryFactory, "legal_name", "Nouveau nom"),
    "funding_partner": (FundingPartnerFactory, "name_with_article", "l'Etat (DREETS)"),
    "budget_line": (BudgetLineFactory, "amount_voted", Decimal("12345.67")),
    "subsidy": (SubsidyFactory, "title", "Nouveau titre"),
    "action_axis": (_axis, "title", "Nouvel axe"),
    "cofunding": (CoFundingFactory, "amount", Decimal("240400")),
    "cofunding_partner": (_cofunding_partner, "position", 3),
}


@pytest.mark.parametrize("case", HISTORY_CASES)
def test_history_row_for_each_create_and_update(case):
    make, field, value = HISTORY_CASES[case]
    instance = make()
    assert instance.history.count() == 1
    assert instance.history.get().history_type == "+"

    setattr(instance, field, value)
    instance.save()

    assert instance.history.count() == 2
    latest = instance.history.latest()
    assert latest.history_type == "~"
    assert getattr(latest, field) == value


def test_history_names_user_of_beneficiary_services(make_user):
    creator, editor = make_user("Instructeur"), make_user("Responsable de service")
    beneficiary = services.beneficiary_create(
        user=creator, legal_name="Association APES", name_with_article="l'APES"
    )
    services.beneficiary_update(beneficiary=beneficiary, user=editor, short_name="APES")
    users = [row.history_user for row in beneficiary.history.order_by("history_id")]
    assert users == [creator, editor]


def test_history_names_user_of_subsidy_services(make_user):
    instructor, head = make_user("Instructeur"), make_user("Responsable de service")
    partner = FundingPartnerFactory()
    subsidy = services.subsidy_create(
        user=instructor,
        beneficiary=BeneficiaryFactory(),
        policy_area=PolicyAreaFactory(),
        year=2021,
        title="Soutien",
        purpose="Programme 2021",
        amount_requested=Decimal("35000"),
        projected_budget=Decimal("753091"),
        axes=[services.AxisData(title="Axe 1")],
        cofundings=[services.CoFundingData(partners=[partner], amount=Decimal("284000"))],
    )
    services.subsidy_update(subsidy=subsidy, user=head, title="Soutien 2021")

    assert [row.history_user for row in subsidy.history.order_by("history_id")] == [
        instructor,
        head,
    ]
    assert subsidy.axes.get().history.get().history_user == instructor
    line = subsidy.cofundings.get()
    assert line.history.get().history_user == instructor
    assert line.partner_links.get().history.get().history_user == instructor


def test_history_names_user_of_reference_data_services(make_user):
    user = make_user("Responsable de service")
    created = [
        services.authority_save(
            user=user,
            name="Métropole Européenne de Lille",
            name_with_article="la MEL",
            siret="20009320100016",
            address="2, boulevard des Cités Unies",
            postal_code="59040",
            city="Lille",
            president_name="Damien Castelain",
            seat_city="Lille",
            administrative_court="Tribunal administratif de Lille",
        ),
        services.policy_area_create(user=user, label="DEVELOPPEMENT ECONOMIQUE ET EMPLOI"),
        services.funding_partner_create(
            user=user, name_with_article="l'Etat (DIRECCTE)", kind="etat"
        ),
        services.budget_line_create(
            user=user,
            year=2021,
            label="Subventions",
            section="fonctionnement",
            chapter="65",
            article="6574",
            amount_voted=Decimal("100000"),
        ),
    ]
    assert [instance.history.get().history_user for instance in created] == [user] * 4


def test_history_row_for_each_transition(make_user):
    subsidy = SubsidyFactory()
    user = make_user("Instructeur")
    services.subsidy_transition(subsidy=subsidy, action="submit", user=user)
    latest = subsidy.history.latest()
    assert subsidy.history.count() == 2
    assert (latest.status, latest.history_user) == (SubsidyStatus.UNDER_REVIEW, user)


@pytest.mark.parametrize(
    ("name_with_article", "legal_form", "gender", "number"),
    [
        ("les Jardins partagés de Roubaix", "association", "m", "p"),
        ("la Maison des associations", "association", "f", "s"),
        ("le Hameau des arts", "autre", "m", "s"),
        ("l'APES", "association", "f", "s"),  # an association, whatever its acronym
        ("l'Atelier", "autre", "m", "s"),
    ],
)
def test_the_name_grammar_is_guessed_on_save(name_with_article, legal_form, gender, number):
    beneficiary = BeneficiaryFactory(name_with_article=name_with_article, legal_form=legal_form)
    beneficiary.refresh_from_db()
    assert (beneficiary.grammatical_gender, beneficiary.grammatical_number) == (gender, number)


def test_the_clerks_correction_of_the_grammar_is_kept():
    beneficiary = BeneficiaryFactory(
        name_with_article="le Collectif des Mamans", grammatical_gender="f", grammatical_number="p"
    )
    beneficiary.save()
    beneficiary.refresh_from_db()
    assert (beneficiary.grammatical_gender, beneficiary.grammatical_number) == ("f", "p")
    assert beneficiary.grammatical_name.agree("dénommé") == "dénommées"
