"""Filters, search and sorting of the staff lists (django-filter).

Search is full-text on PostgreSQL, accent-insensitive on both (subventions.search);
beneficiaries are chosen by autocomplete (core.autocomplete), never listed in the page.
Sorting is limited to the columns each `OrderingFilter` names (parameter `tri`).
"""

import django_filters
from django import forms
from django.db.models import Max, Min
from django.utils import timezone

from core.autocomplete import AutocompleteFilter
from core.filters import AmountFilter, YearChoicesMixin

from .enums import LegalForm, ReportStatus, SubsidyStatus
from .models import Beneficiary, BudgetLine, FinancialReport, PolicyArea, Subsidy
from .search import beneficiaries_matching, subsidies_matching

REPORT_OVERDUE = "en_retard"
REPORT_CHOICES = [(REPORT_OVERDUE, "En retard"), *ReportStatus.choices]


def year_choices():
    """The budget years, and every year from the first file's to the last's: two small
    reads (the budget lines; MIN and MAX by the index on the year), never a scan."""
    years = set(BudgetLine.objects.order_by().values_list("year", flat=True).distinct())
    bounds = Subsidy.objects.order_by().aggregate(first=Min("year"), last=Max("year"))
    if bounds["first"] is not None:
        years.update(range(bounds["first"], bounds["last"] + 1))
    return [(year, str(year)) for year in sorted(years, reverse=True)]


class YearsOfTheFiles(YearChoicesMixin):
    def year_choices(self):
        return year_choices()


class SubsidyFilter(YearsOfTheFiles, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_search",
        help_text="Référence, intitulé, objet, bénéficiaire, SIRET ou RNA.",
    )
    year = django_filters.ChoiceFilter(label="Exercice", choices=[], empty_label="Tous")
    status = django_filters.MultipleChoiceFilter(
        label="Statut",
        choices=SubsidyStatus.choices,
        widget=forms.SelectMultiple,
        # A column of the row itself: no join to repeat rows, no DISTINCT (which would
        # keep PostgreSQL from reading the list's order from its index).
        distinct=False,
    )
    policy_area = django_filters.ModelChoiceFilter(
        label="Politique publique", queryset=PolicyArea.objects.all(), empty_label="Toutes"
    )
    beneficiary = AutocompleteFilter(
        label="Bénéficiaire",
        queryset=Beneficiary.objects.all(),
        url="subventions:beneficiary_autocomplete",
    )
    budget_line = django_filters.ModelChoiceFilter(
        label="Ligne de crédits",
        queryset=BudgetLine.objects.all(),
        empty_label="Toutes",
        null_label="Sans ligne de crédits",
    )
    report = django_filters.ChoiceFilter(
        label="Compte rendu financier",
        choices=REPORT_CHOICES,
        empty_label="Tous",
        method="filter_report",
    )
    amount_min = AmountFilter(
        label="Montant minimum (€)", field_name="stage_amount", lookup_expr="gte"
    )
    amount_max = AmountFilter(
        label="Montant maximum (€)", field_name="stage_amount", lookup_expr="lte"
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("reference", "reference"),
            ("beneficiary__legal_name", "beneficiaire"),
            ("year", "exercice"),
            ("policy_area__label", "politique"),
            ("stage_amount", "montant"),
            ("status", "statut"),
            ("received_on", "reception"),
        ),
        field_labels={
            "reference": "Référence",
            "beneficiary__legal_name": "Bénéficiaire",
            "year": "Exercice",
            "policy_area__label": "Politique publique",
            "stage_amount": "Montant",
            "status": "Statut",
            "received_on": "Date de réception",
        },
    )

    class Meta:
        model = Subsidy
        fields = []

    def filter_search(self, queryset, name, value):
        return subsidies_matching(queryset, value)

    def filter_report(self, queryset, name, value):
        if value == REPORT_OVERDUE:
            late = FinancialReport.objects.overdue_on(timezone.localdate())
            return queryset.filter(financial_report__in=late)
        return queryset.filter(financial_report__status=value)


class BeneficiaryFilter(YearsOfTheFiles, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_search",
        help_text="Raison sociale, sigle, SIRET, RNA, commune ou représentant.",
    )
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique", choices=LegalForm.choices, empty_label="Toutes"
    )
    year = django_filters.ChoiceFilter(
        label="Exercice d'un dossier",
        choices=[],
        empty_label="Tous",
        method="filter_subsidies",
    )
    policy_area = django_filters.ModelChoiceFilter(
        label="Politique publique d'un dossier",
        queryset=PolicyArea.objects.all(),
        empty_label="Toutes",
        method="filter_subsidies",
    )
    status = django_filters.ChoiceFilter(
        label="Statut d'un dossier",
        choices=SubsidyStatus.choices,
        empty_label="Tous",
        method="filter_subsidies",
    )
    amount_min = AmountFilter(
        label="Total attribué minimum (€)", field_name="total_awarded", lookup_expr="gte"
    )
    amount_max = AmountFilter(
        label="Total attribué maximum (€)", field_name="total_awarded", lookup_expr="lte"
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("legal_name", "nom"),
            ("city", "commune"),
            ("subsidy_count", "dossiers"),
            ("total_awarded", "attribue"),
        ),
        field_labels={
            "legal_name": "Raison sociale",
            "city": "Commune",
            "subsidy_count": "Nombre de dossiers",
            "total_awarded": "Total attribué",
        },
    )

    class Meta:
        model = Beneficiary
        fields = []

    def filter_search(self, queryset, name, value):
        return beneficiaries_matching(queryset, value)

    def filter_subsidies(self, queryset, name, value):
        # Applied together in filter_queryset: "a file of 2021 that is voted", not
        # "a file of 2021 and a voted file".
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        criteria = {
            name: self.form.cleaned_data[name]
            for name in ("year", "policy_area", "status")
            if self.form.cleaned_data.get(name) not in (None, "")
        }
        if criteria:
            # Through a subquery, so that the annotated totals still count every file.
            matching = Subsidy.objects.filter(**criteria).values("beneficiary_id")
            queryset = queryset.filter(pk__in=matching)
        return queryset
