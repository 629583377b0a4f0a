"""What the lists, the autocompletes and the global search look for in beneficiaries,
funding partners and subsidy files (core.search): the same columns as the full-text
indexes of migration 0016."""

from django.db.models import QuerySet

from core import search

from .models import Beneficiary, FundingPartner, Subsidy

BENEFICIARY_TEXT = ["legal_name", "short_name", "city", "representative_name"]
BENEFICIARY_IDENTIFIERS = ["siret", "rna"]
PARTNER_TEXT = ["name_with_article"]
PARTNER_IDENTIFIERS = ["siret"]
SUBSIDY_TEXT = ["title", "purpose"]
SUBSIDY_IDENTIFIERS = ["reference"]


def beneficiaries_matching(queryset: QuerySet[Beneficiary], value: str) -> QuerySet[Beneficiary]:
    return search.search(
        queryset, value, text=BENEFICIARY_TEXT, identifiers=BENEFICIARY_IDENTIFIERS
    )


def partners_matching(queryset: QuerySet[FundingPartner], value: str) -> QuerySet[FundingPartner]:
    return search.search(queryset, value, text=PARTNER_TEXT, identifiers=PARTNER_IDENTIFIERS)


def subsidies_matching(queryset: QuerySet[Subsidy], value: str) -> QuerySet[Subsidy]:
    """Files by their own words or reference, or by their beneficiary's: two indexed
    searches joined by a UNION of ids, never a scan of every file's text."""
    own = search.search(
        Subsidy.objects.all(), value, text=SUBSIDY_TEXT, identifiers=SUBSIDY_IDENTIFIERS
    )
    of_beneficiary = Subsidy.objects.filter(
        beneficiary__in=beneficiaries_matching(Beneficiary.objects.all(), value)
    )
    either = search.ids_of_either(own.values("pk"), of_beneficiary.values("pk"))
    return queryset.filter(pk__in=either)
