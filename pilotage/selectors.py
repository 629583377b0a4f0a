"""Reads of the dashboard, which spans every layer, each in a constant number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q

from conventions.filters import AWAITING_SIGNATURE
from conventions.models import Agreement
from core.modeling import subquery_sum
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
    # What may still be awarded on the line: credits − awarded (None: no line).
    available: Decimal | None = None
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


def default_year(today: datetime.date) -> int:
    """The year the dashboard opens on: the current one if it has files, else the latest
    year that has files (the current one when there are none). Two index lookups."""
    if Subsidy.objects.filter(year=today.year).exists():
        return today.year
    return Subsidy.objects.aggregate(latest=Max("year"))["latest"] or today.year


def year_choices(*years: int) -> list[int]:
    """The years offered: the budget's years (a small table, not a scan of the files) and
    the years given (the chosen one, the current one), newest first."""
    budget_years = BudgetLine.objects.order_by().values_list("year", flat=True).distinct()
    return sorted(set(budget_years) | set(years), reverse=True)


def reports_overdue(today: datetime.date, year: int | None = None) -> int:
    """Financial reports still owed after their due date (the list filter « en retard »),
    on the files of `year` when given."""
    reports = FinancialReport.objects.overdue_on(today)
    if year is not None:
        reports = reports.filter(subsidy__year=year)
    return reports.count()


def agreements_to_sign(year: int | None = None) -> int:
    """Agreements waiting for the authority's signature: ready, sent, or signed by the
    beneficiary only, on the files of `year` when given. The dashboard links the count to
    the list with these statuses (conventions.filters.AWAITING_SIGNATURE)."""
    agreements = Agreement.objects.filter(status__in=AWAITING_SIGNATURE)
    if year is not None:
        agreements = agreements.filter(subsidy__year=year)
    return agreements.count()


def dashboard_figures(year: int, today: datetime.date | None = None) -> DashboardFigures:
    """What the dashboard shows of a financial year, in a constant number of queries, each
    one bounded by the year (the index on year and status)."""
    today = today or datetime.date.today()
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

    # Requested, voted and paid by budget line, in one query.
    sums = {
        row["budget_line"]: row
        for row in files.order_by()
        .annotate(amount_paid=subquery_sum(Payment.objects.all(), link="subsidy"))
        .values("budget_line")
        .annotate(
            requested=money_sum("amount_requested", filter=Q(status__in=ACTIVE_STATUSES)),
            voted=money_sum("amount_awarded", filter=Q(status__in=VOTED_STATUSES)),
            paid=money_sum("amount_paid"),
        )
    }
    bars = []
    lines = (
        BudgetLine.objects.filter(year=year)
        .with_committed()
        .order_by("chapter", "article", "label")
    )
    for line in lines:
        row = sums.get(line.pk, {})
        bars.append(
            BudgetBar(
                line=line,
                label=f"{line.chapter}/{line.article} — {line.label}",
                credits=line.amount_voted,
                requested=row.get("requested", ZERO),
                voted=row.get("voted", ZERO),
                paid=row.get("paid", ZERO),
                available=line.amount_voted - line.committed,
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
                paid=unassigned["paid"],
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

    return DashboardFigures(
        year=year,
        status_counts=status_counts,
        total_files=sum(counts.values()),
        budget=bars,
        years=year_choices(year, today.year),
        reports_overdue=reports_overdue(today, year),
        agreements_to_sign=agreements_to_sign(year),
    )


def next_sessions(today: datetime.date, limit: int = 5):
    """The coming sessions (séances), soonest first, with their number of deliberations."""

    return (
        Session.objects.filter(date__gte=today)
        .annotate(deliberation_count=Count("deliberations"))
        .order_by("date", "time")[:limit]
    )
