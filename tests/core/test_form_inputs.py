"""Amounts and identifiers as a clerk types and reads them in every form."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core import formatting
from core.forms import AMOUNT_INVALID, AmountField, AmountInput, IdentifierField

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("30 000,00", "30000.00"),
        ("30000", "30000"),
        ("30 000", "30000"),
        ("30000.5", "30000.5"),
        ("30000.50", "30000.50"),
        ("30\u202f000,5", "30000.5"),
        (f"30{NBSP}000,00{NBSP}€", "30000.00"),
        ("0,5", "0.5"),
    ],
)
def test_an_amount_is_read_however_a_clerk_types_it(typed, read):
    assert AmountField().clean(typed) == Decimal(read)


@pytest.mark.parametrize(
    "typed", ["trente mille", "30 000 euros", "1.234.567", "30.000,00", "30,000.00", "12-5"]
)
def test_garbage_is_refused_with_an_example_in_french(typed):
    field = AmountField()
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert refused.value.messages == [AMOUNT_INVALID]


def test_three_decimals_are_refused_in_french():
    with pytest.raises(Exception) as refused:
        AmountField().clean("12,345")
    assert refused.value.messages == [
        "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."
    ]


def test_an_amount_is_shown_with_its_thousands_and_cents():
    widget = AmountInput()
    assert widget.format_value(Decimal("30000")) == f"30{NBSP}000,00"
    assert widget.format_value(Decimal("1234.5")) == f"1{NBSP}234,50"
    # A value typed and refused comes back as typed.
    assert widget.format_value("trente mille") == "trente mille"
    html = AmountField().widget.render("amount", Decimal("753091"))
    assert f'value="753{NBSP}091,00"' in html
    assert 'inputmode="decimal"' in html


def test_a_siret_and_an_iban_are_grouped_for_reading():
    assert formatting.siret("73282932000074") == f"732{NBSP}829{NBSP}320{NBSP}00074"
    assert formatting.iban("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    # Anything else is shown as stored.
    assert formatting.siret("123") == "123"
    assert formatting.siret("") == formatting.iban(None) == ""


def test_the_template_filters_group_identifiers():
    html = Template("{% load fr %}{{ s|siret }} / {{ i|iban }}").render(
        Context({"s": "73282932000074", "i": "FR7630006000011234567890189"})
    )
    assert html == f"732{NBSP}829{NBSP}320{NBSP}00074 / FR76 3000 6000 0112 3456 7890 189"


def test_an_identifier_is_typed_with_or_without_spaces():
    field = IdentifierField(formatter=formatting.siret, max_length=14)
    assert field.clean("732 829 320 00074") == "73282932000074"
    assert field.clean(f"732{NBSP}829{NBSP}320{NBSP}00074") == "73282932000074"
    assert field.clean("73282932000074") == "73282932000074"
    with pytest.raises(Exception) as refused:
        field.clean("732 829 320 000745")
    assert "au plus 14 caractères" in refused.value.messages[0]
    assert 'value="732' in field.widget.render("siret", "73282932000074")
    assert "maxlength" not in field.widget.render("siret", "")
