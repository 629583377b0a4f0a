"""Filters, search and sorting of the deliberation list (django-filter)."""

import django_filters
from django.db.models import Q

from core.filters import AmountFilter, YearChoicesMixin, search
from subventions.models import Beneficiary, PolicyArea, Subsidy

from .enums import Body, DeliberationStatus
from .models import Deliberation, DeliberationSubsidy, Session


def year_choices():
    years = Session.objects.dates("date", "year", order="DESC")
    return [(day.year, str(day.year)) for day in years]


class DeliberationFilter(YearChoicesMixin, django_filters.FilterSet):
    SEARCH_FIELDS = ["number", "title", "note"]

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
    status = django_filters.MultipleChoiceFilter(label="Statut", choices=DeliberationStatus.choices)
    policy_area = django_filters.ModelChoiceFilter(
        label="Politique publique", queryset=PolicyArea.objects.all(), empty_label="Toutes"
    )
    beneficiary = django_filters.ModelChoiceFilter(
        label="Bénéficiaire",
        queryset=Beneficiary.objects.all(),
        empty_label="Tous",
        method="filter_beneficiary",
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
        # The subsidies' words through a subquery, so that rows are never duplicated.
        by_subsidy = search(
            Subsidy.objects.all(),
            ["reference", "beneficiary__legal_name", "beneficiary__short_name"],
            value,
        )
        linked = DeliberationSubsidy.objects.filter(subsidy__in=by_subsidy).values(
            "deliberation_id"
        )
        own = search(Deliberation.objects.all(), self.SEARCH_FIELDS, value).values("pk")
        return queryset.filter(Q(pk__in=own) | Q(pk__in=linked))

    def filter_beneficiary(self, queryset, name, value):
        linked = DeliberationSubsidy.objects.filter(subsidy__beneficiary=value).values(
            "deliberation_id"
        )
        return queryset.filter(pk__in=linked)
