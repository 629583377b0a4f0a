"""Large XLSX exports of the staff lists, built by a background task with its progress.

A list's XLSX of more than settings.SUBVENTIONS_EXPORT_SYNC_MAX_ROWS rows is not built
while the user waits: `listing_export` records an ExportJob (the list and its filters)
and hands it to a Celery task; the job's page shows the progress, then the download.
The file is kept in the private storage and served only to the user who asked, while
that user may still export (subventions.downloads). CSV always streams at once.

A worker killed in the middle of an export stops its progress: after
settings.SUBVENTIONS_BATCH_STALE_AFTER seconds without any, the job is marked failed with
a French message (when its page is looked at) and its user may relaunch it
(`export_job_restart`). The file is attached only once complete: a half-written XLSX is
never offered.
"""

import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import get_resolver
from django.utils import timezone

from core import exports, jobs
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
JOB_FAILED = "L'export n'a pas pu être produit : relancez-le ; si l'échec se répète, signalez-le."
JOB_STALE = (
    "L'export s'est interrompu : aucune progression depuis {minutes} minute{plural} "
    "({done} ligne{done_plural} écrite{done_plural} sur {total}). Relancez-le."
)
NOT_RESTARTABLE = "Seul un export en échec peut être relancé (il est « {status} »)."
ACTIVE = (ExportJobStatus.PENDING, ExportJobStatus.RUNNING)


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
        progressed_at=timezone.now(),
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: tasks.build_export.delay(job.pk))
    return job


def stale_jobs(queryset=None):
    """Exports pending or running without progress for SUBVENTIONS_BATCH_STALE_AFTER."""
    queryset = ExportJob.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=ACTIVE).filter(jobs.quiet_since(jobs.stale_limit()))


def fail_stale_jobs(queryset=None) -> list[ExportJob]:
    """Mark failed, with their French reason, the exports that stopped moving (a worker
    killed, or none running); their user may relaunch them. Returns them."""

    def save(job: ExportJob) -> None:
        job.full_clean()
        job.save(update_fields=["status", "error", "finished_at"])
        logger.warning("Export n° %s : %s", job.pk, job.error)

    return jobs.fail_stale(
        stale_jobs,
        ExportJob.objects.all() if queryset is None else queryset,
        failed_status=ExportJobStatus.FAILED,
        message=JOB_STALE,
        save=save,
    )


@transaction.atomic
def export_job_restart(*, job: ExportJob, user) -> ExportJob:
    """Build a failed or interrupted export again, from its list and filters as asked."""
    fail_stale_jobs(ExportJob.objects.filter(pk=job.pk))
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ExportJobStatus.FAILED:
        raise ValidationError(
            NOT_RESTARTABLE.format(status=job.get_status_display().lower()), code="status"
        )
    job.status, job.error, job.done = ExportJobStatus.PENDING, "", 0
    job.finished_at, job.progressed_at = None, timezone.now()
    job._history_user = user
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
    # Claimed by one worker: a pending job, or one whose worker was killed (running
    # without progress for too long, its message delivered again).
    claimable = Q(status=ExportJobStatus.PENDING) | (
        Q(status=ExportJobStatus.RUNNING) & jobs.quiet_since(jobs.stale_limit())
    )
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(claimable)
        .update(status=ExportJobStatus.RUNNING, done=0, progressed_at=timezone.now())
    )
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:  # already built, or being built by another worker
        return job
    try:
        listing = _listing(job.listing)
        queryset = listing.filterset(QueryDict(job.query), queryset=listing.rows()).qs
        # Read without read_ahead's transaction: the progress must commit as it is noted
        # (the page shows it, and it tells the other workers this job is alive).
        rows = exports.table_rows(queryset, listing.columns, ahead=False)
        headers = [column.header for column in listing.columns]

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=done, progressed_at=timezone.now())

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
    job.finished_at = job.progressed_at = timezone.now()
    job.full_clean()
    job.save(update_fields=["status", "done", "total", "file", "finished_at", "progressed_at"])
    return job
