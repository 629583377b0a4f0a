"""Private files, streamed only to a logged-in user allowed to see them.

They have no public URL (core.files.PrivateStorage): these views are the only way
to read them.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect

from core.files import read_stored

from . import permissions
from .models import FinancialReport

NOT_ALLOWED = "Vous n'avez pas accès aux comptes rendus financiers."
NO_FILE = "Aucun fichier n'est joint à ce compte rendu financier."


@login_required
def financial_report_file(request, pk: int):
    """The PDF of a financial report, for a user who may view reports."""
    allowed, _reason = permissions.check("view", request.user)
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)
    report = get_object_or_404(FinancialReport.objects.select_related("subsidy"), pk=pk)
    if not report.file:
        raise Http404(NO_FILE)
    filename = f"compte-rendu-financier-{report.subsidy.reference}.pdf"
    try:
        content = read_stored(report.file, what="Le compte rendu financier")
    except ValidationError as error:  # missing or unreadable on disk: said, never a 500
        messages.error(request, " ".join(error.messages))
        return redirect("subventions:subsidy_detail", report.subsidy_id)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
