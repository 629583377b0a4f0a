"""Payment schedules: the default from the payment terms, edits, a total always right."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subventions import payments
from subventions.enums import InstalmentCondition, PaymentTerms, Role
from subventions.models import PaymentInstalment
from subventions.services import subsidy_transition
from tests.subventions.factories import SubsidyFactory

Data = payments.InstalmentData


def schedule(subsidy):
    return list(
        subsidy.instalments.order_by("position").values_list(
            "position", "label", "share", "amount", "condition", "due_date"
        )
    )


@pytest.mark.django_db
def test_single_payment_terms_give_100_percent_at_signature(payable):
    subsidy = payable(amount="20000", terms=PaymentTerms.SINGLE)
    assert schedule(subsidy) == [
        (
            1,
            "Versement unique à la signature",
            Decimal("100"),
            Decimal("20000"),
            InstalmentCondition.ON_SIGNATURE,
            None,
        )
    ]


@pytest.mark.django_db
def test_staggered_terms_give_half_at_signature_half_on_the_report(payable):
    subsidy = payable(amount="35000", terms=PaymentTerms.STAGGERED)
    assert schedule(subsidy) == [
        (
            1,
            "Avance de 50\u00a0% à la signature",
            Decimal("50"),
            Decimal("17500"),
            InstalmentCondition.ON_SIGNATURE,
            None,
        ),
        (
            2,
            "Solde de 50\u00a0% sur présentation du compte rendu financier",
            Decimal("50"),
            Decimal("17500"),
            InstalmentCondition.ON_FINANCIAL_REPORT,
            None,
        ),
    ]


@pytest.mark.django_db
def test_the_vote_creates_the_default_schedule_and_the_expected_report(make_user):
    subsidy = SubsidyFactory(
        proposed=True, amount_requested=Decimal("12345.67"), payment_terms=PaymentTerms.STAGGERED
    )
    secretariat = make_user(Role.ASSEMBLY_SECRETARIAT)
    subsidy_transition(subsidy=subsidy, action="vote", user=secretariat)
    amounts = list(subsidy.instalments.values_list("amount", flat=True))
    assert amounts == [Decimal("6172.84"), Decimal("6172.83")]
    assert sum(amounts) == Decimal("12345.67")
    assert subsidy.financial_report.due_date == datetime.date(2022, 6, 30)
    # Voting is idempotent for the money: nothing is created twice.
    payments.schedule_create_default(subsidy=subsidy)
    payments.report_create(subsidy=subsidy)
    assert subsidy.instalments.count() == 2


@pytest.mark.django_db
def test_finances_rewrites_the_schedule(payable, finance):
    subsidy = payable(amount="30000")
    payments.schedule_set(
        subsidy=subsidy,
        user=finance,
        instalments=[
            Data("Premier tiers", InstalmentCondition.ON_SIGNATURE, share=Decimal("33.33")),
            Data(
                "Deuxième tiers",
                InstalmentCondition.ON_DATE,
                amount=Decimal("10000"),
                due_date=datetime.date(2021, 9, 1),
            ),
            Data("Solde", InstalmentCondition.ON_FINANCIAL_REPORT, amount=Decimal("10001")),
        ],
    )
    assert [row[3] for row in schedule(subsidy)] == [
        Decimal("9999"),
        Decimal("10000"),
        Decimal("10001"),
    ]
    assert subsidy.instalments.get(position=2).due_date == datetime.date(2021, 9, 1)


@pytest.mark.django_db
def test_shares_adding_up_to_100_give_exactly_the_current_amount(payable, finance):
    subsidy = payable(amount="10000")
    third = Decimal("33.33")
    payments.schedule_set(
        subsidy=subsidy,
        user=finance,
        instalments=[
            Data("1", InstalmentCondition.ON_SIGNATURE, share=third),
            Data("2", InstalmentCondition.ON_SIGNATURE, share=third),
            Data("3", InstalmentCondition.ON_FINANCIAL_REPORT, share=Decimal("33.34")),
        ],
    )
    assert sum(subsidy.instalments.values_list("amount", flat=True)) == Decimal("10000")


@pytest.mark.django_db
def test_a_schedule_that_does_not_add_up_is_refused(payable, finance):
    subsidy = payable(amount="20000")
    before = schedule(subsidy)
    with pytest.raises(ValidationError) as refused:
        payments.schedule_set(
            subsidy=subsidy,
            user=finance,
            instalments=[
                Data("Avance", InstalmentCondition.ON_SIGNATURE, amount=Decimal("10000")),
                Data("Solde", InstalmentCondition.ON_FINANCIAL_REPORT, amount=Decimal("9000")),
            ],
        )
    assert refused.value.messages == [
        "L'échéancier totalise 19\u00a0000\u00a0€ alors que le montant actuel de la "
        "subvention est de 20\u00a0000\u00a0€."
    ]
    assert schedule(subsidy) == before


@pytest.mark.django_db
def test_schedule_edits_are_refused_for_other_roles_and_for_a_date_without_date(
    payable, finance, make_user
):
    subsidy = payable(amount="20000")
    before = schedule(subsidy)
    one = [Data("Unique", InstalmentCondition.ON_DATE, amount=Decimal("20000"))]
    with pytest.raises(ValidationError) as refused:
        payments.schedule_set(subsidy=subsidy, user=make_user(Role.INSTRUCTOR), instalments=one)
    assert refused.value.messages == ["Réservé au rôle « Finances » : modifier l'échéancier."]
    with pytest.raises(ValidationError) as refused:
        payments.schedule_set(subsidy=subsidy, user=finance, instalments=one)
    assert refused.value.message_dict["due_date"] == ["Une échéance « à date » porte sa date."]
    assert schedule(subsidy) == before


@pytest.mark.django_db
def test_an_instalment_already_paid_is_not_removed(payable, finance):
    subsidy = payable(amount="20000", terms=PaymentTerms.STAGGERED)
    # The balance is paid on the report: the beneficiary was dispensed from it.
    payments.report_waive(
        report=subsidy.financial_report, reason="Décision du 1er juillet 2022.", user=finance
    )
    payments.payment_create(
        subsidy=subsidy,
        date=datetime.date(2022, 7, 1),
        amount=Decimal("10000"),
        mandate_number="2022-000001",
        instalment=subsidy.instalments.get(position=2),
        user=finance,
    )
    with pytest.raises(ValidationError) as refused:
        payments.schedule_set(
            subsidy=subsidy,
            user=finance,
            instalments=[Data("Unique", InstalmentCondition.ON_SIGNATURE, share=Decimal("100"))],
        )
    assert refused.value.messages == [
        "L'échéance 2 a déjà reçu des versements : elle ne peut être supprimée."
    ]
    assert PaymentInstalment.objects.filter(subsidy=subsidy).count() == 2
