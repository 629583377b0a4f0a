"""Pieces of the list pages: sortable column headers that keep the filters."""

from django import template
from django.utils.html import format_html

register = template.Library()

SORT_PARAM = "tri"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False, css: str = ""):
    """A column header linking to the list sorted by `key` (again: the other way).

    Keeps every other parameter but the page; says the current order to screen readers.
    """
    request = context["request"]
    current = request.GET.get(SORT_PARAM, "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params[SORT_PARAM], aria, arrow = f"-{key}", "ascending", " ▲"
    elif current == f"-{key}":
        params[SORT_PARAM], aria, arrow = key, "descending", " ▼"
    else:
        params[SORT_PARAM], aria, arrow = key, None, ""
    css = " ".join(filter(None, ["text-end" if numeric else "", css]))
    return format_html(
        '<th scope="col" class="{}"{}><a href="?{}" class="link-dark">{}<span '
        'aria-hidden="true">{}</span></a></th>',
        css,
        format_html(' aria-sort="{}"', aria) if aria else "",
        params.urlencode(),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current list's address at page `number`."""
    params = context["request"].GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def current_query(context) -> str:
    """The current filters, to carry to the export links."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    return f"?{params.urlencode()}" if params else ""
