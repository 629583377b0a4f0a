"""Filters of the API lists (django-filter): ?year=2021&status=votee …

Every filter is typed and bounded, and says so in the schema: a value out of its bounds
or outside its choices is a 400 naming the filter, never a 500 nor a silent match-all.
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field

from conventions.enums import AgreementStatus
from conventions.models import Agreement
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import NUMBER_INVALID, NUMBER_PATTERN, Deliberation
from subventions.enums import AidNature, LegalForm, PaymentTerms, SubsidyStatus
from subventions.models import Beneficiary, Subsidy
from subventions.validators import RNA_INVALID, RNA_PATTERN

EMPTY_FILTER = "Ce filtre est vide : donnez-lui une valeur, ou retirez-le de l'adresse."
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_ID = 2**63 - 1  # the largest primary key (bigint): beyond, the database would fail
YES_NO = [("true", "oui"), ("false", "non")]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals: « 2021.5 »)."""

    field_class = forms.IntegerField


def year(field_name: str):
    return extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})(
        IntegerFilter(
            field_name=field_name,
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
        )
    )


def identifier(field_name: str):
    """A primary key: ?beneficiary=12 lists the rows of beneficiary 12 (none if unknown)."""
    return extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})(
        IntegerFilter(field_name=field_name, min_value=1, max_value=MAX_ID)
    )


def text(field_name: str, max_length: int, lookup_expr: str = "exact"):
    return extend_schema_field({"type": "string", "minLength": 1, "maxLength": max_length})(
        django_filters.CharFilter(
            field_name=field_name, lookup_expr=lookup_expr, max_length=max_length
        )
    )


def pattern(field_name: str, regex: str, message: str):
    """A code with its exact form (SIRET, RNA, deliberation number)."""
    python_regex = regex.removesuffix("$") + r"\Z"  # `$` would let a final newline through
    return extend_schema_field({"type": "string", "pattern": regex})(
        django_filters.CharFilter(
            field_name=field_name, strip=False, validators=[RegexValidator(python_regex, message)]
        )
    )


def choice(field_name: str, choices):
    return django_filters.ChoiceFilter(field_name=field_name, choices=choices)


def yes_no(method: str):
    """A boolean spelled `true` or `false`, nothing else (django-filter's BooleanFilter
    ignores any other word and lists everything)."""
    return extend_schema_field({"type": "boolean"})(
        django_filters.TypedChoiceFilter(
            choices=YES_NO, coerce=lambda value: value == "true", method=method
        )
    )


class StrictFilterSet(django_filters.FilterSet):
    """A filter given without a value (`?year=`) is refused, not ignored: the schema says
    what each filter takes, and an empty value is none of it."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, EMPTY_FILTER)
                valid = False
        return valid


class SubsidyFilter(StrictFilterSet):
    reference = text("reference", 20)
    year = year("year")
    status = choice("status", SubsidyStatus.choices)
    beneficiary = identifier("beneficiary_id")
    beneficiary_name = text("beneficiary__legal_name", 250, "icontains")
    policy_area = identifier("policy_area_id")
    nature = choice("nature", AidNature.choices)
    payment_terms = choice("payment_terms", PaymentTerms.choices)

    class Meta:
        model = Subsidy
        fields = []


class BeneficiaryFilter(StrictFilterSet):
    name = text("legal_name", 250, "icontains")
    siret = pattern("siret", r"^[0-9]{14}$", "Un SIRET s'écrit avec 14 chiffres.")
    rna = pattern("rna", RNA_PATTERN, RNA_INVALID)
    legal_form = choice("legal_form", LegalForm.choices)
    postal_code = pattern("postal_code", r"^[0-9]{5}$", "Un code postal s'écrit avec 5 chiffres.")
    city = text("city", 100, "iexact")

    class Meta:
        model = Beneficiary
        fields = []


class DeliberationFilter(StrictFilterSet):
    number = pattern("number", NUMBER_PATTERN, NUMBER_INVALID)
    body = choice("session__body", Body.choices)
    year = year("session__date__year")
    status = choice("status", DeliberationStatus.choices)
    policy_area = identifier("policy_area_id")

    class Meta:
        model = Deliberation
        fields = []


class AgreementFilter(StrictFilterSet):
    number = text("number", 20)
    year = year("subsidy__year")
    status = choice("status", AgreementStatus.choices)
    subsidy = identifier("subsidy_id")
    signed = yes_no("filter_signed")

    class Meta:
        model = Agreement
        fields = []

    def filter_signed(self, queryset, name, value):
        return queryset.filter(authority_signed_on__isnull=not value)
