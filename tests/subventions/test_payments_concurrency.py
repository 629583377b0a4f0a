"""Ten Finances clerks paying (or clawing back) the same file at the same moment never pay
more than it is granted; even a raw write past the services is refused by the database."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Sum

from core.formatting import euros
from subventions import payments, services
from subventions.enums import PaymentTerms
from subventions.models import Clawback, Payment, Subsidy

MAY = datetime.date(2021, 5, 3)
THREADS = 10


def _run_at_once(work, count=THREADS):
    """Run work(i) in `count` threads released together; (refusals, other errors)."""
    barrier = threading.Barrier(count)
    refusals, errors = [], []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except ValidationError as refusal:
            refusals.append(refusal)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refusals, errors


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_payments_never_exceed_the_amount(on_postgresql, payable, finance):
    subsidy = payable("20000")

    def pay(i):
        payments.payment_create(
            subsidy=subsidy,
            date=MAY,
            amount=Decimal("5000"),
            mandate_number=f"2021-{i:06d}",
            user=finance,
        )

    refusals, errors = _run_at_once(pay)

    assert errors == []
    assert Payment.objects.filter(subsidy=subsidy).count() == 4
    total = Payment.objects.filter(subsidy=subsidy).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("20000")
    assert len(refusals) == 6
    for refusal in refusals:
        assert "dépasserait le montant actuel de la subvention" in refusal.message_dict["amount"][0]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_clawbacks_never_exceed_what_was_paid(on_postgresql, payable, finance):
    subsidy = payable("20000")
    payments.payment_create(
        subsidy=subsidy, date=MAY, amount=Decimal("20000"), mandate_number="2021-1", user=finance
    )

    def claw_back(i):
        payments.clawback_create(
            subsidy=subsidy,
            amount=Decimal("5000"),
            reason="Action non réalisée",
            date=datetime.date(2022, 9, 1),
            recovery_order=f"T-{i}",
            user=finance,
        )

    refusals, errors = _run_at_once(claw_back)

    assert errors == []
    total = Clawback.objects.filter(subsidy=subsidy).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("20000")
    assert len(refusals) == 6
    for refusal in refusals:
        assert "dépasse ce qui a été versé net" in refusal.message_dict["amount"][0]


def _raw_payment(subsidy, amount, number):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subventions_payment "
            "(subsidy_id, date, amount, mandate_number, year, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [subsidy.pk, MAY, Decimal(amount), number, 2021, datetime.datetime(2021, 5, 3)],
        )


def _raw_clawback(subsidy, amount):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subventions_clawback "
            "(subsidy_id, amount, reason, date, recovery_order, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [subsidy.pk, Decimal(amount), "x", MAY, "T-1", datetime.datetime(2021, 5, 3)],
        )


@pytest.mark.django_db
def test_the_database_refuses_a_raw_payment_beyond_the_amount(payable):
    subsidy = payable("20000")
    _raw_payment(subsidy, "15000", "2021-1")
    _raw_payment(subsidy, "5000", "2021-2")  # exactly the amount: accepted
    with (
        pytest.raises(IntegrityError, match="dépasseraient le montant accordé"),
        transaction.atomic(),
    ):
        _raw_payment(subsidy, "0.01", "2021-3")
    with (
        pytest.raises(IntegrityError, match="dépasseraient le montant accordé"),
        transaction.atomic(),
    ):
        Payment.objects.filter(subsidy=subsidy, mandate_number="2021-2").update(
            amount=Decimal("5000.01")
        )
    assert Payment.objects.filter(subsidy=subsidy).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_raw_clawback_beyond_what_was_paid(payable):
    subsidy = payable("20000")
    with (
        pytest.raises(IntegrityError, match="dépasseraient ce qui a été versé"),
        transaction.atomic(),
    ):
        _raw_clawback(subsidy, "0.01")
    _raw_payment(subsidy, "1000", "2021-1")
    _raw_clawback(subsidy, "1000")
    assert Clawback.objects.filter(subsidy=subsidy).count() == 1


@pytest.mark.django_db
def test_what_is_granted_cannot_fall_below_what_was_paid(payable, finance):
    subsidy = payable("20000")
    payments.payment_create(
        subsidy=subsidy, date=MAY, amount=Decimal("15000"), mandate_number="2021-1", user=finance
    )
    with pytest.raises(ValidationError) as refused:
        services.subsidy_record_amendment(
            subsidy=subsidy, amount_change=Decimal("-5000.01"), user=finance
        )
    assert refused.value.message_dict["amount_change"] == [
        services.AMENDMENT_BELOW_PAID.format(
            granted=euros(Decimal("14999.99")), paid=euros(Decimal("15000"))
        )
    ]
    with (
        pytest.raises(IntegrityError, match="passerait sous ce qui a déjà été versé"),
        transaction.atomic(),
    ):
        Subsidy.objects.filter(pk=subsidy.pk).update(amount_amended=Decimal("-5000.01"))
    services.subsidy_record_amendment(subsidy=subsidy, amount_change=Decimal("-5000"), user=finance)
    assert Subsidy.objects.get(pk=subsidy.pk).granted_amount == Decimal("15000")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_clerks_paying_the_same_instalment_at_once_pay_it_once(on_postgresql, payable, finance):
    subsidy = payable("20000", terms=PaymentTerms.STAGGERED)
    advance = subsidy.instalments.get(position=1)

    def pay(i):
        payments.payment_create(
            subsidy=subsidy,
            instalment=advance,
            date=MAY,
            amount=Decimal("10000"),
            mandate_number=f"2021-{i:06d}",
            user=finance,
        )

    refusals, errors = _run_at_once(pay, count=4)

    assert errors == []
    assert Payment.objects.filter(subsidy=subsidy).count() == 1
    assert len(refusals) == 3
    for refusal in refusals:
        assert "dépasserait l'échéance 1" in refusal.message_dict["amount"][0]
