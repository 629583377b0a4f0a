"""Form pieces every app's forms share: amounts and dates typed the French way, the
version that refuses a lost update, the live forms of a formset."""

from django import forms
from django.db import models

from .dates import plausible_date

SPACES = (" ", "\u00a0", "\u202f")


class AmountField(forms.DecimalField):
    """An amount typed the French way: « 35 000 », « 1 234,50 »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for space in SPACES:
                value = value.replace(space, "")
            value = value.replace("€", "")
        return super().to_python(value)


class DateField(forms.DateField):
    """A date typed by a person: bounded to a plausible range (core.dates)."""

    default_validators = [plausible_date]


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def french_formfield(db_field, **kwargs):
    """`formfield_callback` of the model forms: amounts as AmountField, dates with the
    date picker, everything else as Django does."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=AmountField, **kwargs)
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
