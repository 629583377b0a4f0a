"""Reads of the staff pages that span several models, each in a constant number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .enums import SubsidyStatus
from .models import Beneficiary, BudgetLine, FinancialReport, Payment, Subsidy

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)

# Files still alive: what "requested" counts (a withdrawn or rejected request no longer is).
ACTIVE_STATUSES = [
    status
    for status in SubsidyStatus
    if status not in (SubsidyStatus.WITHDRAWN, SubsidyStatus.REJECTED)
]
# Files whose amount was voted: what "voted" counts.
VOTED_STATUSES = [
    SubsidyStatus.VOTED,
    SubsidyStatus.AGREEMENT_SIGNED,
    SubsidyStatus.PAID,
    SubsidyStatus.CLOSED,
]


def _sum(expression: str, **kwargs):
    return Coalesce(Sum(expression, **kwargs), ZERO, output_field=MONEY)


# Lists


def subsidy_list() -> QuerySet[Subsidy]:
    """Subsidies as the list shows them, with `stage_amount`: awarded, else proposed, else
    requested (`Subsidy.amount` in SQL, so that it can be filtered and sorted on)."""
    return (
        Subsidy.objects.for_list()
        .annotate(
            stage_amount=Coalesce(
                "amount_awarded", "amount_proposed", "amount_requested", output_field=MONEY
            )
        )
        .order_by("-year", "reference")
    )


def beneficiary_list() -> QuerySet[Beneficiary]:
    """Beneficiaries with their number of files and the totals requested and awarded."""
    return Beneficiary.objects.annotate(
        subsidy_count=Count("subsidies", distinct=True),
        total_requested=_sum("subsidies__amount_requested"),
        total_awarded=_sum("subsidies__amount_awarded"),
    ).order_by("legal_name", "pk")  # Meta.ordering does not apply to aggregating queries


# Pages


@dataclass
class YearOfSubsidies:
    year: int
    subsidies: list[Subsidy]
    requested: Decimal
    proposed: Decimal
    awarded: Decimal


def beneficiary_subsidies_by_year(beneficiary: Beneficiary) -> list[YearOfSubsidies]:
    """All the files of a beneficiary, newest year first, with each year's totals.

    Two queries whatever the number of files: the files, and the totals by year.
    """
    subsidies = list(
        beneficiary.subsidies.select_related("policy_area", "budget_line").order_by(
            "-year", "reference"
        )
    )
    totals = {
        row["year"]: row
        for row in beneficiary.subsidies.order_by()
        .values("year")
        .annotate(
            requested=_sum("amount_requested"),
            proposed=_sum("amount_proposed"),
            awarded=_sum("amount_awarded"),
        )
    }
    years: dict[int, list[Subsidy]] = {}
    for subsidy in subsidies:
        years.setdefault(subsidy.year, []).append(subsidy)
    return [
        YearOfSubsidies(
            year=year,
            subsidies=items,
            requested=totals[year]["requested"],
            proposed=totals[year]["proposed"],
            awarded=totals[year]["awarded"],
        )
        for year, items in years.items()
    ]


def subsidy_page(pk: int) -> Subsidy:
    """One file with everything its page shows, prefetched."""
    return (
        Subsidy.objects.for_list()
        .prefetch_related(
            "axes",
            "cofundings__partner_links__partner",
            "transitions__user",
        )
        .get(pk=pk)
    )


def other_years(subsidy: Subsidy) -> QuerySet[Subsidy]:
    """The beneficiary's other files (other years, or other files of the same year)."""
    return (
        Subsidy.objects.filter(beneficiary_id=subsidy.beneficiary_id)
        .exclude(pk=subsidy.pk)
        .select_related("policy_area")
        .order_by("-year", "reference")
    )


@dataclass
class CoFundingShare:
    label: str
    amount: Decimal
    share: Decimal | None
    status: str
    is_authority: bool = False


def funding_plan(subsidy: Subsidy, authority_name: str) -> list[CoFundingShare]:
    """The co-funding lines then the authority's own amount, each with its share (in %)
    of the projected budget, rounded as `Subsidy.budget_share` rounds."""
    budget = subsidy.projected_budget

    def share(amount):
        if not budget or amount is None:
            return None
        return amount * 100 / budget

    rows = [
        CoFundingShare(
            label=line.group_label or line.partner_names,
            amount=line.amount,
            share=share(line.amount),
            status=line.get_status_display(),
        )
        for line in subsidy.cofundings.all()
    ]
    rows.append(
        CoFundingShare(
            label=authority_name,
            amount=subsidy.amount,
            share=subsidy.budget_share,
            status=subsidy.get_status_display(),
            is_authority=True,
        )
    )
    return rows


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
        .annotate(paid=_sum("amount"))
    )
    return {row["subsidy__budget_line"]: row["paid"] for row in rows}


def reports_overdue(today: datetime.date) -> int:
    """Financial reports still owed after their due date (the list filter « en retard »)."""
    return FinancialReport.objects.overdue_on(today).count()


def agreements_to_sign() -> int:
    """Agreements waiting for the authority's signature (any year): ready, sent, or signed
    by the beneficiary only. The dashboard links the count to the list with these statuses
    (conventions.filters.AWAITING_SIGNATURE)."""
    from conventions.filters import AWAITING_SIGNATURE
    from conventions.models import Agreement

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
            requested=_sum("amount_requested", filter=Q(status__in=ACTIVE_STATUSES)),
            voted=_sum("amount_awarded", filter=Q(status__in=VOTED_STATUSES)),
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
    from conventions.models import Session

    return (
        Session.objects.filter(date__gte=today)
        .annotate(deliberation_count=Count("deliberations"))
        .order_by("date", "time")[:limit]
    )
