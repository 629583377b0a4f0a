"""Reads of the dashboard, which spans every layer, each in a constant number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from conventions.filters import AWAITING_SIGNATURE
from conventions.models import Agreement
from deliberations.models import Session
from subventions.enums import ACTIVE_STATUSES, VOTED_STATUSES, SubsidyStatus
from subventions.models import BudgetLine, FinancialReport, Payment, Subsidy
from subventions.selectors import ZERO, money_sum

# Dashboard


@dataclass
class BudgetBar:
    """One budget line of the year (or the files not yet charged to one)."""

    line: BudgetLine | None
    label: str
    credits: Decimal | None
    requested: Decimal
    voted: Decimal
    paid: Decimal | None
    scale: Decimal = field(default=Decimal("1"))

    def width(self, value: Decimal | None) -> Decimal:
        """The bar's length, in percent of the largest figure of the chart."""
        if not value or not self.scale:
            return ZERO
        return (value * 100 / self.scale).quantize(Decimal("0.1"))

    @property
    def credits_width(self):
        return self.width(self.credits)

    @property
    def requested_width(self):
        return self.width(self.requested)

    @property
    def voted_width(self):
        return self.width(self.voted)

    @property
    def paid_width(self):
        return self.width(self.paid)


@dataclass
class DashboardFigures:
    year: int
    status_counts: list[tuple[str, str, int]]
    total_files: int
    budget: list[BudgetBar]
    years: list[int]
    agreements_to_sign: int
    reports_overdue: int


def paid_by_budget_line(year: int) -> dict[int | None, Decimal]:
    """Sums paid on the files of `year`, by budget line (None: files without a line)."""
    rows = (
        Payment.objects.filter(subsidy__year=year)
        .order_by()
        .values("subsidy__budget_line")
        .annotate(paid=money_sum("amount"))
    )
    return {row["subsidy__budget_line"]: row["paid"] for row in rows}


def reports_overdue(today: datetime.date) -> int:
    """Financial reports still owed after their due date (the list filter « en retard »)."""
    return FinancialReport.objects.overdue_on(today).count()


def agreements_to_sign() -> int:
    """Agreements waiting for the authority's signature (any year): ready, sent, or signed
    by the beneficiary only. The dashboard links the count to the list with these statuses
    (conventions.filters.AWAITING_SIGNATURE)."""
    return Agreement.objects.filter(status__in=AWAITING_SIGNATURE).count()


def dashboard_figures(year: int, today: datetime.date | None = None) -> DashboardFigures:
    """What the dashboard shows of a financial year, in a constant number of queries."""
    files = Subsidy.objects.filter(year=year)
    counts = dict(
        files.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    status_counts = [
        (status.value, status.label, counts.get(status, 0)) for status in SubsidyStatus
    ]

    sums = {
        row["budget_line"]: row
        for row in files.order_by()
        .values("budget_line")
        .annotate(
            requested=money_sum("amount_requested", filter=Q(status__in=ACTIVE_STATUSES)),
            voted=money_sum("amount_awarded", filter=Q(status__in=VOTED_STATUSES)),
        )
    }
    paid = paid_by_budget_line(year)
    bars = []
    for line in BudgetLine.objects.filter(year=year).order_by("chapter", "article", "label"):
        row = sums.get(line.pk, {})
        bars.append(
            BudgetBar(
                line=line,
                label=f"{line.chapter}/{line.article} — {line.label}",
                credits=line.amount_voted,
                requested=row.get("requested", ZERO),
                voted=row.get("voted", ZERO),
                paid=paid.get(line.pk, ZERO),
            )
        )
    unassigned = sums.get(None)
    if unassigned and (unassigned["requested"] or unassigned["voted"]):
        bars.append(
            BudgetBar(
                line=None,
                label="Dossiers sans ligne de crédits",
                credits=None,
                requested=unassigned["requested"],
                voted=unassigned["voted"],
                paid=paid.get(None, ZERO),
            )
        )
    scale = max(
        [
            value or ZERO
            for bar in bars
            for value in (bar.credits, bar.requested, bar.voted, bar.paid)
        ]
        or [ZERO]
    )
    for bar in bars:
        bar.scale = scale

    years = sorted(
        set(Subsidy.objects.order_by().values_list("year", flat=True).distinct()) | {year},
        reverse=True,
    )
    return DashboardFigures(
        year=year,
        status_counts=status_counts,
        total_files=sum(counts.values()),
        budget=bars,
        years=years,
        reports_overdue=reports_overdue(today or datetime.date.today()),
        agreements_to_sign=agreements_to_sign(),
    )


def next_sessions(today: datetime.date, limit: int = 5):
    """The coming sessions (séances), soonest first, with their number of deliberations."""

    return (
        Session.objects.filter(date__gte=today)
        .annotate(deliberation_count=Count("deliberations"))
        .order_by("date", "time")[:limit]
    )
