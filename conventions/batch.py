"""« Générer toutes les conventions de la séance »: the batch job and the work it does.

`batch_job_start` records the job with one item per subsidy and, once the transaction
commits (so that a worker always finds the rows), queues one Celery task per item (a
group: several workers share the work). Each task is acknowledged late: a worker killed
in the middle leaves its message to be delivered again, and every task is idempotent —
its item is locked, an item already done is left alone, and an agreement is created only
when the subsidy has none (the subsidy is locked and the agreement unique per subsidy).

The job's counts are recomputed from its items after each one (never incremented, so a
second delivery counts once); the last item finishes the job. A job without progress
for `SUBVENTIONS_BATCH_STALE_AFTER` seconds is marked failed (`fail_stale_jobs`: run when
someone looks at a job or starts one, and periodically by Celery beat) and can be
restarted (`batch_job_restart`), which queues only what is missing.
"""

import datetime
import logging

from celery import group, shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import workflow
from core.formatting import euros, percent
from core.locking import retry_on_conflict
from deliberations.enums import DeliberationStatus
from deliberations.models import DeliberationSubsidy, Session
from subventions.models import Subsidy

from . import rendering, services
from .enums import BatchItemOutcome, BatchJobStatus
from .models import Agreement, BatchItem, BatchJob
from .permissions import can_generate_agreements

logger = logging.getLogger(__name__)

JOB_RUNNING = "Une génération des conventions de cette séance est déjà en cours."
NOTHING_TO_GENERATE = (
    "Aucune subvention de cette séance n'appelle de convention : il faut une délibération "
    "adoptée accordant plus de {threshold} (ou une convention déjà préparée)."
)
UNEXPECTED = "{subsidy} : erreur inattendue ({error}) ; l'équipe technique est prévenue."
STALE = (
    "Traitement interrompu : aucune progression depuis {minutes} minute{plural} "
    "({done} sur {total} traités). Reprenez-le pour générer ce qui manque."
)
NOT_RESTARTABLE = "Seul un traitement interrompu ou terminé avec des erreurs peut être repris."
RESTARTED = "Reprise : {missing} subvention{plural} à traiter."

ACTIVE = (BatchJobStatus.PENDING, BatchJobStatus.RUNNING)


def session_agreement_subsidies(session: Session) -> list[Subsidy]:
    """The subsidies of the session's adopted deliberations that require an agreement or
    already have one, in the order of the agenda."""
    links = (
        DeliberationSubsidy.objects.filter(
            deliberation__session=session, deliberation__status=DeliberationStatus.ADOPTED
        )
        .select_related("subsidy__beneficiary")
        .order_by("deliberation__number", "position", "pk")
    )
    subsidies = [link.subsidy for link in links]
    with_agreement = set(
        Agreement.objects.filter(subsidy__in=subsidies).values_list("subsidy_id", flat=True)
    )
    return [s for s in subsidies if s.requires_agreement or s.pk in with_agreement]


def running_job(session: Session) -> BatchJob | None:
    return session.batch_jobs.filter(status__in=ACTIVE).order_by("-created_at").first()


# Launching, restarting, queueing


@transaction.atomic
def batch_job_start(*, session: Session, user) -> BatchJob:
    """Record the job and its items, and queue them (run at once when Celery is eager)."""
    allowed, reason = can_generate_agreements(user, session)
    if not allowed:
        raise ValidationError(reason, code="permission")
    session = Session.objects.select_for_update().get(pk=session.pk)
    fail_stale_jobs(session.batch_jobs.all())
    if running_job(session) is not None:
        raise ValidationError(JOB_RUNNING, code="running")
    subsidies = session_agreement_subsidies(session)
    if not subsidies:
        threshold = euros(settings.AGREEMENT_THRESHOLD)
        raise ValidationError(NOTHING_TO_GENERATE.format(threshold=threshold), code="empty")
    job = BatchJob(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=session,
        total=len(subsidies),
        created_by=user,
    )
    job._history_user = user
    job.save()
    _create_items(job, subsidies, user)
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def _create_items(job: BatchJob, subsidies: list[Subsidy], user) -> None:
    items = [
        BatchItem(job=job, subsidy=subsidy, position=position)
        for position, subsidy in enumerate(subsidies, start=1)
    ]
    bulk_create_with_history(items, BatchItem, default_user=user)


