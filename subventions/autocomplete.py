"""The JSON endpoints of the autocompletes (core.autocomplete): beneficiaries by name,
acronym, SIRET or RNA; funding partners by name or SIRET. Login and the « view »
permission required; at most core.autocomplete.AUTOCOMPLETE_LIMIT rows."""

from core.autocomplete import autocomplete_response

from .models import Beneficiary, FundingPartner
from .permissions import require
from .search import (
    BENEFICIARY_IDENTIFIERS,
    BENEFICIARY_TEXT,
    PARTNER_IDENTIFIERS,
    PARTNER_TEXT,
)


def beneficiary_label(beneficiary: Beneficiary) -> str:
    """What the autocomplete shows: « Raison sociale (SIGLE) – SIRET »."""
    if beneficiary.siret:
        return f"{beneficiary} – {beneficiary.siret}"
    return str(beneficiary)


@require("view")
def beneficiary_autocomplete(request):
    return autocomplete_response(
        Beneficiary.objects.order_by("legal_name", "pk"),
        request.GET.get("q", ""),
        text=BENEFICIARY_TEXT,
        identifiers=BENEFICIARY_IDENTIFIERS,
        label=beneficiary_label,
    )


@require("view")
def partner_autocomplete(request):
    return autocomplete_response(
        FundingPartner.objects.order_by("name_with_article", "pk"),
        request.GET.get("q", ""),
        text=PARTNER_TEXT,
        identifiers=PARTNER_IDENTIFIERS,
        label=str,
    )
