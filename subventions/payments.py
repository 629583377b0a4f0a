"""Writes of the money of a voted subsidy: schedule, payments, financial report, clawbacks.

Same contract as subventions.services: keyword-only, one transaction each, validated
before saving, history stamped with the user; a refusal raises ValidationError with one
of the French reasons below (tests reuse them) and leaves the database as it was.

The file's lifecycle follows its money: paid in full, it becomes « versée »
(action mark_paid); « versée » with its report approved, it becomes « soldée » (close).
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum

from core import workflow
from core.formatting import euros, percent, short_date
from core.services import save_validated

from .enums import InstalmentCondition, PaymentTerms, ReportStatus
from .models import (
    BudgetLine,
    Clawback,
    FinancialReport,
    Payment,
    PaymentInstalment,
    Subsidy,
)
from .models.money import REPORT_WAIVED_WITHOUT_REASON
from .roles import allowed

logger = logging.getLogger(__name__)

FINANCE_ONLY = "Réservé au rôle « Finances » : {action}."
PAYMENT_NOT_EXECUTORY = (
    "Aucun versement n'est possible tant que la délibération accordant la subvention "
    "n'est pas exécutoire."
)
PAYMENT_BEFORE_EXECUTORY = (
    "Le versement du {date} précède la date à laquelle la délibération est devenue "
    "exécutoire ({executory})."
)
PAYMENT_AGREEMENT_NOT_SIGNED = (
    "Au-delà de {threshold}, la convention doit être signée par les deux parties avant "
    "tout versement."
)
PAYMENT_ABOVE_CURRENT = (
    "Le versement de {amount} dépasserait le montant actuel de la subvention ({current}) : "
    "déjà versé {paid_net}, reste à verser {remaining}."
)
SCHEDULE_NOT_ADDING_UP = (
    "L'échéancier totalise {total} alors que le montant actuel de la subvention est de {current}."
)
SCHEDULE_EMPTY = "Un échéancier compte au moins une échéance."
INSTALMENT_WITHOUT_AMOUNT = "L'échéance {position} donne sa part (en %) ou son montant."
INSTALMENT_PAID_REMOVED = (
    "L'échéance {position} a déjà reçu des versements : elle ne peut être supprimée."
)
INSTALMENT_AWAITS_REPORT = (
    "L'échéance {position} est versée sur présentation du compte rendu financier : elle ne "
    "peut l'être avant que le compte rendu soit approuvé (il est « {status} »)."
)
INSTALMENT_OVERPAID = (
    "Le versement de {amount} dépasserait l'échéance {position} ({instalment}) : il lui "
    "reste {remaining} à verser."
)
CLAWBACK_ABOVE_PAID = "Le reversement de {amount} dépasse ce qui a été versé net ({paid_net})."
REPORT_FILE_REQUIRED = "Joignez le compte rendu financier (PDF)."
BUDGET_LINE_OVERRUN = (
    "La ligne de crédits « {line} » n'a plus que {available} disponibles : attribuer "
    "{amount} la dépasserait de {excess}."
)
BUDGET_OVERRUN_REFUSE = "refuse"
BUDGET_OVERRUN_WARN = "warn"


def _require_finance(user, action: str) -> None:
    if not allowed(user, "record_money"):
        raise ValidationError(FINANCE_ONLY.format(action=action), code="permission")


def _locked(subsidy: Subsidy) -> Subsidy:
    """The file, row-locked, with its money figures: two clerks never pay it at once.

    The lock is taken first, by a query of its own, and the figures are read after it: a
    query that locks and sums at once sums from the snapshot taken before it waited for
    the lock, so it would miss the payment the other clerk has just committed.
    (The database keeps the same rule: subventions migration 0009's triggers.)
    """
    Subsidy.objects.select_for_update().filter(pk=subsidy.pk).values_list("pk").get()
    return Subsidy.objects.with_money().get(pk=subsidy.pk)


# Budget lines


def budget_line_overrun(subsidy: Subsidy, amount: Decimal | None) -> str | None:
    """Why awarding `amount` to `subsidy` exceeds what its budget line has left, if it does."""
    if subsidy.budget_line_id is None or amount is None:
        return None
    line = BudgetLine.objects.get(pk=subsidy.budget_line_id)
    return _line_overrun(line, subsidy, amount)


def _line_overrun(line: BudgetLine, subsidy: Subsidy, amount: Decimal) -> str | None:
    others = (
        Subsidy.objects.active()
        .filter(budget_line=line)
        .exclude(pk=subsidy.pk)
        .aggregate(total=Sum("amount_awarded", default=Decimal("0")))["total"]
    )
    available = line.amount_voted - others
    if amount <= available:
        return None
    return BUDGET_LINE_OVERRUN.format(
        line=line,
        available=euros(available),
        amount=euros(amount),
        excess=euros(amount - available),
    )


def check_budget_line(*, subsidy: Subsidy, amount: Decimal | None) -> str | None:
    """Refuse an award beyond the line's availability, or only warn (the returned text)
    when settings.SUBVENTIONS_BUDGET_OVERRUN is "warn".

    The line is row-locked before its awards are summed (inside the caller's transaction),
    so that two files voted at once on the same line never both take its last euros.
    """
    if subsidy.budget_line_id is None or amount is None:
        return None
    line = BudgetLine.objects.select_for_update().get(pk=subsidy.budget_line_id)
    message = _line_overrun(line, subsidy, amount)
    if message is None:
        return None
    if settings.SUBVENTIONS_BUDGET_OVERRUN == BUDGET_OVERRUN_WARN:
        logger.warning("%s : %s", subsidy.reference, message)
        return message
    raise ValidationError({"amount_awarded": message}, code="budget_overrun")


# Payment schedule


@dataclass(frozen=True)
class InstalmentData:
    """One wanted instalment: a share (in %) or an amount; a due date when « à date »."""

    label: str
    condition: str
    share: Decimal | None = None
    amount: Decimal | None = None
    due_date: datetime.date | None = None


def schedule_default(subsidy: Subsidy) -> list[InstalmentData]:
    """The schedule the payment terms call for: unique → 100 % at signature; échelonné →
    50 % at signature and 50 % on the financial report."""
    if subsidy.payment_terms == PaymentTerms.STAGGERED:
        half = Decimal("50")
        return [
            InstalmentData(
                f"Avance de {percent(half, 0)} à la signature",
                InstalmentCondition.ON_SIGNATURE,
                share=half,
            ),
            InstalmentData(
                f"Solde de {percent(half, 0)} sur présentation du compte rendu financier",
                InstalmentCondition.ON_FINANCIAL_REPORT,
                share=half,
            ),
        ]
    return [
        InstalmentData(
            "Versement unique à la signature",
            InstalmentCondition.ON_SIGNATURE,
            share=Decimal("100"),
        )
    ]


def _amounts(instalments: Sequence[InstalmentData], current: Decimal) -> list[Decimal]:
    """The amount of each instalment; shares adding up to 100 % give exactly `current`
    (the last share takes the cents rounding leaves over)."""
    cent = Decimal("0.01")
    amounts = []
    for position, data in enumerate(instalments, start=1):
        if data.share is not None:
            amounts.append((current * data.share / 100).quantize(cent, rounding=ROUND_HALF_UP))
        elif data.amount is not None:
            amounts.append(data.amount)
        else:
            raise ValidationError(INSTALMENT_WITHOUT_AMOUNT.format(position=position))
    shares = [i for i, data in enumerate(instalments) if data.share is not None]
    if shares and sum(instalments[i].share for i in shares) == 100 and len(shares) == len(amounts):
        amounts[shares[-1]] += current - sum(amounts)
    return amounts


def _write_schedule(subsidy: Subsidy, instalments: Sequence[InstalmentData], user) -> list:
    if not instalments:
        raise ValidationError(SCHEDULE_EMPTY, code="schedule")
    current = subsidy.current_amount
    amounts = _amounts(instalments, current)
    total = sum(amounts, Decimal("0"))
    if total != current:
        raise ValidationError(
            SCHEDULE_NOT_ADDING_UP.format(total=euros(total), current=euros(current)),
            code="schedule",
        )
    existing = {line.position: line for line in subsidy.instalments.all()}
    for position, line in existing.items():
        if position > len(instalments):
            if line.payments.exists():
                raise ValidationError(
                    INSTALMENT_PAID_REMOVED.format(position=position), code="schedule"
                )
            line._history_user = user if user is not None and user.is_authenticated else None
            line.delete()
    saved = []
    for position, (data, amount) in enumerate(zip(instalments, amounts, strict=True), start=1):
        line = existing.get(position) or PaymentInstalment(subsidy=subsidy, position=position)
        line.label = data.label
        line.condition = data.condition
        line.share = data.share
        line.amount = amount
        line.due_date = data.due_date
        saved.append(save_validated(line, user))
    return saved


@transaction.atomic
def schedule_create_default(*, subsidy: Subsidy, user=None) -> list[PaymentInstalment]:
    """The default schedule of a file just voted; a file that has one keeps it.

    Called when the file is voted (services.subsidy_transition), whoever records the vote.
    """
    existing = list(subsidy.instalments.all())
    if existing:
        return existing
    return _write_schedule(_locked(subsidy), schedule_default(subsidy), user)


@transaction.atomic
def schedule_set(
    *, subsidy: Subsidy, instalments: Sequence[InstalmentData], user
) -> list[PaymentInstalment]:
    """Replace the schedule, in order; refused unless it adds up to the current amount."""
    _require_finance(user, "modifier l'échéancier")
    return _write_schedule(_locked(subsidy), instalments, user)


# Payments


def payment_refusal(subsidy: Subsidy, *, date: datetime.date, amount: Decimal) -> str | None:
    """Why a payment of `amount` on `date` may not be made, or None.

    `subsidy` carries its with_money() figures.
    """
    executory = subsidy.executory_on
    if executory is None:
        return PAYMENT_NOT_EXECUTORY
    if date < executory:
        return PAYMENT_BEFORE_EXECUTORY.format(
            date=short_date(date), executory=short_date(executory)
        )
    if subsidy.requires_agreement and subsidy.agreement_signed_on is None:
        return PAYMENT_AGREEMENT_NOT_SIGNED.format(threshold=euros(settings.AGREEMENT_THRESHOLD))
    if amount > subsidy.remaining_amount:
        return PAYMENT_ABOVE_CURRENT.format(
            amount=euros(amount),
            current=euros(subsidy.current_amount),
            paid_net=euros(subsidy.paid_net),
            remaining=euros(subsidy.remaining_amount),
        )
    return None


@transaction.atomic
def payment_create(
    *,
    subsidy: Subsidy,
    date: datetime.date,
    amount: Decimal,
    mandate_number: str,
    user,
    instalment: PaymentInstalment | None = None,
) -> Payment:
    """Record a payment; the file becomes « versée » once paid in full."""
    _require_finance(user, "enregistrer un versement")
    locked = _locked(subsidy)
    payment = Payment(
        subsidy=locked,
        instalment=instalment,
        date=date,
        amount=amount,
        mandate_number=mandate_number,
    )
    payment.full_clean()
    reason = (
        instalment_refusal(instalment)
        or instalment_overpaid(instalment, amount=payment.amount)
        or payment_refusal(locked, date=date, amount=payment.amount)
    )
    if reason:
        raise ValidationError({"amount": reason}, code="payment")
    save_validated(payment, user)
    _settle(locked, user)
    subsidy.refresh_from_db()
    return payment


def instalment_refusal(instalment: PaymentInstalment | None) -> str | None:
    """Why `instalment` may not be paid yet (its report is not settled), or None."""
    if instalment is None or instalment.condition != InstalmentCondition.ON_FINANCIAL_REPORT:
        return None
    report = FinancialReport.objects.filter(subsidy_id=instalment.subsidy_id).first()
    if report is not None and report.is_settled:
        return None
    status = report.get_status_display().lower() if report else "attendu"
    return INSTALMENT_AWAITS_REPORT.format(position=instalment.position, status=status)


def instalment_overpaid(instalment: PaymentInstalment | None, *, amount: Decimal) -> str | None:
    """Why paying `amount` on `instalment` would pay it beyond its amount, or None.

    Read under the file's row lock (payment_create): two clerks paying the same instalment
    at once are served one after the other, the second one seeing the first's payment.
    """
    if instalment is None:
        return None
    paid = instalment.payments.aggregate(total=Sum("amount", default=Decimal("0")))["total"]
    remaining = max(instalment.amount - paid, Decimal("0"))
    if amount <= remaining:
        return None
    return INSTALMENT_OVERPAID.format(
        amount=euros(amount),
        position=instalment.position,
        instalment=euros(instalment.amount),
        remaining=euros(remaining),
    )


# Clawbacks


@transaction.atomic
def clawback_create(
    *,
    subsidy: Subsidy,
    amount: Decimal,
    reason: str,
    date: datetime.date,
    recovery_order: str,
    user,
) -> Clawback:
    """Record a clawback: it lowers the current amount and what was paid net alike."""
    _require_finance(user, "enregistrer un reversement")
    locked = _locked(subsidy)
    clawback = Clawback(
        subsidy=locked, amount=amount, reason=reason, date=date, recovery_order=recovery_order
    )
    clawback.full_clean()
    reason = clawback_refusal(locked, amount=clawback.amount)
    if reason:
        raise ValidationError({"amount": reason}, code="clawback")
    return save_validated(clawback, user)


def clawback_refusal(subsidy: Subsidy, *, amount: Decimal) -> str | None:
    """Why a clawback of `amount` may not be recorded (more than was paid net), or None."""
    if amount > subsidy.paid_net:
        return CLAWBACK_ABOVE_PAID.format(amount=euros(amount), paid_net=euros(subsidy.paid_net))
    return None


# Financial reports


@transaction.atomic
def report_create(*, subsidy: Subsidy, last_year: int | None = None, user=None) -> FinancialReport:
    """The report a voted file expects (due 30 June after its last financed year); a file
    that has one keeps it, with `last_year` updated when given."""
    report = FinancialReport.objects.filter(subsidy=subsidy).first()
    if report is None:
        report = FinancialReport(subsidy=subsidy)
    elif last_year is None or report.last_year == last_year:
        return report
    if last_year is not None:
        report.last_year = last_year
    return save_validated(report, user)


@transaction.atomic
def report_receive(
    *, report: FinancialReport, received_on: datetime.date, file: File, user
) -> FinancialReport:
    """Record the report as received, with its PDF (checked by its content)."""
    _require_finance(user, "enregistrer un compte rendu financier")
    report = FinancialReport.objects.select_for_update().get(pk=report.pk)
    reason = workflow.refusal(report, "receive", user)
    if reason is None and not file:
        raise ValidationError({"file": REPORT_FILE_REQUIRED})
    workflow.apply(report, "receive", user, received_on=received_on, file=file)
    return report


@transaction.atomic
def report_approve(*, report: FinancialReport, user) -> FinancialReport:
    """Approve the report; a file paid in full is then « soldée »."""
    _require_finance(user, "approuver un compte rendu financier")
    report = FinancialReport.objects.select_for_update().get(pk=report.pk)
    workflow.apply(report, "approve", user)
    _settle(report.subsidy, user)
    return report


@transaction.atomic
def report_waive(*, report: FinancialReport, reason: str, user) -> FinancialReport:
    """Dispense the beneficiary from the report, by a decision whose reason is recorded (on
    the report, in its history and in the transition log); a file paid in full is then
    « soldée »."""
    _require_finance(user, "dispenser d'un compte rendu financier")
    report = FinancialReport.objects.select_for_update().get(pk=report.pk)
    reason = (reason or "").strip()
    if not reason and workflow.refusal(report, "waive", user) is None:
        raise ValidationError({"waiver_reason": REPORT_WAIVED_WITHOUT_REASON}, code="required")
    workflow.apply(report, "waive", user, comment=reason, reason=reason)
    _settle(report.subsidy, user)
    return report


@transaction.atomic
def report_reject(*, report: FinancialReport, reason: str, user) -> FinancialReport:
    """Reject the report, with the reason given to the beneficiary; it is owed again."""
    _require_finance(user, "rejeter un compte rendu financier")
    report = FinancialReport.objects.select_for_update().get(pk=report.pk)
    workflow.apply(report, "reject", user, reason=reason)
    return report


# Lifecycle


def _settle(subsidy: Subsidy, user) -> None:
    """Move the file on as far as its money allows: « versée », then « soldée »."""
    subsidy = _locked(subsidy)
    # The transitions' own conditions (paid_in_full, report_settled) decide; a step whose
    # conditions are not met yet is simply not taken.
    if workflow.refusal(subsidy, "mark_paid", user) is None:
        workflow.apply(subsidy, "mark_paid", user, comment="Versement intégral.")
    if workflow.refusal(subsidy, "close", user) is None:
        report = subsidy.financial_report
        if report.status == ReportStatus.WAIVED:
            comment = (
                "Versée intégralement, dispensée de compte rendu financier : "
                f"{report.waiver_reason}"
            )
        else:
            comment = "Versée intégralement, compte rendu financier approuvé."
        workflow.apply(subsidy, "close", user, comment=comment)