@transaction.atomic
def batch_job_restart(*, job: BatchJob, user) -> BatchJob:
    """Restart a job interrupted or finished with errors: its items not done (and those in
    error) are queued again; the agreements already generated are not touched."""
    allowed, reason = can_generate_agreements(user, job.session)
    if not allowed:
        raise ValidationError(reason, code="permission")
    session = Session.objects.select_for_update().get(pk=job.session_id)
    fail_stale_jobs(session.batch_jobs.all())
    job = BatchJob.objects.select_for_update().get(pk=job.pk)
    if job.status != BatchJobStatus.FAILED:
        raise ValidationError(NOT_RESTARTABLE, code="status")
    other = running_job(session)
    if other is not None:
        raise ValidationError(JOB_RUNNING, code="running")
    if not job.items.exists():  # a job launched before items existed
        _create_items(job, session_agreement_subsidies(session), user)
    for item in job.items.filter(outcome=BatchItemOutcome.ERROR):
        item.outcome, item.error, item.done_at = BatchItemOutcome.PENDING, "", None
        item._history_user = user
        item.save()
    missing = job.items.filter(outcome=BatchItemOutcome.PENDING).count()
    comment = RESTARTED.format(missing=missing, plural="s" if missing > 1 else "")
    workflow.apply(job, "restart", user, comment=comment)
    _recount(job.pk)
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Queue one task per item still to do (a Celery group); with nothing left to do,
    finish the job. A broker that cannot be reached leaves the job pending: the stale
    check marks it failed, and it can be restarted."""
    pending = list(
        BatchItem.objects.filter(job_id=job_id, outcome=BatchItemOutcome.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    if not pending:
        _recount(job_id)
        return
    try:
        group(generate_batch_item.si(pk) for pk in pending).apply_async()
    except Exception:  # the broker is down: the job is left for the stale check
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.exception("Batch job %s could not be queued", job_id)


# One item


def _start(job_id: int) -> None:
    """Pending → running, once, by the first task to run (logged as a transition)."""
    if not BatchJob.objects.filter(pk=job_id, status=BatchJobStatus.PENDING).exists():
        return  # the usual case: no lock on the job row for every subsidy
    with transaction.atomic():
        job = BatchJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.status == BatchJobStatus.PENDING:
            workflow.apply(job, "start", job.created_by)


@retry_on_conflict
def _prepare(item_id: int) -> tuple[BatchItem, Agreement | None]:
    """Under the item's lock: the subsidy's agreement, created when it has none.

    The creation commits before the PDF is built, so that the counter that numbers the
    agreements is locked for milliseconds, not for a rendering: workers run in parallel.
    """
    with transaction.atomic():
        item = (
            BatchItem.objects.select_for_update()
            .select_related("job__created_by", "subsidy")
            .get(pk=item_id)
        )
        if item.outcome != BatchItemOutcome.PENDING:
            return item, None
        agreement = Agreement.objects.filter(subsidy_id=item.subsidy_id).first()
        if agreement is None:
            agreement = services.agreement_create(subsidy=item.subsidy, user=item.job.created_by)
            item.agreement, item.created_agreement = agreement, True
            item._history_user = item.job.created_by
            item.save()
        return item, agreement


def _record(item_id: int, outcome: str, *, agreement=None, error: str = "") -> None:
    """The item's outcome, written once: a second delivery finds it done."""
    with transaction.atomic():
        item = BatchItem.objects.select_for_update().select_related("job").get(pk=item_id)
        if item.outcome != BatchItemOutcome.PENDING:
            return
        item.outcome, item.error, item.done_at = outcome, error, timezone.now()
        if agreement is not None:
            item.agreement = agreement
        item._history_user = item.job.created_by
        item.save()


def generate_item(item_id: int) -> str:
    """Do one item: create the subsidy's agreement if it has none, then build its PDF (a
    signed agreement is never touched). Returns the item's outcome; an item already done
    is left as it is."""
    item = BatchItem.objects.filter(pk=item_id).select_related("subsidy").first()
    if item is None:  # the job was deleted
        return ""
    if item.outcome != BatchItemOutcome.PENDING:
        return item.outcome
    _start(item.job_id)
    try:
        item, agreement = _prepare(item_id)
        if agreement is not None:
            if agreement.is_frozen:
                outcome = BatchItemOutcome.SKIPPED
            else:
                # The PDF of an unsigned agreement is built from the current data whenever
                # it is downloaded; building it here checks that it renders.
                rendering.build_pdf(agreement)
                created = item.created_agreement
                outcome = BatchItemOutcome.CREATED if created else BatchItemOutcome.REGENERATED
            _record(item_id, outcome, agreement=agreement)
    except ValidationError as refusal:
        _record(
            item_id,
            BatchItemOutcome.ERROR,
            error=f"{item.subsidy.reference} : {' '.join(refusal.messages)}",
        )
    except Exception as error:  # one bad file must not stop the others
        logger.exception("Agreement of %s failed in batch job %s", item.subsidy, item.job_id)
        _record(
            item_id,
            BatchItemOutcome.ERROR,
            error=UNEXPECTED.format(subsidy=item.subsidy.reference, error=type(error).__name__),
        )
    _recount(item.job_id)
    return BatchItem.objects.values_list("outcome", flat=True).get(pk=item_id)


