"""Filters, search and sorting of the agreement list (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q

from core import search
from core.autocomplete import AutocompleteFilter
from core.filters import AmountFilter
from deliberations.enums import DeliberationStatus
from deliberations.models import DeliberationSubsidy, Session
from subventions.filters import YearsOfTheFiles
from subventions.models import Beneficiary, PolicyArea
from subventions.search import matching_file_ids

from .enums import AgreementStatus
from .models import Agreement

# Agreements

# Waiting for the authority's signature: what the dashboard's box counts.
AWAITING_SIGNATURE = [
    AgreementStatus.READY,
    AgreementStatus.SENT,
    AgreementStatus.SIGNED_BY_BENEFICIARY,
]


def agreements_matching(queryset, value: str):
    """Agreements by their number, or by their file (subventions.search): indexed sets
    joined by OR, so that the list walks its order index (`agreement_list_order` carries
    the file) and stops after its page."""
    own = search.search(Agreement.objects.all(), value, text=[], identifiers=["number"])
    return queryset.filter(Q(pk__in=own.values("pk")) | Q(subsidy__in=matching_file_ids(value)))


class AgreementFilter(YearsOfTheFiles, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_search",
        help_text="Numéro, dossier, intitulé, bénéficiaire ou SIRET.",
    )
    year = django_filters.ChoiceFilter(
        label="Exercice", field_name="subsidy__year", choices=[], empty_label="Tous"
    )
    status = django_filters.MultipleChoiceFilter(
        label="Statut",
        choices=AgreementStatus.choices,
        widget=forms.SelectMultiple,
        distinct=False,  # a column of the row: no DISTINCT over the list
    )
    policy_area = django_filters.ModelChoiceFilter(
        label="Politique publique",
        field_name="subsidy__policy_area",
        queryset=PolicyArea.objects.all(),
        empty_label="Toutes",
    )
    beneficiary = AutocompleteFilter(
        label="Bénéficiaire",
        field_name="subsidy__beneficiary",
        queryset=Beneficiary.objects.all(),
        url="subventions:beneficiary_autocomplete",
    )
    session = django_filters.ModelChoiceFilter(
        label="Séance",
        queryset=Session.objects.all(),
        empty_label="Toutes",
        method="filter_session",
    )
    amount_min = AmountFilter(
        label="Montant minimum (€)", field_name="subsidy__amount_awarded", lookup_expr="gte"
    )
    amount_max = AmountFilter(
        label="Montant maximum (€)", field_name="subsidy__amount_awarded", lookup_expr="lte"
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("number", "numero"),
            ("subsidy__beneficiary__legal_name", "beneficiaire"),
            ("subsidy__amount_awarded", "montant"),
            ("status", "statut"),
            ("authority_signed_on", "signature"),
        ),
        field_labels={
            "number": "Numéro",
            "subsidy__beneficiary__legal_name": "Bénéficiaire",
            "subsidy__amount_awarded": "Montant",
            "status": "Statut",
            "authority_signed_on": "Date de signature",
        },
    )

    class Meta:
        model = Agreement
        fields = []

    def filter_search(self, queryset, name, value):
        return agreements_matching(queryset, value)

    def filter_session(self, queryset, name, value):
        granted = DeliberationSubsidy.objects.filter(
            deliberation__session=value, deliberation__status=DeliberationStatus.ADOPTED
        ).values("subsidy_id")
        return queryset.filter(subsidy__in=granted)
