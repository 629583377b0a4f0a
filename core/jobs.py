"""Background jobs that stopped moving: a worker killed in the middle leaves its job
« en cours » with no one to finish it. A job carries the time of its last progress
(`progressed_at`, else its `created_at`); one quiet for longer than
settings.SUBVENTIONS_BATCH_STALE_AFTER seconds is stale: it is marked failed, with a
French message, and its user may start it again."""

import datetime

from django.conf import settings
from django.db.models import Q
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