@shared_task(
    name="conventions.generate_batch_item",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def generate_batch_item(item_id: int) -> str:
    """One subsidy of « générer toutes les conventions de la séance »."""
    return generate_item(item_id)


@shared_task(name="conventions.tasks.generate_session_agreements", ignore_result=True)
def generate_session_agreements(job_id: int) -> None:
    """A message queued before the jobs had items: queue the job's items instead."""
    job = BatchJob.objects.get(pk=job_id)
    with transaction.atomic():
        if not job.items.exists():
            _create_items(job, session_agreement_subsidies(job.session), job.created_by)
            BatchJob.objects.filter(pk=job.pk).update(total=job.items.count())
    dispatch(job_id)


# Progress, computed from the items


def _recount(job_id: int) -> None:
    """The job's counts from its items; the last item finishes the job (once)."""
    with transaction.atomic():
        job = BatchJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        items = job.items.all()
        counts = items.aggregate(
            total=Count("pk"),
            done=Count("pk", filter=~Q(outcome=BatchItemOutcome.PENDING)),
            created=Count("pk", filter=Q(outcome=BatchItemOutcome.CREATED)),
            skipped=Count("pk", filter=Q(outcome=BatchItemOutcome.SKIPPED)),
        )
        errors = list(
            items.filter(outcome=BatchItemOutcome.ERROR)
            .order_by("position")
            .values_list("error", flat=True)
        )
        if counts["total"] == 0:  # a job launched before items existed
            return
        BatchJob.objects.filter(pk=job.pk).update(
            **counts, errors=errors, progressed_at=timezone.now()
        )
        job.refresh_from_db()
        if job.done < job.total:
            return
        # A transition: the job's history and the transition log keep its outcome, on
        # behalf of the user who launched it (the task itself has no request).
        if job.status == BatchJobStatus.RUNNING:
            workflow.apply(job, "fail" if errors else "finish", job.created_by)
        elif job.status == BatchJobStatus.FAILED and not errors:
            # Marked interrupted, then completed by messages delivered again.
            workflow.apply(job, "finish", job.created_by)


def stale_jobs(queryset=None):
    """Jobs pending or running without progress for SUBVENTIONS_BATCH_STALE_AFTER."""
    limit = timezone.now() - datetime.timedelta(seconds=settings.SUBVENTIONS_BATCH_STALE_AFTER)
    queryset = BatchJob.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=ACTIVE).filter(
        Q(progressed_at__lt=limit) | Q(progressed_at__isnull=True, created_at__lt=limit)
    )


def fail_stale_jobs(queryset=None) -> list[BatchJob]:
    """Mark failed (restartable) the jobs that stopped moving: a worker killed, or none
    running. Returns them."""
    failed = []
    for pk in stale_jobs(queryset).values_list("pk", flat=True):
        with transaction.atomic():
            job = BatchJob.objects.select_for_update().select_related("created_by").get(pk=pk)
            if not stale_jobs(BatchJob.objects.filter(pk=pk)).exists():
                continue  # it moved meanwhile
            minutes = max(1, round((timezone.now() - job.last_activity).total_seconds() / 60))
            comment = STALE.format(
                minutes=minutes, plural="s" if minutes > 1 else "", done=job.done, total=job.total
            )
            workflow.apply(job, "fail", job.created_by, comment=comment)
            logger.warning("Batch job %s: %s", job.pk, comment)
            failed.append(job)
    return failed


@shared_task(name="conventions.fail_stale_batch_jobs", ignore_result=True)
def fail_stale_batch_jobs() -> int:
    """Periodic (Celery beat): mark failed the jobs that stopped moving."""
    return len(fail_stale_jobs())


def interruption(job: BatchJob) -> str:
    """Why an interrupted job stopped (the comment of its last « fail »), or ""."""
    if not job.is_interrupted:
        return ""
    last = job.transitions.filter(action="fail").order_by("-at", "-pk").first()
    return last.comment if last else ""


def job_status(job: BatchJob) -> dict:
    """What the progress bar shows (the JSON status view)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.state_label,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "skipped": job.skipped,
        "percent": job.percent,
        "percent_label": percent(job.percent, 0),
        "finished": job.is_finished,
        "interrupted": job.is_interrupted,
        "summary": job.summary,
        "errors": job.errors,
    }
