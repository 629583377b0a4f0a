"""Read-only viewsets of the API; each list costs a constant number of queries."""

from django.db.models import F
from rest_framework import viewsets

from conventions.models import Agreement
from deliberations.models import Deliberation
from subventions.models import Beneficiary, Subsidy

from . import filters, serializers
from .permissions import StaffWithViewPermission


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [StaffWithViewPermission]


class SubsidyViewSet(ReadOnlyViewSet):
    """Subsidy files (dossiers), with their beneficiary, deliberations and agreement."""

    queryset = (
        Subsidy.objects.select_related("beneficiary", "policy_area")
        .prefetch_related("deliberations")
        .annotate(agreement_number=F("agreement__number"))
        .order_by("-year", "reference")
    )
    serializer_class = serializers.SubsidySerializer
    filterset_class = filters.SubsidyFilter


class BeneficiaryViewSet(ReadOnlyViewSet):
    """Beneficiaries, without bank details, contacts nor internal notes."""

    queryset = Beneficiary.objects.order_by("legal_name", "pk")
    serializer_class = serializers.BeneficiarySerializer
    filterset_class = filters.BeneficiaryFilter


class DeliberationViewSet(ReadOnlyViewSet):
    """Deliberations, with their session and the references of the subsidies they grant."""

    queryset = (
        Deliberation.objects.select_related("session", "policy_area")
        .prefetch_related("subsidies")
        .order_by("-session__date", "-number", "-pk")
    )
    serializer_class = serializers.DeliberationSerializer
    filterset_class = filters.DeliberationFilter


class AgreementViewSet(ReadOnlyViewSet):
    """Agreements (conventions) and their signatures; never their files."""

    queryset = Agreement.objects.select_related("subsidy__beneficiary").order_by(
        "-created_at", "-pk"
    )
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter
