"""The demo's history dated when its events happened (2019–2021), not on the day it was
loaded: each step of the demo runs inside `dated(when)`, and the history rows
(django-simple-history) and lifecycle log rows it wrote are then given that date."""

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone
from simple_history.models import HistoricalChanges

from core.models import TransitionLog


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A working hour of `day`, in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@contextmanager
def dated(when: datetime.datetime | datetime.date):
    """Rows of history written inside the block are dated `when`.

    Rows written before the block, including those of an inner `dated` block (already
    dated in the past), are left alone; a demo loaded twice writes nothing new.
    """
    if not isinstance(when, datetime.datetime):
        when = moment(when)
    start = timezone.now()
    yield
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            model.objects.filter(history_date__gte=start).update(history_date=when)
    TransitionLog.objects.filter(at__gte=start).update(at=when)
