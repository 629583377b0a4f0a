"""Background jobs that stopped moving: a worker killed in the middle leaves its job
« en cours » with no one to finish it. A job carries the time of its last progress
(`progressed_at`, else its `created_at`); one quiet for longer than
settings.SUBVENTIONS_BATCH_STALE_AFTER seconds is stale: it is marked failed, with a
French message, and its user may start it again."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone


def stale_limit() -> datetime.datetime:
    """The moment before which a job without progress counts as interrupted."""
    return timezone.now() - datetime.timedelta(seconds=settings.SUBVENTIONS_BATCH_STALE_AFTER)


def quiet_since(limit: datetime.datetime) -> Q:
    """Rows whose last sign of life is older than `limit`."""
    return Q(progressed_at__lt=limit) | Q(progressed_at__isnull=True, created_at__lt=limit)


def quiet_minutes(job) -> int:
    """How long, in whole minutes (at least one), the job has been quiet."""
    last = job.progressed_at or job.created_at
    return max(1, round((timezone.now() - last).total_seconds() / 60))


def fail_stale(
    stale: Callable[[QuerySet], QuerySet],
    queryset: QuerySet,
    *,
    failed_status: str,
    message: str,
    save: Callable[[object], None],
) -> list:
    """Mark failed the jobs of `queryset` that `stale` finds, each under its row's lock and
    checked again there (it may have moved meanwhile), with `message` (formatted with
    minutes, plural, done, done_plural, total) as its error; `save` writes it (and logs
    it). Returns them."""
    model = queryset.model
    failed = []
    for pk in stale(queryset).values_list("pk", flat=True):
        with transaction.atomic():
            job = model.objects.select_for_update().get(pk=pk)
            if not stale(model.objects.filter(pk=pk)).exists():
                continue  # it moved meanwhile
            minutes = quiet_minutes(job)
            job.status = failed_status
            job.error = message.format(
                minutes=minutes,
                plural="s" if minutes > 1 else "",
                done=job.done,
                done_plural="s" if job.done > 1 else "",
                total=job.total,
            )
            job.finished_at = timezone.now()
            save(job)
            failed.append(job)
    return failed
