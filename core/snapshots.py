"""Results of read-only queries cached under the database snapshot they were read in.

On PostgreSQL, `pg_current_snapshot()` names exactly which transactions a statement sees:
two statements with the same snapshot see the same rows of every table. A result stored
under the snapshot it was computed in is therefore correct for any later request that
finds the same snapshot, and never found again once anything has been committed (a
committed write changes every later snapshot). No invalidation to forget: `update()`,
raw SQL, the admin, another server or a Celery worker all move the snapshot alike.

Nothing is cached when the current transaction has written (its own changes are not in
its snapshot's name), nor on other databases (SQLite for development: computed each
time). The lists use it for their count and their page's rows (core.views.EdgePaginator):
paging through a list, or several agents reading it between two saves, reads the
table once.
"""

import hashlib
import pickle
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet

# Entries are keyed by snapshot: they are never wrong, the timeout only frees the cache.
TIMEOUT = 300
PREFIX = "snapshot-cache"


def current_snapshot(using: str = "default") -> str | None:
    """The database snapshot of the next statement, or None when nothing may be cached
    (not PostgreSQL, or this transaction has written)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NULL"
        )
        snapshot, clean = cursor.fetchone()
    return f"{connection.settings_dict['NAME']}:{snapshot}" if clean else None


def queryset_key(queryset: QuerySet, *parts) -> str:
    """What identifies a queryset's result: its model, SQL and parameters, its prefetches."""
    sql, params = queryset.query.sql_with_params()
    prefetches = [
        getattr(lookup, "prefetch_to", lookup) for lookup in queryset._prefetch_related_lookups
    ]
    text = repr((queryset.model._meta.label, sql, params, prefetches, parts))
    return hashlib.sha256(text.encode()).hexdigest()


def cached(queryset: QuerySet, compute: Callable[[], object], *parts, snapshot=None):
    """`compute()`, or its result read under the same snapshot before. `snapshot`: one
    read by the caller just before (core.views.EdgePaginator reads one per page)."""
    snapshot = snapshot or current_snapshot(queryset.db)
    if snapshot is None:
        return compute()
    return remember(snapshot, queryset_key(queryset, *parts), compute)


def remember(snapshot: str | None, key: str, compute: Callable[[], object]):
    """`compute()` for `key`, computed once under `snapshot` (None: computed each time).
    The value may only depend on the key and on what the database holds."""
    if snapshot is None:
        return compute()
    digest = hashlib.sha256(f"{snapshot}|{key}".encode()).hexdigest()
    stored = cache.get(f"{PREFIX}:{digest}")
    if stored is not None:
        return pickle.loads(stored)
    value = compute()
    # The snapshot was read before computing: if a commit came in between, the value is
    # newer than its key, never older, and only requests that had read the same older
    # snapshot (already under way) can find it.
    cache.set(f"{PREFIX}:{digest}", pickle.dumps(value), TIMEOUT)
    return value
