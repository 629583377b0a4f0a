"""Building blocks of the models: money fields and the constraints that mirror their
validation, sums computed in SQL, identifiers normalised before the field checks.

Money is Decimal in euros (`max_digits=12, decimal_places=2`), never float; the database
refuses what the validation refuses, so that even `QuerySet.update()` cannot store it.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from .dates import plausible_date
from .forms import DateField as BoundedDateField

AMOUNT_NEGATIVE = "Le montant ne peut pas être négatif."
AMOUNT_NOT_POSITIVE = "Le montant doit être supérieur à zéro."

# Sums in SQL: 14 digits, room for a year of a whole budget.
TOTAL = models.DecimalField(max_digits=14, decimal_places=2)
ZERO = models.Value(Decimal("0"), output_field=TOTAL)


class DateField(models.DateField):
    """A date a person types: refused outside the plausible range (core.dates) by the
    model's validation and by its form field, in the staff forms and the admin alike."""

    default_validators = [plausible_date]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BoundedDateField, **kwargs})

    def deconstruct(self):
        # The column is a plain date: the migrations see Django's field, so that no
        # migration alters (and on SQLite rebuilds, dropping its triggers) a table for a
        # rule that lives in the validation only.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs


def money_field(verbose_name: str, *, positive: bool = False, **kwargs) -> models.DecimalField:
    """A Decimal amount in euros, at most 9 999 999 999,99 €, never negative.

    `positive`: never zero either (a payment, a clawback).
    """
    if positive:
        validator = MinValueValidator(Decimal("0.01"), message=AMOUNT_NOT_POSITIVE)
    else:
        validator = MinValueValidator(Decimal("0"), message=AMOUNT_NEGATIVE)
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[validator], **kwargs
    )


def non_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
        name=f"{model}_{field}_non_negative",
        violation_error_message=AMOUNT_NEGATIVE,
    )


def positive(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0}),
        name=f"{model}_{field}_positive",
        violation_error_message=AMOUNT_NOT_POSITIVE,
    )


def subquery_sum(queryset: models.QuerySet, *, link: str, field: str = "amount"):
    """SUM(field) of `queryset`'s rows pointing (by `link`) at the outer row, 0 when none.

    A correlated subquery rather than a join, so that several sums on one row never
    multiply each other and the query count stays one whatever the number of rows.
    """
    total = (
        queryset.filter(**{link: models.OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(field))
        .values("total")
    )
    return models.functions.Coalesce(models.Subquery(total, output_field=TOTAL), ZERO)


def subquery_count(queryset: models.QuerySet, *, link: str):
    """COUNT of `queryset`'s rows pointing (by `link`) at the outer row, 0 when none: a
    correlated subquery, so that a list computes it for its page's rows only and its
    COUNT(*) never groups the whole table."""
    count = (
        queryset.filter(**{link: models.OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return models.functions.Coalesce(models.Subquery(count, output_field=models.IntegerField()), 0)


class NormalizedIdentifiersMixin:
    """Identifiers are compacted before the field checks (max_length, format) see them.

    Django runs `clean_fields()` before `clean()`, so « 200 093 201 00016 » would be
    refused as too long if it were compacted in `clean()`.
    """

    def normalize_identifiers(self) -> None:
        raise NotImplementedError

    def clean_fields(self, exclude=None):
        self.normalize_identifiers()
        super().clean_fields(exclude=exclude)
