"""Template helpers of generated texts: French contractions, agreement, one-line sentences.

All of them delegate to core.grammar. A name is a `grammar.Name` or a string stored with
its article (« les Ateliers du Nord »), whose gender and number are then guessed.
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core import grammar

register = template.Library()

register.filter("prep_a", grammar.a)
register.filter("prep_de", grammar.de)
register.filter("a", grammar.a)
register.filter("de", grammar.de)
register.filter("que", grammar.que)


@register.filter
def accord(name, forms: str) -> str:
    """The form agreeing with the name, from "singulier,pluriel" (a verb: « mène,mènent »)
    or "masc. sing.,fém. sing.,masc. plur.,fém. plur." (« dénommé,dénommée,dénommés,dénommées »)."""
    words = [word.strip() for word in str(forms).split(",")]
    if len(words) == 2:
        return grammar.verb(name, *words)
    return grammar.agree(name, *words[:4])


@register.filter
def selon_nombre(count, forms: str) -> str:
    """The words agreeing with a count, from "singulier,pluriel" (« la subvention
    suivante,les subventions suivantes »): singular for 0 and 1, plural from 2."""
    words = [word.strip() for word in str(forms).split(",")]
    return grammar.by_count(int(count or 0), *words[:2])


@register.filter
def pluriel(count, forms: str) -> str:
    """« 0 dossier », « 1 dossier », « 2 dossiers » from "dossier,dossiers" (or "dossier")."""
    words = [word.strip() for word in str(forms).split(",")]
    return grammar.plural(int(count or 0), *words[:2])


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
