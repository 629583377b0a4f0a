"""Staff pages of the conventions app: the list of deliberations (more pages to come)."""

from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from subventions import exports
from subventions.views import filtered_list, require

from .filters import DeliberationFilter
from .models import Deliberation

MONEY = DecimalField(max_digits=14, decimal_places=2)


def deliberation_list_queryset():
    """Deliberations with their session, policy area, subsidies (prefetched, in table
    order) and the total they grant: a constant number of queries."""
    return (
        Deliberation.objects.select_related("session", "policy_area")
        .prefetch_related("links__subsidy__beneficiary")
        .annotate(
            subsidy_count=Count("links", distinct=True),
            # What each file is granted: awarded once voted, proposed before.
            total=Coalesce(
                Sum(Coalesce("links__subsidy__amount_awarded", "links__subsidy__amount_proposed")),
                0,
                output_field=MONEY,
            ),
        )
        # Meta.ordering does not apply to aggregating queries.
        .order_by("-session__date", "-number", "-pk")
    )


DELIBERATION_COLUMNS = [
    exports.Column("Numéro", lambda d: d.number),
    exports.Column("Instance", lambda d: d.session.get_body_display() if d.session else ""),
    exports.Column("Séance", lambda d: d.session.date if d.session else None),
    exports.Column("Politique publique", lambda d: d.policy_area.label),
    exports.Column("Titre", lambda d: d.title),
    exports.Column("Statut", lambda d: d.get_status_display()),
    exports.Column(
        "Bénéficiaires",
        lambda d: ", ".join(str(link.subsidy.beneficiary) for link in d.links.all()),
    ),
    exports.Column(
        "Dossiers", lambda d: ", ".join(link.subsidy.reference for link in d.links.all())
    ),
    exports.Column("Montant total", lambda d: d.total),
    exports.Column("Exécutoire le", lambda d: d.executory_date),
]


@require("view")
def deliberation_list(request):
    filterset = DeliberationFilter(request.GET, queryset=deliberation_list_queryset())
    return filtered_list(
        request,
        filterset=filterset,
        template="conventions/deliberation_list.html",
        context={"export_url": "conventions:deliberation_export"},
    )


@require("export")
def deliberation_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    filterset = DeliberationFilter(request.GET, queryset=deliberation_list_queryset())
    return exports.export_response(
        fmt, "deliberations", "Délibérations", DELIBERATION_COLUMNS, filterset.qs
    )
