"""Large XLSX exports of the staff lists, built by a background task with its progress.

A list's XLSX of more than settings.SUBVENTIONS_EXPORT_SYNC_MAX_ROWS rows is not built
while the user waits: `listing_export` records an ExportJob (the list and its filters)
and hands it to a Celery task; the job's page shows the progress, then the download.
The file is kept in the private storage and served only to the user who asked, while
that user may still export (subventions.downloads). CSV always streams at once.
"""

import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import get_resolver
from django.utils import timezone

from core import exports
from core.formatting import amount
from core.views import LISTINGS

from . import tasks
from .enums import ExportJobStatus
from .models import ExportJob

logger = logging.getLogger(__name__)

JOB_STARTED = (
    "L'export compte {rows} lignes : il est préparé en tâche de fond. Cette page montre sa "
    "progression, puis le lien de téléchargement."
)
UNKNOWN_LISTING = "Liste inconnue : « {listing} »."
JOB_FAILED = (
    "L'export n'a pas pu être produit : recommencez-le ; si l'échec se répète, signalez-le."
)


def listing_export(request, listing, fmt: str):
    """The export view of a list (`core.views.Listing`): CSV streamed, a small XLSX at
    once, a large one through a background ExportJob."""
    if fmt == "xlsx":
        filterset = listing.filtered(request)
        if not filterset.is_bound or filterset.is_valid():
            rows = filterset.qs.count()
            if rows > settings.SUBVENTIONS_EXPORT_SYNC_MAX_ROWS:
                job = export_job_create(
                    user=request.user, listing=listing.filename, query=request.GET, total=rows
                )
                messages.info(request, JOB_STARTED.format(rows=amount(rows)))
                return redirect("subventions:export_job", job.pk)
    return listing.export(request, fmt)


@transaction.atomic
def export_job_create(*, user, listing: str, query: QueryDict, total: int) -> ExportJob:
    """Record the export of `listing` filtered by `query` for `user`, and queue its
    building once the transaction commits."""
    job = ExportJob(
        listing=listing,
        query=query.urlencode(),
        format="xlsx",
        requested_by=user,
        total=total,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: tasks.build_export.delay(job.pk))
    return job


def _listing(name: str):
    if not LISTINGS:
        get_resolver().url_patterns  # noqa: B018 — imports the views, which declare the lists
    listing = LISTINGS.get(name)
    if listing is None:
        raise LookupError(UNKNOWN_LISTING.format(listing=name))
    return listing


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's XLSX (rows from a server-side cursor, openpyxl's write-only mode,
    a temporary file), noting its progress; then keep it in the private storage."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.PENDING).update(
        status=ExportJobStatus.RUNNING
    )
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:  # already built, or being built by another worker
        return job
    try:
        listing = _listing(job.listing)
        queryset = listing.filterset(QueryDict(job.query), queryset=listing.rows()).qs
        rows = exports.table_rows(queryset, listing.columns)
        headers = [column.header for column in listing.columns]

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=done)

        with tempfile.TemporaryFile() as target:
            written = exports.xlsx_write(target, listing.title, headers, rows, progress=progress)
            target.seek(0)
            job.file.save(f"{listing.filename}-{job.pk}.xlsx", File(target), save=False)
    except Exception:
        logger.exception("Export n° %s en échec", job_id)
        job.status = ExportJobStatus.FAILED
        job.error = JOB_FAILED
        job.finished_at = timezone.now()
        job.full_clean()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = ExportJobStatus.DONE
    job.done = job.total = written
    job.finished_at = timezone.now()
    job.full_clean()
    job.save(update_fields=["status", "done", "total", "file", "finished_at"])
    return job
