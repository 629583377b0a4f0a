"""Template helpers of the deliberation text: French contractions and one-line sentences."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core import grammar

register = template.Library()

register.filter("prep_a", grammar.a)
register.filter("prep_de", grammar.de)


@register.filter(needs_autoescape=True)
def enumeration(items, autoescape=True):
    """« A, B et C »."""
    escape = conditional_escape if autoescape else str
    return mark_safe(grammar.enumeration(escape(item) for item in items))


# ASCII whitespace only: the no-break spaces of amounts and percentages stay.
_WHITESPACE = re.compile(r"[ \t\r\n]+")


class OneLineNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return _WHITESPACE.sub(" ", self.nodelist.render(context)).strip()


@register.tag
def oneline(parser, token):
    """{% oneline %}…{% endoneline %}: a sentence written over several template lines,
    rendered on one line with single spaces."""
    nodelist = parser.parse(("endoneline",))
    parser.delete_first_token()
    return OneLineNode(nodelist)
