"""`{% cached_html "name" arg … %}…{% endcached_html %}`: a part of a page rendered once
for each version of the data (core.dataversion), under its name and arguments."""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from core import dataversion

register = template.Library()


class CachedHtmlNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        version = dataversion.request_version(context.get("request"))
        if version is None:
            return self.nodelist.render(context)
        where = f"{self.origin.name}:{self.token.lineno}" if self.origin else ""
        parts = [part.resolve(context) for part in self.parts]
        key = repr(("html", where, *parts, timezone.localdate(), dataversion.CODE_SALT))
        html = dataversion.remember(version, key, lambda: str(self.nodelist.render(context)))
        return mark_safe(html)  # noqa: S308 — rendered by the template above


@register.tag
def cached_html(parser, token):
    """Only what the arguments and the project's tables decide may be inside: nothing of
    the user, the request (no form, no CSRF token) or the accounts' names (the accounts'
    table does not move the data's version)."""
    parts = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endcached_html",))
    parser.delete_first_token()
    return CachedHtmlNode(nodelist, parts)
