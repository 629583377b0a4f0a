"""The figures of the charts (drawn by core.charts): amounts voted by policy area over the
years, and credits, awarded and paid per budget line. One query each, bounded by years."""

from decimal import Decimal

from django.db.models import Sum

from core.charts import BarChart
from subventions.enums import VOTED_STATUSES
from subventions.models import BudgetLine, Subsidy

ZERO = Decimal(0)

YEARS_SHOWN = 5


def voted_by_policy_area(last_year: int, years: int = YEARS_SHOWN) -> BarChart:
    """Amounts awarded by vote, by policy area, over the `years` years up to `last_year`."""
    first_year = last_year - years + 1
    rows = (
        Subsidy.objects.filter(year__range=(first_year, last_year), status__in=VOTED_STATUSES)
        .order_by()
        .values("year", "policy_area__label")
        .annotate(voted=Sum("amount_awarded"))
    )
    sums: dict[tuple[int, str], Decimal] = {}
    for row in rows:
        sums[(row["year"], row["policy_area__label"])] = row["voted"] or ZERO
    areas = sorted({area for _year, area in sums})
    year_range = list(range(first_year, last_year + 1))
    return BarChart(
        title=f"Montants votés par politique publique, {first_year}-{last_year}",
        category_header="Exercice",
        categories=[str(year) for year in year_range],
        series=areas,
        values=[[sums.get((year, area), ZERO) for area in areas] for year in year_range],
    )


def budget_lines_paid_and_voted(year: int) -> BarChart:
    """Per budget line of `year`: credits voted, awarded on the files, paid net."""
    lines = list(
        BudgetLine.objects.filter(year=year).with_money().order_by("chapter", "article", "label")
    )
    return BarChart(
        title=f"Crédits, montants attribués et versés par ligne de crédits, {year}",
        category_header="Ligne de crédits",
        categories=[f"{line.chapter}/{line.article} — {line.label}" for line in lines],
        axis_labels=[f"{line.chapter}/{line.article}" for line in lines],
        series=["Crédits votés", "Attribué", "Versé (net des reversements)"],
        values=[[line.amount_voted, line.committed, line.paid_net] for line in lines],
    )
