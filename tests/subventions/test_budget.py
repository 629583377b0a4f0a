"""Budget lines and money totals: computed in SQL, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subventions import payments
from subventions.enums import Role, SubsidyStatus
from subventions.models import BudgetLine, Clawback, Payment, Subsidy
from subventions.services import subsidy_transition
from tests.subventions.factories import (
    BeneficiaryFactory,
    BudgetLineFactory,
    ClawbackFactory,
    PaymentFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

D = Decimal


@pytest.mark.django_db
def test_a_budget_line_shows_voted_committed_paid_and_available():
    line = BudgetLineFactory(amount_voted=D("100000"))
    first = SubsidyFactory(voted=True, budget_line=line, amount_requested=D("30000"))
    second = SubsidyFactory(voted=True, budget_line=line, amount_requested=D("20000"))
    SubsidyFactory(withdrawn=True, budget_line=line, amount_awarded=D("5000"))
    PaymentFactory(subsidy=first, amount=D("30000"))
    PaymentFactory(subsidy=second, amount=D("10000"))
    ClawbackFactory(subsidy=first, amount=D("2500"))
    line = BudgetLine.objects.with_money().get(pk=line.pk)
    assert (line.amount_voted, line.committed, line.paid, line.clawed_back) == (
        D("100000"),
        D("50000"),
        D("40000"),
        D("2500"),
    )
    assert (line.paid_net, line.available) == (D("37500"), D("50000"))


@pytest.mark.django_db
def test_an_empty_line_has_everything_available():
    line = BudgetLine.objects.with_money().get(pk=BudgetLineFactory(amount_voted=D("800")).pk)
    assert (line.committed, line.paid, line.paid_net, line.available) == (0, 0, 0, D("800"))


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.ASSEMBLY_SECRETARIAT)


@pytest.mark.django_db
def test_awarding_beyond_what_the_line_has_left_is_refused(secretariat):
    line = BudgetLineFactory(amount_voted=D("50000"), label="ESS")
    SubsidyFactory(voted=True, budget_line=line, amount_requested=D("30000"))
    subsidy = SubsidyFactory(proposed=True, budget_line=line, amount_requested=D("25000"))
    with pytest.raises(ValidationError) as refused:
        subsidy_transition(subsidy=subsidy, action="vote", user=secretariat)
    assert refused.value.message_dict["amount_awarded"] == [
        f"La ligne de crédits « {line} » n'a plus que 20\u00a0000\u00a0€ disponibles : "
        "attribuer 25\u00a0000\u00a0€ la dépasserait de 5\u00a0000\u00a0€."
    ]
    subsidy.refresh_from_db()
    assert (subsidy.status, subsidy.amount_awarded) == (SubsidyStatus.PROPOSED, None)
    assert not subsidy.transitions.exists()
    assert not subsidy.instalments.exists()


@pytest.mark.django_db
def test_an_overrun_is_only_noted_when_the_setting_says_warn(secretariat, settings):
    settings.SUBVENTIONS_BUDGET_OVERRUN = "warn"
    line = BudgetLineFactory(amount_voted=D("10000"))
    subsidy = SubsidyFactory(proposed=True, budget_line=line, amount_requested=D("12000"))
    subsidy_transition(subsidy=subsidy, action="vote", user=secretariat, comment="Bureau")
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.VOTED
    comment = subsidy.transitions.get().comment
    assert comment.startswith("Bureau La ligne de crédits")
    assert "la dépasserait de 2\u00a0000\u00a0€" in comment


@pytest.mark.django_db
def test_an_award_within_the_line_goes_through(secretariat):
    line = BudgetLineFactory(amount_voted=D("35000"))
    subsidy = SubsidyFactory(proposed=True, budget_line=line, amount_requested=D("35000"))
    subsidy_transition(subsidy=subsidy, action="vote", user=secretariat)
    assert payments.budget_line_overrun(subsidy, D("35000")) is None
    assert payments.budget_line_overrun(subsidy, D("35000.01")) is not None


# Constant query counts: 5 files, then 500, the same number of queries.


def build(count: int, line: BudgetLine, beneficiaries, area) -> None:
    """`count` voted files spread over the beneficiaries and two years, each with two
    payments and a clawback, inserted in bulk."""
    start = Subsidy.objects.count()
    subsidies = Subsidy.objects.bulk_create(
        Subsidy(
            reference=f"SUB-TEST-{start + n:05d}",
            beneficiary=beneficiaries[n % len(beneficiaries)],
            year=2021,
            policy_area=area,
            title="Programme",
            purpose="Programme",
            amount_requested=D("10000"),
            amount_proposed=D("10000"),
            amount_awarded=D("10000"),
            budget_line=line,
            status=SubsidyStatus.VOTED,
        )
        for n in range(count)
    )
    Payment.objects.bulk_create(
        Payment(
            subsidy=subsidy,
            date=datetime.date(2021, 5, 3),
            year=2021,
            amount=D("4000"),
            mandate_number=f"M-{subsidy.reference}-{half}",
        )
        for subsidy in subsidies
        for half in (1, 2)
    )
    Clawback.objects.bulk_create(
        Clawback(
            subsidy=subsidy,
            amount=D("100"),
            reason="Trop-perçu",
            date=datetime.date(2022, 9, 1),
            recovery_order=f"TR-{subsidy.reference}",
        )
        for subsidy in subsidies
    )


def queries(read) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = read()
    return len(captured), result


READS = {
    "per budget line": lambda: list(BudgetLine.objects.with_money()),
    "per beneficiary and year": lambda: list(Subsidy.objects.totals_by_beneficiary_year()),
    "per subsidy": lambda: [
        (s.reference, s.beneficiary.legal_name, s.current_amount, s.paid_net, s.remaining_amount)
        for s in Subsidy.objects.for_list().with_money()
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", READS)
def test_totals_take_the_same_queries_for_5_and_500_files(name, record_property):
    line = BudgetLineFactory(amount_voted=D("10000000"))
    beneficiaries = BeneficiaryFactory.create_batch(7)
    area = PolicyAreaFactory()
    read = READS[name]

    build(5, line, beneficiaries, area)
    with_5, _ = queries(read)
    build(495, line, beneficiaries, area)
    with_500, result = queries(read)

    record_property("queries", f"{name}: {with_5} for 5 files, {with_500} for 500")
    print(f"\n{name}: {with_5} queries for 5 files, {with_500} for 500")
    assert with_5 == with_500 == 1
    assert len(result) == {"per budget line": 1, "per beneficiary and year": 7}.get(name, 500)


@pytest.mark.django_db
def test_totals_by_beneficiary_and_year_add_up():
    line = BudgetLineFactory(amount_voted=D("10000000"))
    beneficiaries = BeneficiaryFactory.create_batch(2)
    build(5, line, beneficiaries, PolicyAreaFactory())
    rows = {row["beneficiary_id"]: row for row in Subsidy.objects.totals_by_beneficiary_year()}
    first = rows[beneficiaries[0].pk]  # files 0, 2 and 4
    assert first["year"] == 2021
    assert (first["awarded"], first["paid"], first["clawed_back"]) == (
        D("30000"),
        D("24000"),
        D("300"),
    )
    assert (first["paid_net"], first["remaining"]) == (D("23700"), D("6000"))
    line = BudgetLine.objects.with_money().get(pk=line.pk)
    assert (line.committed, line.paid, line.clawed_back, line.paid_net) == (
        D("50000"),
        D("40000"),
        D("500"),
        D("39500"),
    )
