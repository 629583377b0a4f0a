"""French typography of amounts, percentages and dates (DESIGN.md §8)."""

import datetime
from decimal import Decimal

import pytest

from core.formatting import (
    amount_in_words,
    date_text,
    euros,
    euros_long,
    long_date,
    percent,
    short_date,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (35000, "35 000 €"),
        (Decimal("753091"), "753 091 €"),
        (Decimal("35000.00"), "35 000 €"),
        (Decimal("1234.5"), "1 234,50 €"),
        (Decimal("1234567.89"), "1 234 567,89 €"),
        (Decimal("999"), "999 €"),
        (0, "0 €"),
    ],
)
def test_euros_with_no_break_spaces(value, expected):
    assert euros(value) == expected.replace(" ", NBSP)


def test_euros_never_uses_ordinary_or_narrow_spaces():
    text = euros(Decimal("1234567.89"))
    assert " " not in text
    assert "\u202f" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (35000, "35 000 euros"),
        (Decimal("284000"), "284 000 euros"),
        (Decimal("10.5"), "10,50 euros"),
    ],
)
def test_euros_long(value, expected):
    assert euros_long(value) == expected.replace(" ", NBSP)


@pytest.mark.parametrize(
    "formatter", [euros, euros_long, percent, long_date, date_text, short_date]
)
def test_missing_value_formats_as_empty_text(formatter):
    assert formatter(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("4.647"), "4,6 %"),
        (Decimal("4.65"), "4,7 %"),
        (Decimal("4.75"), "4,8 %"),
        (Decimal("4.64"), "4,6 %"),
        (Decimal("100"), "100,0 %"),
        (Decimal("0"), "0,0 %"),
    ],
)
def test_percent_one_decimal_rounded_half_up(value, expected):
    assert percent(value) == expected.replace(" ", NBSP)


def test_percent_with_two_decimals():
    assert percent(Decimal("12.345"), decimals=2) == f"12,35{NBSP}%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (35000, "trente-cinq mille euros"),
        (Decimal("35000"), "trente-cinq mille euros"),
        (Decimal("35000.00"), "trente-cinq mille euros"),
        (1, "un euro"),
        (Decimal("80"), "quatre-vingts euros"),
        (Decimal("1200.50"), "mille deux cents euros et cinquante centimes"),
        (Decimal("35000.99"), "trente-cinq mille euros et quatre-vingt-dix-neuf centimes"),
        (Decimal("10.01"), "dix euros et un centime"),
        (Decimal("1500000"), "un million cinq cent mille euros"),
    ],
)
def test_amount_in_words(value, expected):
    assert amount_in_words(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1000000"), "un million d'euros"), (Decimal("2000000"), "deux millions d'euros")],
)
def test_amount_in_words_round_millions(value, expected):
    assert amount_in_words(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2021, 4, 2), "vendredi 2 avril 2021"),
        (datetime.date(2021, 4, 1), "jeudi 1er avril 2021"),
        (datetime.date(2021, 8, 15), "dimanche 15 août 2021"),
    ],
)
def test_long_date(value, expected):
    assert long_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2021, 4, 1), "1er avril 2021"),
        (datetime.date(2021, 4, 2), "2 avril 2021"),
        (datetime.date(2022, 12, 31), "31 décembre 2022"),
        (datetime.date(2021, 2, 11), "11 février 2021"),
    ],
)
def test_date_text(value, expected):
    assert date_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(datetime.date(2021, 4, 2), "02/04/2021"), (datetime.date(2021, 11, 30), "30/11/2021")],
)
def test_short_date(value, expected):
    assert short_date(value) == expected


# « _ » marks a no-break space in the expected texts.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Axe 1 : Appui", "Axe 1_: Appui"),
        ("pour l'année 2021 ;", "pour l'année 2021_;"),
        ("Vraiment ? Oui !", "Vraiment_? Oui_!"),
        ("ci-après dénommée « la MEL »", "ci-après dénommée «_la MEL_»"),
        ("loi n° 2000-321, art. 10", "loi n°_2000-321, art._10"),
        ("35 000 € et 4,6 % sur 12 mois", "35 000_€ et 4,6_% sur 12_mois"),
        ("délibération 21 B 0110", "délibération 21_B_0110"),
        ("http://exemple.fr à 10:30;", "http://exemple.fr à 10:30;"),  # no space: untouched
    ],
)
def test_typography_puts_no_break_spaces(text, expected):
    from core.formatting import typography

    assert typography(text) == expected.replace("_", NBSP)


def test_typography_html_touches_the_text_only_and_is_idempotent():
    from core.formatting import typography_html

    html = '<p class="a :b">Le 1er avril : loi n° 2000-321 ;</p><style>p { x : y }</style>'
    once = typography_html(html)
    assert once == (
        '<p class="a :b">Le 1<sup>er</sup> avril\u00a0: loi '
        '<span class="nowrap">n°\u00a02000-321</span>\u00a0;</p><style>p { x : y }</style>'
    )
    assert typography_html(once) == once


def test_the_first_of_the_month_is_superscript_in_html_and_plain_in_text():
    from django.template import Context, Template

    first = datetime.date(2021, 4, 1)
    source = "{% load fr %}{{ day|date_text }} / {{ day|long_date }}"
    html = Template(source).render(Context({"day": first}))
    assert html == "1<sup>er</sup> avril 2021 / jeudi 1<sup>er</sup> avril 2021"
    text = Template("{% autoescape off %}" + source + "{% endautoescape %}").render(
        Context({"day": first})
    )
    assert text == "1er avril 2021 / jeudi 1er avril 2021"
    second = Template(source).render(Context({"day": datetime.date(2021, 4, 2)}))
    assert second == "2 avril 2021 / vendredi 2 avril 2021"


def test_messages_on_pages_get_french_no_break_spaces(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(25, "Soumettre : fait. Le dossier est maintenant au statut « en instruction ».")
    html = render_to_string("includes/messages.html", {"messages": storage})
    assert (
        "Soumettre\u00a0: fait. Le dossier est maintenant au statut «\u00a0en instruction\u00a0»."
    ) in html
