"""Choosing one row (or a few) among thousands: an autocomplete instead of a `<select>`.

The page carries only the chosen values, never the table. Without JavaScript the field is
a text input holding the chosen rows' numbers with their names (« 42 – APES »): typing
another number chooses another row. With JavaScript, static/js/autocomplete.js turns it
into a Tom Select (static/vendor/tom-select) fed by a permission-checked JSON endpoint
that returns at most AUTOCOMPLETE_LIMIT rows (`autocomplete_response`).
"""

import json
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import JsonResponse
from django.urls import reverse_lazy

from . import search

AUTOCOMPLETE_LIMIT = 20
INVALID_CHOICE = "Choisissez dans la liste proposée (ou saisissez le numéro d'une fiche existante)."
PLACEHOLDER = "Tapez quelques lettres…"

_ids = re.compile(r"(?:^|,)\s*(\d+)")


def typed_ids(value) -> list[str]:
    """The numbers at the start of each comma-separated item: « 42 – APES, 7 » → 42, 7."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        value = ",".join(str(item) for item in value)
    return _ids.findall(str(value))


class AutocompleteMedia:
    css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css", "css/autocomplete.css"]}
    js = ["vendor/tom-select/tom-select.complete.min.js", "js/autocomplete.js"]


class AutocompleteInput(forms.TextInput):
    """A text input of row numbers that the JavaScript turns into an autocomplete; it
    reads its chosen rows' labels in one query (only when a value is chosen)."""

    Media = AutocompleteMedia

    def __init__(self, url, *, multiple=False, attrs=None):
        self.url = url
        self.multiple = multiple
        # {pk: label} the form already read (e.g. prefetched): shown without a query.
        self.known_labels: dict[str, str] = {}
        super().__init__(attrs)

    def chosen(self, value) -> list[dict]:
        ids = typed_ids(value)
        if ids and all(pk in self.known_labels for pk in ids):
            return [{"value": pk, "text": self.known_labels[pk]} for pk in ids]
        iterator = getattr(self, "choices", None)
        if not ids or iterator is None or not hasattr(iterator, "queryset"):
            return []
        rows = {str(row.pk): row for row in iterator.queryset.filter(pk__in=ids)}
        return [
            {"value": pk, "text": iterator.field.label_from_instance(rows[pk])}
            for pk in ids
            if pk in rows
        ]

    def value_from_datadict(self, data, files, name):
        # Several rows: one value « 3,5 » (the text input) or several (a script, a test).
        if self.multiple and hasattr(data, "getlist") and name in data:
            return ",".join(str(item) for item in data.getlist(name))
        return super().value_from_datadict(data, files, name)

    def get_context(self, name, value, attrs):
        chosen = self.chosen(value)
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "data-autocomplete-url": str(self.url),
                "data-autocomplete-options": json.dumps(chosen, ensure_ascii=False),
                "autocomplete": "off",
                "placeholder": PLACEHOLDER,
            }
        )
        if self.multiple:
            widget_attrs["data-autocomplete-multiple"] = "true"
        if chosen:
            context["widget"]["value"] = ", ".join(f"{c['value']} – {c['text']}" for c in chosen)
        return context


class AutocompleteChoiceField(forms.ModelChoiceField):
    """One row chosen by the autocomplete (or by its number typed without JavaScript)."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def __init__(self, queryset, *, url, **kwargs):
        kwargs.setdefault("widget", AutocompleteInput(url))
        kwargs.pop("null_label", None)
        kwargs.pop("null_value", None)
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        ids = typed_ids(value)
        if len(ids) != 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(ids[0])


class AutocompleteMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by the autocomplete, in the order typed."""

    default_error_messages = {
        "invalid_choice": INVALID_CHOICE,
        "invalid_pk_value": INVALID_CHOICE,
    }

    def __init__(self, queryset, *, url, **kwargs):
        kwargs.setdefault("widget", AutocompleteInput(url, multiple=True))
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        ids = typed_ids(value)
        if not ids:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return ids

    def clean(self, value):
        ids = self.to_python(value)
        if self.required and not ids:
            raise ValidationError(self.error_messages["required"], code="required")
        if not ids:
            return self.queryset.none()
        rows = super().clean(ids)
        by_pk = {str(row.pk): row for row in rows}
        # The order typed, which ModelMultipleChoiceField's queryset does not keep.
        return [by_pk[pk] for pk in dict.fromkeys(ids)]

    def has_changed(self, initial, data):
        return [str(pk) for pk in typed_ids(initial)] != typed_ids(data)


class AutocompleteFilter(django_filters.ModelChoiceFilter):
    """A list filter on one row of a large table (`url`: its JSON endpoint's URL name)."""

    field_class = AutocompleteChoiceField

    def __init__(self, *args, url: str, **kwargs):
        kwargs["url"] = reverse_lazy(url)
        super().__init__(*args, **kwargs)


def autocomplete_response(
    queryset: QuerySet, typed: str, *, text: list[str], identifiers: list[str] = (), label
) -> JsonResponse:
    """At most AUTOCOMPLETE_LIMIT rows matching what was typed (core.search), as Tom Select
    reads them: {"results": [{"value": …, "text": …}]}."""
    rows = search.search(queryset, typed, text=text, identifiers=identifiers)
    return JsonResponse(
        {
            "results": [
                {"value": str(row.pk), "text": label(row)} for row in rows[:AUTOCOMPLETE_LIMIT]
            ]
        }
    )
