"""Charts drawn on the server (core.charts): `{% bar_chart chart %}` draws one, and
`{% rows_chart rows ... as chart %}` builds one from rows a view already has."""

from django import template

from core.charts import BarChart

register = template.Library()


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(chart: BarChart, chart_id: str):
    """The SVG of the chart, its legend, and its figures as a table."""
    return {"chart": chart, "chart_id": chart_id}


@register.simple_tag
def rows_chart(rows, *, title: str, category: str, series: str, header: str = ""):
    """A chart of `rows` (objects or dicts): `category` names the attribute of each row's
    category; `series` lists the series as « attribute:Label,attribute:Label ». The rows
    are drawn in the order given."""

    def read(row, name):
        return row[name] if isinstance(row, dict) else getattr(row, name)

    pairs = [item.split(":", 1) for item in series.split(",")]
    rows = list(rows)
    return BarChart(
        title=title,
        categories=[str(read(row, category)) for row in rows],
        series=[label for _name, label in pairs],
        values=[[read(row, name) for name, _label in pairs] for row in rows],
        category_header=header,
    )
