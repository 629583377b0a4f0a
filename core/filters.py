"""Filter pieces every list shares (django-filter): a search over several columns, an
amount typed the French way, the years offered from the data."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q

from . import dataversion
from .forms import AmountField


def search(queryset, fields: list[str], value: str):
    """Rows where every word typed appears in one of `fields` (case-insensitive)."""
    for word in value.split():
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset


class AmountFilter(django_filters.NumberFilter):
    field_class = AmountField


class YearChoicesMixin:
    """The years offered are those of the data, read when the list is shown: the filter set
    says which (`year_choices()`). Read only when needed (the form rendered, a year to
    validate), once for each version of the data (core.dataversion)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = self._year_choices_of_the_data

    def _year_choices_of_the_data(self) -> list[tuple[int, str]]:
        key = f"year-choices|{type(self).__qualname__}|{dataversion.CODE_SALT}"
        return dataversion.remember(dataversion.current_version(), key, self.year_choices)

    def year_choices(self) -> list[tuple[int, str]]:
        raise NotImplementedError
