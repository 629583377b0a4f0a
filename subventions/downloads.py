"""Private files, streamed only to a logged-in user allowed to see them.

They have no public URL (core.files.PrivateStorage): these views are the only way
to read them.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import exports
from core.files import STORED_MISSING, read_stored
from core.formatting import percent
from core.views import job_status

from . import exports as exports_service
from . import permissions
from .enums import ExportJobStatus
from .models import ExportJob, FinancialReport

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


# Large exports built in the background (subventions.exports)

NOT_YOUR_EXPORT = "Cet export a été demandé par un autre agent : lui seul peut l'ouvrir."
EXPORT_NOT_READY = "Cet export n'est pas prêt : suivez sa progression sur sa page."
JOB_NAMES = {
    "subventions": "Dossiers",
    "beneficiaires": "Bénéficiaires",
    "conventions": "Conventions",
    "deliberations": "Délibérations",
}


def _own_export(request, pk: int) -> ExportJob:
    """The export `pk`, for the user who asked for it, while that user may export."""
    allowed, reason = permissions.check("export", request.user)
    if not allowed:
        raise PermissionDenied(reason)
    job = get_object_or_404(ExportJob, pk=pk)
    if job.requested_by_id != request.user.pk:
        raise PermissionDenied(NOT_YOUR_EXPORT)
    return job


EXPORT_READY = "L'export est terminé : vous pouvez télécharger le fichier XLSX."


def _export_status(job: ExportJob) -> dict:
    return job_status(
        job,
        ready=job.status == ExportJobStatus.DONE,
        summary=f"{job.done} ligne{pluralize(job.done)} écrite{pluralize(job.done)} "
        f"sur {job.total}",
        bar_label=percent(job.percent, 0),
        ready_message=EXPORT_READY,
    )


@login_required
def export_job(request, pk: int):
    """The progress of a large export, following itself while it is built
    (static/js/job-progress.js), then its download link. An export whose worker was
    killed is said interrupted, and may be relaunched."""
    exports_service.fail_stale_jobs(ExportJob.objects.filter(pk=pk))
    job = _own_export(request, pk)
    return render(
        request,
        "subventions/export_job.html",
        {
            "job": job,
            "listing_name": JOB_NAMES.get(job.listing, job.listing),
            **_export_status(job),
            "status_url": reverse("subventions:export_job_status", args=[job.pk]),
            "page_url": reverse("subventions:export_job", args=[job.pk]),
            "download_url": reverse("subventions:export_job_file", args=[job.pk]),
            "download_label": "Télécharger le fichier XLSX",
            "progress_label": "Progression de l'export",
            "restart_url": reverse("subventions:export_job_restart", args=[job.pk]),
            "restart_label": "Relancer l'export",
        },
    )


EXPORT_RESTARTED = "L'export est relancé."


@login_required
@require_POST
def export_job_restart(request, pk: int):
    """Relaunch a failed or interrupted export, for the user who asked for it."""
    job = _own_export(request, pk)
    try:
        exports_service.export_job_restart(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, EXPORT_RESTARTED)
    return redirect("subventions:export_job", job.pk)


@login_required
def export_job_status(request, pk: int):
    """Where a large export stands, as JSON (its page polls it); for its requester only.
    An export whose worker was killed is said interrupted here too."""
    exports_service.fail_stale_jobs(ExportJob.objects.filter(pk=pk))
    return JsonResponse(_export_status(_own_export(request, pk)))


@login_required
def export_job_file(request, pk: int):
    """The XLSX of a finished export, streamed from the private storage."""
    job = _own_export(request, pk)
    if job.status != ExportJobStatus.DONE or not job.file:
        raise Http404(EXPORT_NOT_READY)
    try:
        handle = job.file.open("rb")
    except (OSError, ValueError):  # missing from the storage: said, never a 500
        messages.error(request, STORED_MISSING.format(what="Le fichier de l'export"))
        return redirect("subventions:export_job", job.pk)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{job.listing}.xlsx",
        content_type=exports.XLSX_TYPE,
    )
