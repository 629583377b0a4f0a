"""Bounded versions of the built-in filters that can make a text of any size from a short
template (« {{ x|ljust:"999999999" }} », a string doubled by « add » in nested « with »):
loaded after Django's own filters by the agreement templates' engine (templating.engine),
they refuse a width or a length past what a legal text ever needs."""

from django import template
from django.template import defaultfilters

register = template.Library()

MAX_WIDTH = 1000
MAX_LENGTH = 100_000
TOO_WIDE = "le filtre « {name} » demande une largeur de {width} : {limit} au plus"
TOO_LONG = "le filtre « add » produirait {length} caractères : {limit} au plus"


class LimitExceeded(ValueError):
    """A filter asked for more than the bounds above (the message is French)."""


def _width(name: str, arg) -> None:
    try:
        width = abs(int(arg))
    except (TypeError, ValueError):
        return  # Django's filter handles a bad argument as it always does
    if width > MAX_WIDTH:
        raise LimitExceeded(TOO_WIDE.format(name=name, width=width, limit=MAX_WIDTH))


@register.filter(is_safe=True)
def ljust(value, arg):
    _width("ljust", arg)
    return defaultfilters.ljust(value, arg)


@register.filter(is_safe=True)
def rjust(value, arg):
    _width("rjust", arg)
    return defaultfilters.rjust(value, arg)


@register.filter(is_safe=True)
def center(value, arg):
    _width("center", arg)
    return defaultfilters.center(value, arg)


@register.filter(is_safe=True)
def floatformat(value, arg=-1):
    _width("floatformat", str(arg).rstrip("gu") or 0)
    return defaultfilters.floatformat(value, arg)


@register.filter(is_safe=True)
def stringformat(value, arg):
    digits = "".join(character for character in str(arg) if character.isdigit())
    _width("stringformat", digits[:9] or 0)
    return defaultfilters.stringformat(value, arg)


@register.filter(is_safe=False)
def add(value, arg):
    result = defaultfilters.add(value, arg)
    if isinstance(result, str | list | tuple) and len(result) > MAX_LENGTH:
        raise LimitExceeded(TOO_LONG.format(length=len(result), limit=MAX_LENGTH))
    return result
