"""Pieces of the list pages: sortable column headers that keep the filters."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import dataversion
from core.views import EdgePaginator

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


class CachedRowsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        page = context.get("page")
        paginator = getattr(page, "paginator", None)
        if not isinstance(paginator, EdgePaginator) or paginator.version is None:
            return self.nodelist.render(context)
        where = f"{self.origin.name}:{self.token.lineno}" if self.origin else ""
        today, salt = timezone.localdate(), dataversion.CODE_SALT
        key = f"{paginator.key}|rows|{page.number}|{where}|{today}|{salt}"
        html = dataversion.remember(
            paginator.version, key, lambda: str(self.nodelist.render(context))
        )
        return mark_safe(html)  # noqa: S308 — rendered by the template above


@register.tag
def cached_rows(parser, token):
    """`{% cached_rows %}<tr>…{% endcached_rows %}`: the rows of a list's page, rendered
    once for each version of the data (core.dataversion). Only what the rows show may be
    inside: nothing of the user or the request (the key is the page's query and number)."""
    nodelist = parser.parse(("endcached_rows",))
    parser.delete_first_token()
    return CachedRowsNode(nodelist)
