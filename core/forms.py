"""Form pieces every app's forms share: amounts and dates typed the French way, the
version that refuses a lost update, the live forms of a formset."""

import re
from decimal import Decimal

from django import forms
from django.db import models

from . import formatting
from .dates import plausible_date
from .formatting import amount_with_cents

SPACES = (" ", "\u00a0", "\u202f")


AMOUNT_INVALID = "Saisissez un montant en euros, par exemple « 30\u00a0000,00 » ou « 30000 »."


class AmountInput(forms.TextInput):
    """Shows a stored amount as the documents write it, with its cents: « 30 000,00 »
    (no-break spaces, which AmountField reads back); a value typed and refused is shown
    again as typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return amount_with_cents(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount typed the French way: « 30 000,00 », « 30000 », « 30 000 », « 30000.5 »,
    « 1 234,50 € »; anything else is refused with AMOUNT_INVALID."""

    default_error_messages = {"invalid": AMOUNT_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", AmountInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for space in SPACES:
                value = value.replace(space, "")
            value = value.replace("€", "")
            # « 30000.5 »: a point with at most two digits after it is a decimal point.
            if re.fullmatch(r"-?\d+\.\d{1,2}", value.strip()):
                value = value.replace(".", ",")
        return super().to_python(value)


# Identifiers typed with or without their spaces, shown grouped for reading; the models
# compact them (core.modeling.NormalizedIdentifiersMixin) and check them.
IDENTIFIER_FORMATS = {"siret": formatting.siret, "iban": formatting.iban}


class IdentifierInput(forms.TextInput):
    def __init__(self, formatter, attrs=None):
        self.formatter = formatter
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        return self.formatter(value) if isinstance(value, str) else super().format_value(value)


class IdentifierField(forms.CharField):
    """A SIRET or an IBAN: « 732 829 320 00074 » and « 73282932000074 » are the same; the
    length is checked without the spaces."""

    def __init__(self, *, formatter, **kwargs):
        kwargs.setdefault("widget", IdentifierInput(formatter))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split()).upper()

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the grouped value is longer than the stored one
        return attrs


def identifier_formfield(db_field, **kwargs):
    """The form field of a SIRET or IBAN model field, or None for any other field."""
    formatter = IDENTIFIER_FORMATS.get(db_field.name)
    if formatter is None or not isinstance(db_field, models.CharField) or db_field.choices:
        return None
    kwargs.pop("widget", None)
    return db_field.formfield(form_class=IdentifierField, formatter=formatter, **kwargs)


class DateField(forms.DateField):
    """A date typed by a person: bounded to a plausible range (core.dates)."""

    default_validators = [plausible_date]


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def french_formfield(db_field, **kwargs):
    """`formfield_callback` of the model forms: amounts as AmountField, SIRET and IBAN as
    IdentifierField, dates with the date picker, everything else as Django does."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=AmountField, **kwargs)
    if identifier := identifier_formfield(db_field, **kwargs):
        return identifier
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
        kwargs.setdefault("form_class", DateField)
        return db_field.formfield(**kwargs)
    return db_field.formfield(**kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version of the row being edited, to refuse a lost update (core.locking)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version

    def model_data(self) -> dict:
        """The cleaned values of the model's fields, for the services."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in self.disabled_names()
        }

    def disabled_names(self) -> set[str]:
        return {name for name, field in self.fields.items() if field.disabled}


def live_forms(formset) -> list[forms.Form]:
    """The formset's filled forms not marked for deletion, in the order typed."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not formset._should_delete_form(form)
    ]
