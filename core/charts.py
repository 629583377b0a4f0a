"""Bar charts drawn on the server as SVG: the geometry here, the drawing in
`templates/includes/bar_chart.html` (no JavaScript, no CDN).

The CSP forbids `style=` attributes, so everything is drawn with SVG presentation
attributes (x, y, width, height, fill), which are not styles. A chart always comes with
its figures as a real table, for screen readers and for whoever wants the exact amounts.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .formatting import NBSP, euros, euros_cents

# Fills with a contrast of at least 3:1 on white (WCAG 1.4.11, non-text contrast).
PALETTE = (
    "#1f5fa8",
    "#c4581a",
    "#2b7a3b",
    "#7b3f9e",
    "#b02a37",
    "#0f7b7b",
    "#5c636a",
    "#8a6d0b",
)

WIDTH = 720
HEIGHT = 300
LEFT = 110  # room for the amounts of the vertical axis
RIGHT = 10
TOP = 12
BOTTOM = 34  # room for the categories
TICKS = 4


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    text: str  # « 2021 — Culture : 30 000,00 € », the bar's tooltip


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class AxisLabel:
    x: float
    text: str


@dataclass
class Row:
    label: str
    cells: list[str]


@dataclass
class BarChart:
    """A grouped bar chart: for each category (a year, a budget line), one bar per series.

    `values[i][j]` is the figure of category i, series j (None counts as zero in the
    drawing and is shown « — » in the table).
    """

    title: str
    categories: Sequence[str]
    series: Sequence[str]
    values: Sequence[Sequence[Decimal | None]]
    category_header: str = ""
    # Short names under the bars when the categories' names are long (the table keeps them).
    axis_labels: Sequence[str] | None = None
    width: int = WIDTH
    height: int = HEIGHT
    fills: Sequence[str] = field(default=PALETTE)

    @property
    def is_empty(self) -> bool:
        return not any(value for row in self.values for value in row)

    @property
    def scale(self) -> Decimal:
        """The top of the vertical axis: the largest figure rounded up to a round amount."""
        largest = max((value or 0 for row in self.values for value in row), default=0)
        return nice_ceiling(Decimal(largest))

    @property
    def plot_height(self) -> int:
        return self.height - TOP - BOTTOM

    @property
    def plot_width(self) -> int:
        return self.width - LEFT - RIGHT

    @property
    def axis_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def axis_left(self) -> int:
        return LEFT

    @property
    def axis_right(self) -> int:
        return self.width - RIGHT

    def _y(self, value: Decimal) -> float:
        return round(self.axis_bottom - float(value / self.scale) * self.plot_height, 1)

    @property
    def ticks(self) -> list[Tick]:
        step = self.scale / TICKS
        return [Tick(y=self._y(step * i), text=euros(step * i)) for i in range(TICKS + 1)]

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [(label, self.fills[j % len(self.fills)]) for j, label in enumerate(self.series)]

    @property
    def bars(self) -> list[Bar]:
        if not self.categories:
            return []
        slot = self.plot_width / len(self.categories)
        group = slot * 0.8
        bar_width = group / max(len(self.series), 1)
        bars = []
        for i, category in enumerate(self.categories):
            start = LEFT + slot * i + (slot - group) / 2
            for j, label in enumerate(self.series):
                value = self.values[i][j] or Decimal(0)
                top = self._y(value)
                bars.append(
                    Bar(
                        x=round(start + bar_width * j, 1),
                        y=top,
                        width=round(max(bar_width - 1, 1), 1),
                        height=round(self.axis_bottom - top, 1),
                        fill=self.fills[j % len(self.fills)],
                        text=f"{category} — {label}{NBSP}: {euros_cents(value)}",
                    )
                )
        return bars

    @property
    def category_labels(self) -> list[AxisLabel]:
        if not self.categories:
            return []
        slot = self.plot_width / len(self.categories)
        names = self.axis_labels or self.categories
        return [
            AxisLabel(x=round(LEFT + slot * (i + 0.5), 1), text=name)
            for i, name in enumerate(names)
        ]

    @property
    def rows(self) -> list[Row]:
        """The figures as the table shows them, « 30 000,00 € »."""
        return [
            Row(
                label=category,
                cells=[euros_cents(value) if value is not None else "—" for value in values],
            )
            for category, values in zip(self.categories, self.values, strict=True)
        ]


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least `value` (1 for nothing)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover — the loop always ends at 10 × power
