"""Filters, search and sorting of the deliberation list (django-filter)."""

import django_filters
from django.db.models import Q

from core import search
from core.autocomplete import AutocompleteFilter
from core.filters import AmountFilter, YearChoicesMixin
from subventions.models import Beneficiary, PolicyArea
from subventions.search import matching_file_ids

from .enums import Body, DeliberationStatus
from .models import Deliberation, DeliberationSubsidy, Session

DELIBERATION_TEXT = ["title", "note"]
DELIBERATION_IDENTIFIERS = ["number"]


def deliberations_matching(queryset, value: str):
    """Deliberations by their number (« 21b0110 » finds « 21 B 0110 ») or words, or by
    their files (subventions.search), through subqueries so that rows never repeat. The
    act's own match comes first: the files are read only for the acts it leaves out
    (a word every act holds does not read every file)."""
    own = search.search(
        Deliberation.objects.all(),
        value,
        text=DELIBERATION_TEXT,
        identifiers=DELIBERATION_IDENTIFIERS,
    )
    linked = DeliberationSubsidy.objects.filter(subsidy__in=matching_file_ids(value))
    return queryset.filter(Q(pk__in=own.values("pk")) | Q(pk__in=linked.values("deliberation_id")))


def year_choices():
    years = Session.objects.dates("date", "year", order="DESC")
    return [(day.year, str(day.year)) for day in years]


class DeliberationFilter(YearChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_search",
        help_text="Numéro, titre, bénéficiaire ou référence d'un dossier.",
    )
    year = django_filters.ChoiceFilter(
        label="Année de la séance",
        field_name="session__date__year",
        choices=[],
        empty_label="Toutes",
    )
    body = django_filters.ChoiceFilter(
        label="Instance", field_name="session__body", choices=Body.choices, empty_label="Toutes"
    )
    session = django_filters.ModelChoiceFilter(
        label="Séance", queryset=Session.objects.all(), empty_label="Toutes"
    )
    status = django_filters.MultipleChoiceFilter(
        label="Statut", choices=DeliberationStatus.choices, distinct=False
    )
    policy_area = django_filters.ModelChoiceFilter(
        label="Politique publique", queryset=PolicyArea.objects.all(), empty_label="Toutes"
    )
    beneficiary = AutocompleteFilter(
        label="Bénéficiaire",
        queryset=Beneficiary.objects.all(),
        method="filter_beneficiary",
        url="subventions:beneficiary_autocomplete",
    )
    amount_min = AmountFilter(label="Total minimum (€)", field_name="total", lookup_expr="gte")
    amount_max = AmountFilter(label="Total maximum (€)", field_name="total", lookup_expr="lte")
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("number", "numero"),
            ("session__date", "seance"),
            ("title", "titre"),
            ("total", "montant"),
            ("status", "statut"),
        ),
        field_labels={
            "number": "Numéro",
            "session__date": "Date de séance",
            "title": "Titre",
            "total": "Montant",
            "status": "Statut",
        },
    )

    class Meta:
        model = Deliberation
        fields = []

    def year_choices(self):
        return year_choices()

    def filter_search(self, queryset, name, value):
        return deliberations_matching(queryset, value)

    def filter_beneficiary(self, queryset, name, value):
        linked = DeliberationSubsidy.objects.filter(subsidy__beneficiary=value).values(
            "deliberation_id"
        )
        return queryset.filter(pk__in=linked)
