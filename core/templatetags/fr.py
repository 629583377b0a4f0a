"""Template filters for French typography; all of them delegate to core.formatting."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from core import formatting

register = template.Library()

register.filter("euros", formatting.euros)
register.filter("euros_long", formatting.euros_long)
register.filter("amount", formatting.amount)
register.filter("percent", formatting.percent)
register.filter("amount_in_words", formatting.amount_in_words)
register.filter("siret", formatting.siret)
register.filter("iban", formatting.iban)


def _superscript(text: str, autoescape: bool) -> str:
    """« 1er » with its superscript in HTML (« 1<sup>er</sup> »); plain in a text template
    (autoescape off: e-mails, the deliberation's plain text)."""
    if not autoescape or not text.startswith("1er"):
        return text
    return mark_safe("1<sup>er</sup>" + conditional_escape(text[3:]))


@register.filter(needs_autoescape=True)
def long_date(value, autoescape=True):
    """« vendredi 2 avril 2021 », « jeudi 1<sup>er</sup> avril 2021 » in HTML."""
    text = formatting.long_date(value)
    weekday, _, rest = text.partition(" ")
    if not rest:
        return text
    return mark_safe(
        f"{conditional_escape(weekday)} {conditional_escape(_superscript(rest, autoescape))}"
    )


@register.filter(needs_autoescape=True)
def date_text(value, autoescape=True):
    """« 2 avril 2021 », « 1<sup>er</sup> avril 2021 » in HTML, « 1er avril 2021 » in text."""
    return _superscript(formatting.date_text(value), autoescape)


register.filter("short_date", formatting.short_date)


@register.filter
def typographie(value):
    """French no-break spaces in a sentence shown on a page (a message: « Signer : fait. »)."""
    if isinstance(value, SafeData):
        return mark_safe(formatting.typography_html(str(value)))
    return formatting.typography(str(value))
