"""Read-only viewsets of the API; each list costs a constant number of queries."""

import re

from django.db.models import F
from django.http import Http404, JsonResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets

from conventions.models import Agreement
from deliberations.models import Deliberation
from subventions.models import Beneficiary, Subsidy

from . import filters, serializers
from .permissions import StaffWithViewPermission

NOT_FOUND = "Aucun élément à ce numéro."
NO_SUCH_ADDRESS = "Aucune ressource de l'API à cette adresse."
REFUSED = {
    401: OpenApiResponse(serializers.ErrorSerializer, "Sans jeton valide ni session."),
    403: OpenApiResponse(
        serializers.ErrorSerializer,
        "Compte sans accès : il faut un compte du personnel avec le droit de lecture.",
    ),
    429: OpenApiResponse(
        serializers.ErrorSerializer,
        "Trop de requêtes (ou de jetons refusés) : l'en-tête Retry-After dit quand réessayer.",
    ),
}


def documented(viewset):
    """Every status the API answers, with its body, in the schema (drf-spectacular)."""
    serializer = viewset.serializer_class
    return extend_schema_view(
        list=extend_schema(
            responses={
                200: serializer,
                400: OpenApiResponse(serializers.FILTER_ERRORS, "Un filtre refusé."),
                **REFUSED,
                404: OpenApiResponse(serializers.ErrorSerializer, "Page inexistante."),
            }
        ),
        retrieve=extend_schema(
            parameters=[
                OpenApiParameter(
                    "id",
                    {"type": "integer", "minimum": 1, "maximum": filters.MAX_ID},
                    OpenApiParameter.PATH,
                    description="Le numéro (identifiant) de l'élément.",
                )
            ],
            responses={
                200: serializer,
                **REFUSED,
                404: OpenApiResponse(serializers.ErrorSerializer, NOT_FOUND),
            },
        ),
    )(viewset)


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [StaffWithViewPermission]

    def get_object(self):
        # A number the database cannot hold would fail there (500): not found, before.
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not re.fullmatch(r"[0-9]{1,19}", value) or not 0 < int(value) <= filters.MAX_ID:
            raise exceptions.NotFound(NOT_FOUND)
        try:
            return super().get_object()
        except Http404 as error:
            raise exceptions.NotFound(NOT_FOUND) from error


@documented
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


@documented
class BeneficiaryViewSet(ReadOnlyViewSet):
    """Beneficiaries, without bank details, contacts nor internal notes."""

    queryset = Beneficiary.objects.order_by("legal_name", "pk")
    serializer_class = serializers.BeneficiarySerializer
    filterset_class = filters.BeneficiaryFilter


@documented
class DeliberationViewSet(ReadOnlyViewSet):
    """Deliberations, with their session and the references of the subsidies they grant."""

    queryset = (
        Deliberation.objects.select_related("session", "policy_area")
        .prefetch_related("subsidies")
        .order_by("-session__date", "-number", "-pk")
    )
    serializer_class = serializers.DeliberationSerializer
    filterset_class = filters.DeliberationFilter


@documented
class AgreementViewSet(ReadOnlyViewSet):
    """Agreements (conventions) and their signatures; never their files."""

    queryset = Agreement.objects.select_related("subsidy__beneficiary").order_by(
        "-created_at", "-pk"
    )
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter


def no_such_address(request):
    return JsonResponse({"detail": NO_SUCH_ADDRESS}, status=404)
