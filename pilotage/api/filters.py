"""Filters of the API lists (django-filter): ?year=2021&status=votee …"""

import django_filters

from conventions.models import Agreement
from deliberations.models import Deliberation
from subventions.models import Beneficiary, Subsidy


class SubsidyFilter(django_filters.FilterSet):
    beneficiary_name = django_filters.CharFilter(
        field_name="beneficiary__legal_name", lookup_expr="icontains"
    )

    class Meta:
        model = Subsidy
        fields = [
            "reference",
            "year",
            "status",
            "beneficiary",
            "policy_area",
            "nature",
            "payment_terms",
        ]


class BeneficiaryFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="legal_name", lookup_expr="icontains")

    class Meta:
        model = Beneficiary
        fields = ["siret", "rna", "legal_form", "postal_code", "city"]


class DeliberationFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="session__body")
    year = django_filters.NumberFilter(field_name="session__date__year")

    class Meta:
        model = Deliberation
        fields = ["number", "status", "policy_area"]


class AgreementFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="subsidy__year")
    signed = django_filters.BooleanFilter(
        field_name="authority_signed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Agreement
        fields = ["number", "status", "subsidy"]
