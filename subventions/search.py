"""What the lists, the autocompletes and the global search look for in beneficiaries,
funding partners and subsidy files (core.search): the same columns as the full-text
indexes of migration 0016."""

from django.db.models import Q, QuerySet

from core import search

from .models import Beneficiary, FundingPartner, Subsidy

BENEFICIARY_TEXT = ["legal_name", "short_name", "city", "representative_name"]
BENEFICIARY_IDENTIFIERS = ["siret", "rna"]
PARTNER_TEXT = ["name_with_article"]
PARTNER_IDENTIFIERS = ["siret"]
SUBSIDY_TEXT = ["title", "purpose"]
SUBSIDY_IDENTIFIERS = ["reference"]


def _beneficiaries_by_index(value: str) -> QuerySet[Beneficiary]:
    return search.search(
        Beneficiary.objects.all(), value, text=BENEFICIARY_TEXT, identifiers=BENEFICIARY_IDENTIFIERS
    )


# A bound no search reaches: the subquery of `beneficiaries_matching` is read on its own.
WHOLE_SET = 1_000_000_000


def beneficiaries_matching(queryset: QuerySet[Beneficiary], value: str) -> QuerySet[Beneficiary]:
    """Beneficiaries by their words or identifiers, as a set read once from the full-text
    index, then hashed against the list (its LIMIT keeps PostgreSQL from folding it into
    the list's query). Folded, the planner, which cannot tell how many names a prefix
    matches, walked the list's order computing each name's vector in turn: 780 ms for a
    word no name holds among 20 000, where the set takes 1 ms, and 45 ms when every
    name matches."""
    return queryset.filter(pk__in=_beneficiaries_by_index(value).values("pk")[:WHOLE_SET])


def partners_matching(queryset: QuerySet[FundingPartner], value: str) -> QuerySet[FundingPartner]:
    return search.search(queryset, value, text=PARTNER_TEXT, identifiers=PARTNER_IDENTIFIERS)


def file_condition(value: str) -> Q:
    """The condition « the file matches `value` by its own words or reference, or by its
    beneficiary's ».

    Each side is a subquery on its own full-text index, joined by OR: PostgreSQL reads
    each set once, hashed, and checks the rows against them while walking a list's
    order index (`subsidy_list_order` carries the beneficiary for that), so that a page
    stops after its rows and a count reads the index alone. A UNION of ids would have to
    be read whole, joined back and sorted first: 110 ms for a town's 16 000 files out of
    100 000, where this takes 5 ms for the page and 15 ms for the count."""
    own = search.search(
        Subsidy.objects.all(), value, text=SUBSIDY_TEXT, identifiers=SUBSIDY_IDENTIFIERS
    )
    beneficiaries = _beneficiaries_by_index(value)
    return Q(pk__in=own.values("pk")) | Q(beneficiary__in=beneficiaries.values("pk"))


def subsidies_matching(queryset: QuerySet[Subsidy], value: str) -> QuerySet[Subsidy]:
    """Files by their own words or reference, or by their beneficiary's (`file_condition`)."""
    return queryset.filter(file_condition(value))


def matching_file_ids(value: str) -> QuerySet:
    """The ids of the files matching `value`, for the lists of what hangs on a file
    (agreements, deliberations): one hashed set, read only when a row needs it."""
    return Subsidy.objects.filter(file_condition(value)).values("pk")
