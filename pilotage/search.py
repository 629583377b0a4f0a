"""« Rechercher » in the navigation: one box finding beneficiaries (name, acronym, SIRET,
RNA), subsidy files (reference, title, purpose), deliberations (number, title) and
agreements (number), accent- and case-insensitive (core.search: full-text on PostgreSQL,
the unaccented fallback on SQLite).

Each group is shown only to whom may see its list; each reads at most GROUP_SIZE rows (one
query per group, whatever the tables' size), with a link to the whole list filtered.
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from conventions import selectors as agreement_selectors
from conventions.filters import agreements_matching
from conventions.permissions import can_view_agreements
from deliberations import selectors as deliberation_selectors
from deliberations.filters import deliberations_matching
from subventions import selectors as subsidy_selectors
from subventions.models import Beneficiary
from subventions.permissions import can_view, require
from subventions.search import beneficiaries_matching, subsidies_matching

GROUP_SIZE = 10
MAX_QUERY = 200


@dataclass
class Group:
    title: str
    rows: list
    more: bool
    list_url: str
    template: str


def _group(title, queryset, list_url_name, template, typed) -> Group:
    rows = list(queryset[: GROUP_SIZE + 1])
    return Group(
        title=title,
        rows=rows[:GROUP_SIZE],
        more=len(rows) > GROUP_SIZE,
        list_url=f"{reverse(list_url_name)}?{urlencode({'q': typed})}",
        template=template,
    )


def search_groups(user, typed: str) -> list[Group]:
    """The groups the user may see, each with its first rows matching `typed`."""
    groups = []
    if can_view(user)[0]:
        groups.append(
            _group(
                "Bénéficiaires",
                beneficiaries_matching(Beneficiary.objects.order_by("legal_name", "pk"), typed),
                "subventions:beneficiary_list",
                "pilotage/search/beneficiary.html",
                typed,
            )
        )
        groups.append(
            _group(
                "Dossiers de subvention",
                subsidies_matching(subsidy_selectors.subsidy_list(), typed),
                "subventions:subsidy_list",
                "pilotage/search/subsidy.html",
                typed,
            )
        )
        groups.append(
            _group(
                "Délibérations",
                deliberations_matching(
                    deliberation_selectors.deliberation_list().prefetch_related(None), typed
                ),
                "deliberations:deliberation_list",
                "pilotage/search/deliberation.html",
                typed,
            )
        )
    if can_view_agreements(user)[0]:
        groups.append(
            _group(
                "Conventions",
                agreements_matching(agreement_selectors.agreement_list(), typed),
                "conventions:agreement_list",
                "pilotage/search/agreement.html",
                typed,
            )
        )
    return groups


@require("view")
def search(request):
    typed = request.GET.get("q", "").strip()[:MAX_QUERY]
    groups = search_groups(request.user, typed) if typed else []
    return render(
        request,
        "pilotage/search.html",
        {
            "typed": typed,
            "groups": groups,
            "found": any(group.rows for group in groups),
        },
    )
