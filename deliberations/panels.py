"""What the pages of the subsidies app show of deliberations (core.panels)."""

from django.template.loader import render_to_string

from core import dataversion, panels

from .exchange_views import deliberation_exchanges


def subsidy_documents(request, subsidy) -> str:
    """The deliberations of a file, with their PDFs, in its « Documents » list: read once
    for each version of the data (core.dataversion), as the file's page."""
    deliberations = dataversion.remember(
        dataversion.request_version(request),
        repr(("subsidy-deliberations", subsidy.pk, dataversion.CODE_SALT)),
        lambda: list(subsidy.deliberations.select_related("session").order_by("pk")),
    )
    return render_to_string(
        "deliberations/panels/subsidy_documents.html", {"deliberations": deliberations}, request
    )


def beneficiary_documents(request, beneficiary) -> str:
    return render_to_string(
        "deliberations/panels/beneficiary_documents.html", {"beneficiary": beneficiary}, request
    )


panels.register("subsidy_documents", subsidy_documents)
panels.register("beneficiary_documents", beneficiary_documents)
# Issue 11 (h7): the signed extract and the @CTES exchange on the deliberation page.
panels.register("deliberation_detail", deliberation_exchanges)
