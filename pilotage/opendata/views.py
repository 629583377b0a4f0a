"""Public pages, open without logging in: the open data of the agreements (DESIGN.md §4.8).

What they show is what the SCDL export publishes (pilotage.opendata.scdl) and nothing
else: no contact, bank detail, internal note, amount requested or projected budget. The
downloads stream: rows are read a chunk at a time and written as they come.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Max
from django.db.models.functions import Greatest
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from subventions.models import Authority

from . import deliberations as scdl_deliberations
from . import scdl

PAGE_SIZE = 50
# What the list of published agreements shows: all of it is in the SCDL rows.
LIST_FIELDS = (
    "pk",
    "agreement__number",
    "convention_date",
    "decision_number",
    "beneficiary__legal_name",
    "purpose",
    "amount_awarded",
)


def opendata_index(request):
    """What is published, when, the list of published agreements and the downloads."""
    published = scdl.publishable()
    signed = Greatest("agreement__authority_signed_on", "agreement__beneficiary_signed_on")
    last_signature = published.aggregate(last=Max(signed))["last"]
    page = Paginator(published.values(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "authority": Authority.current(),
        "page": page,
        "last_signature": last_signature,
        "threshold": settings.AGREEMENT_THRESHOLD,
        "version": scdl.VERSION,
        "formats": list(scdl.FORMATS),
    }
    return render(request, "pilotage/opendata.html", context)


def opendata_download(request, fmt: str):
    """The whole SCDL file, streamed; an invalid row is left out (and logged)."""
    authority = Authority.current()
    if fmt not in scdl.FORMATS or authority is None:
        raise Http404("Aucun fichier de ce format.")
    rows = scdl.valid_rows(scdl.publishable(), authority)
    response = StreamingHttpResponse(scdl.stream(fmt, rows), content_type=scdl.CONTENT_TYPES[fmt])
    filename = f"subventions-{authority.siret}-scdl-{scdl.VERSION}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def opendata_deliberations_download(request):
    """The published acts in SCDL « Délibérations » (CSV); an invalid row is left out and
    logged, as in the subsidies' file."""
    authority = Authority.current()
    if authority is None:
        raise Http404("Aucune collectivité n'est enregistrée.")
    base_url = request.build_absolute_uri("/")

    def rows():
        for number, row, errors in scdl_deliberations.checked_rows(authority, base_url=base_url):
            if errors:
                scdl.logger.warning("SCDL délibérations, %s écartée : %s", number, " ".join(errors))
                continue
            yield row

    response = StreamingHttpResponse(
        scdl_deliberations.csv_lines(rows()), content_type="text/csv; charset=utf-8"
    )
    filename = scdl_deliberations.FILENAME.format(siret=authority.siret)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
