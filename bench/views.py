"""Bare Django views, the yardstick of `make bench`: the same rows as a staff page or
export, with the least work Django allows (one query, a minimal template, no login)."""

import csv

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template import engines

from conventions.models import Agreement
from deliberations.models import Deliberation, Session
from subventions.models import Beneficiary, Subsidy

ROWS = 25
TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="fr"><head><title>Liste</title></head><body><table>'
    "{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>"
    "{% endfor %}</table></body></html>"
)
# What each list shows first: its queryset, in the list's own order, and a few columns.
LISTS = {
    "subventions": lambda: Subsidy.objects.order_by("-year", "reference").values_list(
        "reference", "beneficiary__legal_name", "year", "title", "amount_awarded", "status"
    ),
    "beneficiaires": lambda: Beneficiary.objects.order_by("legal_name").values_list(
        "legal_name", "siret", "city", "representative_name"
    ),
    "conventions": lambda: Agreement.objects.order_by("-created_at", "-pk").values_list(
        "number", "subsidy__reference", "subsidy__beneficiary__legal_name", "status"
    ),
    "deliberations": lambda: Deliberation.objects.order_by(
        "-session__date", "-number", "-pk"
    ).values_list("number", "title", "session__date", "status"),
    "seances": lambda: Session.objects.order_by("-date", "-time").values_list(
        "date", "time", "body", "place"
    ),
}
CSV_FIELDS = (
    "reference",
    "year",
    "beneficiary__legal_name",
    "beneficiary__siret",
    "beneficiary__rna",
    "policy_area__label",
    "title",
    "purpose",
    "status",
    "received_on",
    "amount_requested",
    "amount_proposed",
    "amount_awarded",
    "projected_budget",
    "budget_line__label",
)


def bare_list(request, kind: str):
    if kind not in LISTS:
        raise Http404
    return HttpResponse(TEMPLATE.render({"rows": list(LISTS[kind]()[:ROWS])}))


class _Echo:
    def write(self, value):
        return value


def bare_csv(request):
    """Every subsidy as CSV, the staff export's columns, streamed from a server cursor."""
    writer = csv.writer(_Echo(), delimiter=";")
    rows = Subsidy.objects.order_by("-year", "reference").values_list(*CSV_FIELDS)
    lines = (writer.writerow(row) for row in rows.iterator(chunk_size=2000))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subventions.csv"'
    return response
