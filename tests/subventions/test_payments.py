"""Payments and clawbacks: each rule, each refusal with its French reason, nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.formatting import euros
from core.modeling import AMOUNT_NOT_POSITIVE
from subventions import payments
from subventions.enums import PaymentTerms, Role, SubsidyStatus
from subventions.models import Clawback, Payment, Subsidy
from subventions.models.money import DUPLICATE_MANDATE
from tests.conventions.factories import AgreementFactory
from tests.subventions.factories import PaymentFactory, SubsidyFactory

MAY = datetime.date(2021, 5, 3)


def pay(subsidy, user, amount, number="2021-000001", date=MAY, **kwargs):
    return payments.payment_create(
        subsidy=subsidy,
        date=date,
        amount=Decimal(amount),
        mandate_number=number,
        user=user,
        **kwargs,
    )


def refusal(excinfo, field="amount") -> list[str]:
    return excinfo.value.message_dict[field]


@pytest.mark.django_db
def test_a_payment_is_recorded_with_its_mandate(payable, finance):
    subsidy = payable()
    instalment = subsidy.instalments.get()
    payment = pay(subsidy, finance, "20000", number=" 2021-004512 ", instalment=instalment)
    payment.refresh_from_db()
    assert (payment.amount, payment.mandate_number, payment.year) == (
        Decimal("20000"),
        "2021-004512",
        2021,
    )
    assert payment.instalment == instalment
    assert payment.history.get().history_user == finance


@pytest.mark.django_db
def test_paid_in_full_the_file_becomes_versee(payable, finance):
    subsidy = payable(terms="échelonné")
    pay(subsidy, finance, "10000", number="2021-000001")
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.VOTED
    pay(subsidy, finance, "10000", number="2021-000002", date=datetime.date(2022, 7, 1))
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.PAID
    last = subsidy.transitions.last()
    assert (last.action, last.user) == ("mark_paid", finance)


@pytest.mark.django_db
def test_overpayment_refused_nothing_saved(payable, finance):
    subsidy = payable()
    pay(subsidy, finance, "15000")
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "5000.01", number="2021-000002")
    assert refusal(refused) == [
        payments.PAYMENT_ABOVE_CURRENT.format(
            amount=euros(Decimal("5000.01")),
            current=euros(Decimal("20000")),
            paid_net=euros(Decimal("15000")),
            remaining=euros(Decimal("5000")),
        )
    ]
    assert (
        "dépasserait le montant actuel de la subvention (20\u00a0000\u00a0€)"
        in (refusal(refused)[0])
    )
    assert Payment.objects.count() == 1
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.VOTED


@pytest.mark.django_db
def test_payment_refused_while_the_deliberation_is_not_executory(payable, finance):
    subsidy = payable(executory=None)
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "1000")
    assert refusal(refused) == [payments.PAYMENT_NOT_EXECUTORY]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_payment_refused_when_the_file_was_never_granted(finance):
    subsidy = SubsidyFactory(voted=True, amount_requested=Decimal("20000"))
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "1000")
    assert refusal(refused) == [payments.PAYMENT_NOT_EXECUTORY]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_payment_dated_before_the_executory_date_refused(payable, finance):
    subsidy = payable(executory=datetime.date(2021, 4, 2))
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "1000", date=datetime.date(2021, 4, 1))
    assert refusal(refused) == [
        "Le versement du 01/04/2021 précède la date à laquelle la délibération est devenue "
        "exécutoire (02/04/2021)."
    ]
    assert not Payment.objects.exists()
    pay(subsidy, finance, "1000", date=datetime.date(2021, 4, 2))
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_payment_refused_before_the_agreement_is_signed(payable, finance):
    subsidy = payable(amount="35000")
    assert subsidy.requires_agreement
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "35000")
    assert refusal(refused) == [
        "Au-delà de 23\u00a0000\u00a0€, la convention doit être signée par les deux parties "
        "avant tout versement."
    ]
    assert not Payment.objects.exists()

    # A status set by hand is not a signature: still refused.
    Subsidy.objects.filter(pk=subsidy.pk).update(status=SubsidyStatus.AGREEMENT_SIGNED)
    with pytest.raises(ValidationError):
        pay(subsidy, finance, "35000")
    assert not Payment.objects.exists()

    AgreementFactory(subsidy=subsidy, signed_by_both=True)
    pay(subsidy, finance, "35000")
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.PAID


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["-100", "0"])
def test_negative_or_zero_payment_refused(payable, finance, amount):
    subsidy = payable()
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, amount)
    assert refusal(refused) == [AMOUNT_NOT_POSITIVE]
    assert AMOUNT_NOT_POSITIVE == "Le montant doit être supérieur à zéro."
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_duplicate_mandate_number_in_the_same_year_refused(payable, finance):
    first, second = payable(), payable()
    pay(first, finance, "1000", number="2021-004512")
    with pytest.raises(ValidationError) as refused:
        pay(second, finance, "1000", number="2021-004512", date=datetime.date(2021, 12, 31))
    assert refusal(refused, "mandate_number") == [
        DUPLICATE_MANDATE.format(number="2021-004512", year=2021)
    ]
    assert refusal(refused, "mandate_number") == [
        "Le mandat n° 2021-004512 est déjà enregistré pour l'exercice 2021."
    ]
    assert Payment.objects.count() == 1
    # Numbering restarts each year: the same number in 2022 is another mandate.
    pay(second, finance, "1000", number="2021-004512", date=datetime.date(2022, 1, 5))
    assert Payment.objects.count() == 2


@pytest.mark.django_db
def test_the_database_keeps_mandates_unique_per_year_and_amounts_positive():
    PaymentFactory(mandate_number="2021-000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(mandate_number="2021-000001")
    payment = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("0"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.HEAD_OF_SERVICE, Role.READER])
def test_only_finances_records_payments(payable, make_user, role):
    subsidy = payable()
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, make_user(role), "1000")
    assert refused.value.messages == ["Réservé au rôle « Finances » : enregistrer un versement."]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_an_instalment_of_another_file_refused(payable, finance):
    subsidy, other = payable(), payable()
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "1000", instalment=other.instalments.get())
    assert refusal(refused, "instalment") == [
        "L'échéance choisie appartient à une autre subvention."
    ]
    assert not Payment.objects.exists()


# Clawbacks


def claw(subsidy, user, amount, order="TR-2022-0001"):
    return payments.clawback_create(
        subsidy=subsidy,
        amount=Decimal(amount),
        reason="Action 3 non réalisée.",
        date=datetime.date(2022, 9, 1),
        recovery_order=order,
        user=user,
    )


@pytest.mark.django_db
def test_a_clawback_lowers_the_current_amount_and_what_was_paid_net(payable, finance):
    subsidy = payable()
    pay(subsidy, finance, "20000")
    claw(subsidy, finance, "5000")
    subsidy = Subsidy.objects.get(pk=subsidy.pk)
    assert subsidy.current_amount == Decimal("15000")
    assert subsidy.paid_net == Decimal("15000")
    assert subsidy.remaining_amount == Decimal("0")
    figures = Subsidy.objects.with_money().get(pk=subsidy.pk)
    assert (
        figures.amount_paid,
        figures.amount_clawed_back,
        figures.amount_paid_net,
        figures.amount_current,
        figures.amount_remaining,
    ) == (Decimal("20000"), Decimal("5000"), Decimal("15000"), Decimal("15000"), Decimal("0"))
    # What was clawed back is not paid again.
    with pytest.raises(ValidationError):
        pay(subsidy, finance, "1", number="2022-000001", date=datetime.date(2022, 9, 2))


@pytest.mark.django_db
def test_a_clawback_above_what_was_paid_refused(payable, finance):
    subsidy = payable()
    pay(subsidy, finance, "8000")
    with pytest.raises(ValidationError) as refused:
        claw(subsidy, finance, "8000.50")
    assert refusal(refused) == [
        "Le reversement de 8\u00a0000,50\u00a0€ dépasse ce qui a été versé net (8\u00a0000\u00a0€)."
    ]
    assert not Clawback.objects.exists()


@pytest.mark.django_db
def test_clawbacks_need_finances_and_a_positive_amount(payable, finance, make_user):
    subsidy = payable()
    pay(subsidy, finance, "8000")
    with pytest.raises(ValidationError) as refused:
        claw(subsidy, make_user(Role.INSTRUCTOR), "100")
    assert refused.value.messages == ["Réservé au rôle « Finances » : enregistrer un reversement."]
    with pytest.raises(ValidationError) as refused:
        claw(subsidy, finance, "-100")
    assert refusal(refused) == [AMOUNT_NOT_POSITIVE]
    assert not Clawback.objects.exists()


@pytest.mark.django_db
def test_current_amount_of_a_file_without_money(db):
    subsidy = SubsidyFactory(voted=True, amount_requested=Decimal("12000"))
    assert subsidy.current_amount == Decimal("12000")
    assert subsidy.paid_net == Decimal("0")
    assert subsidy.remaining_amount == Decimal("12000")
    draft = SubsidyFactory()
    assert draft.current_amount == Decimal("0")


@pytest.mark.django_db
def test_an_instalment_is_not_paid_beyond_its_amount(payable, finance):
    """A double click on « payer l'échéance 1 » must not pay the advance twice (taking the
    balance that waits for the financial report)."""
    subsidy = payable("20000", terms=PaymentTerms.STAGGERED)
    advance = subsidy.instalments.get(position=1)
    pay(subsidy, finance, "10000", number="2021-1", instalment=advance)
    with pytest.raises(ValidationError) as refused:
        pay(subsidy, finance, "10000", number="2021-2", instalment=advance)
    assert refusal(refused) == [
        payments.INSTALMENT_OVERPAID.format(
            amount=euros(Decimal("10000")),
            position=1,
            instalment=euros(Decimal("10000")),
            remaining=euros(Decimal("0")),
        )
    ]
    with pytest.raises(ValidationError):
        pay(subsidy, finance, "0.01", number="2021-3", instalment=advance)
    assert Payment.objects.filter(subsidy=subsidy).count() == 1
