"""French formatting of amounts, percentages and dates (DESIGN.md §8), in one place.

Every document and page formats through these functions (the template filters in
`core.templatetags.fr` call them), so typography never diverges.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from num2words import num2words
from stdnum import iban as stdnum_iban
from stdnum.fr import siret as stdnum_siret

NBSP = "\u00a0"  # no-break space: thousands separator and before € and %
NNBSP = "\u202f"  # narrow no-break space, which Babel's fr locale uses for thousands


def _number(value: Decimal, decimals: int) -> str:
    pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    text = format_decimal(value, format=pattern, locale="fr_FR", decimal_quantization=True)
    return text.replace(NNBSP, NBSP)


def amount(value: Decimal | int | None) -> str:
    """35 000 or 1 234,50: cents only when there are some."""
    if value is None:
        return ""
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    return _number(value, decimals)


def amount_with_cents(value: Decimal | int | None) -> str:
    """« 30 000,00 »: always two decimals, as a form shows an amount to edit."""
    if value is None:
        return ""
    return _number(Decimal(value), 2)


def siret(value: str | None) -> str:
    """« 732 829 320 00074 » (no-break spaces): SIREN then NIC, readable and copied whole.
    A value that is not fourteen digits is shown as stored."""
    compact = stdnum_siret.compact(value or "")
    if len(compact) != 14 or not compact.isdigit():
        return value or ""
    return stdnum_siret.format(compact).replace(" ", NBSP)


def iban(value: str | None) -> str:
    """« FR76 3000 6000 0112 3456 7890 189 »: groups of four, as on a bank statement (plain
    spaces, so that a long IBAN may wrap between groups on a phone)."""
    if not value:
        return ""
    return stdnum_iban.format(value)


def euros(value: Decimal | int | None) -> str:
    """« 35 000 € » with no-break spaces."""
    if value is None:
        return ""
    return f"{amount(value)}{NBSP}€"


def euros_cents(value: Decimal | int | None) -> str:
    """« 30 000,00 € »: always with cents, as tables of figures show amounts."""
    if value is None:
        return ""
    return f"{_number(Decimal(value), 2)}{NBSP}€"


def euros_long(value: Decimal | int | None) -> str:
    """« 35 000 euros », as the deliberation writes amounts in sentences."""
    if value is None:
        return ""
    return f"{amount(value)}{NBSP}euros"


def percent(value: Decimal | None, decimals: int = 1) -> str:
    """« 4,6 % »: rounded half up, decimal comma, no-break space."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{_number(rounded, decimals)}{NBSP}%"


def amount_in_words(value: Decimal | int) -> str:
    """« trente-cinq mille euros », « mille deux cents euros et cinquante centimes ».

    num2words' currency mode reads an int as cents, so euros and cents are spelt
    separately from the Decimal.
    """
    value = Decimal(value).quantize(Decimal("0.01"))
    units = int(value)
    cents = int((value - units) * 100)
    number = num2words(units, lang="fr")
    # « un million d'euros », « deux milliards d'euros », but « un million cinq cents euros ».
    linking = "d'" if number.endswith(("million", "millions", "milliard", "milliards")) else ""
    words = f"{number} {linking}euro{'s' if units > 1 else ''}"
    if cents:
        words += f" et {num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    return words


def long_date(value: datetime.date | None) -> str:
    """« vendredi 2 avril 2021 »."""
    if value is None:
        return ""
    return f"{format_date(value, format='EEEE', locale='fr_FR')} {date_text(value)}"


def date_text(value: datetime.date | None) -> str:
    """« 2 avril 2021 », « 1er avril 2021 »."""
    if value is None:
        return ""
    text = format_date(value, format="d MMMM y", locale="fr_FR")
    return "1er" + text[1:] if value.day == 1 else text


def short_date(value: datetime.date | None) -> str:
    """« 02/04/2021 »."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def decimal_comma(value: Decimal | int | None) -> str:
    """« 35000,00 »: no thousands separator, so that a spreadsheet reads it as a number."""
    if value is None:
        return ""
    return f"{Decimal(value):.2f}".replace(".", ",")


# French typography of running text (DESIGN.md §8): a no-break space before « : ; ! ? »
# and « », inside « », after « n° » and « art. », between a number and its unit, and
# none inside a deliberation number « 21 B 0110 ».
_BEFORE_PUNCTUATION = re.compile(r"[ \u202f]+([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"« +")
_AFTER_ABBREVIATION = re.compile(r"\b(n°|N°|art\.|Art\.) +")
_NUMBER_UNIT = re.compile(
    r"(\d) +(€|%|euros?\b|km\b|m²|m\b|kg\b|h\b|min\b|ans?\b|mois\b|jours?\b|heures?\b)"
)
_DELIBERATION_NUMBER = re.compile(r"\b(\d{2}) ([A-Z]) (\d{4})\b")
# In HTML: the text between tags only, never inside a tag nor in these elements.
_TAG = re.compile(
    r"(<!--.*?-->|<(?:style|script|textarea|pre)\b.*?</(?:style|script|textarea|pre)>|<[^>]*>)",
    re.S | re.I,
)
NOWRAP = '<span class="nowrap">'
_FIRST = re.compile(r"\b1(er|re)\b")
_NO_BREAK = re.compile(r"(n°\u00a0[\w./-]*\d[\w./-]*(?:\u00a0[A-Z]\u00a0\d{4})?)")
# What every rule above needs to match at least one of: a text without any is left as is.
_MAY_CHANGE = re.compile(r"[:;!?»«°\d]|rt\.")


def typography(text: str) -> str:
    """Plain text with its French no-break spaces (« Axe 1 : », « n° 2000-321 »)."""
    text = _BEFORE_PUNCTUATION.sub(f"{NBSP}\\1", text)
    text = _AFTER_GUILLEMET.sub(f"«{NBSP}", text)
    text = _AFTER_ABBREVIATION.sub(f"\\1{NBSP}", text)
    text = _NUMBER_UNIT.sub(f"\\1{NBSP}\\2", text)
    return _DELIBERATION_NUMBER.sub(f"\\1{NBSP}\\2{NBSP}\\3", text)


def typography_html(html: str) -> str:
    """HTML whose text (not its tags) gets `typography`, « 1<sup>er</sup> » and, around
    « n° 2000-321 », a span that a line never breaks inside (CSS class « nowrap »)."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags
        if not _MAY_CHANGE.search(parts[index]):
            # Most text between two tags (spaces, a name, an amount's words): one search
            # instead of seven substitutions that would change nothing.
            continue
        text = typography(parts[index])
        text = _FIRST.sub(r"1<sup>\1</sup>", text)
        if index == 0 or parts[index - 1] != NOWRAP:  # already kept together: idempotent
            text = _NO_BREAK.sub(NOWRAP + r"\1</span>", text)
        parts[index] = text
    return "".join(parts)
