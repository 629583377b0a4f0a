"""Locking: optimistic locking of the edit forms, and the order of row locks.

Row locks are always taken in the same order, from the widest to the narrowest, so that
two transactions never wait on each other in a cycle (a deadlock): the container row
(the session, the subsidy), then the counter that numbers (core.models.Counter.lock),
then the numbered rows by primary key. `retry_on_conflict` replays a transaction that
PostgreSQL still aborted as a deadlock or a serialization failure, once.

Optimistic locking: no lost update when two people edit one row.

A form carries the version of the row it was drawn from (the id of the row's latest
history record: every save through the services writes one). On save, the row is locked
and its version compared: if someone saved in between, the second save is refused and
the first person's change stays.
"""

import functools
import logging

from django.db import OperationalError, connection
from django.db.models import Model
from django.utils import timezone

from core.formatting import long_date

logger = logging.getLogger(__name__)

# SQLSTATE of a deadlock and of a serialization failure (PostgreSQL).
CONFLICT_STATES = {"40P01", "40001"}


def version_of(instance: Model) -> str:
    latest = instance.history.order_by("-history_id").values_list("history_id", flat=True)
    return str(latest.first() or "")


def lock(instance: Model) -> Model:
    """The stored row, locked until the end of the transaction (the request's)."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def changed_since(instance: Model, version: str) -> dict | None:
    """Who changed the row, and when, since `version`; None when it did not change.

    Call inside the transaction that saves, after `lock()`.
    """
    current = version_of(instance)
    if current == version:
        return None
    record = instance.history.order_by("-history_id").select_related("history_user").first()
    user = record.history_user if record else None
    who = (user.get_full_name() or user.get_username()) if user else "une autre personne"
    when = record.history_date if record else None
    when_text = ""
    if when:
        local = timezone.localtime(when)
        when_text = f"{long_date(local.date())} à {local:%H:%M}"
    return {"who": who, "when": when_text}


def is_conflict(error: BaseException) -> bool:
    """Whether a database error is a deadlock or a serialization failure."""
    cause = getattr(error, "__cause__", None)
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in CONFLICT_STATES


def retry_on_conflict(func):
    """Run `func` again, once, when the database aborts it as a deadlock or serialization
    failure. Put it outside `transaction.atomic`: the failed attempt is rolled back (to its
    savepoint inside a request) before the second one starts."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except OperationalError as error:
            if not is_conflict(error) or connection.needs_rollback:
                raise
            logger.warning("%s: %s; replayed once", func.__qualname__, error)
            return func(*args, **kwargs)

    return wrapper
