"""Results of read-only queries cached under the version of the data they were read from.

On PostgreSQL every table of the project's own apps carries a trigger (installed after
each `migrate`, `install_triggers`) that adds a row to `core_data_change` in the
transaction that writes, at its commit (a deferred trigger, once per transaction). The
version of the data is the total weight of those rows: it grows with every commit, and
a commit's row becomes visible together with the rows it wrote. A result stored under
the version it was read at is therefore correct for any later request that reads the
same version, and never found again once anything has been committed. No invalidation
to forget: `update()`, raw SQL, the admin, another server or a Celery worker all move
the version alike. Transactions never wait on one another for it (each adds its own
row; now and then the rows are folded into one of the same weight). Tables outside the
project's apps (sessions, login attempts, second-factor devices) do not move it: no
cached result depends on them.

Nothing is cached when the current transaction has written (its own changes are not in
the version yet), nor on other databases (SQLite for development: computed each time).
The lists use it for their count, their page's keys, their rows' HTML and their filter
form (core.views.EdgePaginator), the dashboard for the year's figures.
"""

import hashlib
import os
import pickle
import secrets
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections

# The project's own apps (their code, their templates).
PROJECT_APPS = ("core", "subventions", "deliberations", "conventions", "pilotage", "metropole")
# Entries are keyed by version: they are never wrong, the timeout only frees the cache.
TIMEOUT = 300
PREFIX = "data-version"


def _code_salt() -> str:
    """A digest of the project's code and templates: in the keys of what depends on the
    code (rendered HTML, a query named by its request), so that servers running the same
    release share them, and a new release computes them anew."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    roots = [base / "templates", *(base / app for app in PROJECT_APPS)]
    try:
        for root in roots:
            for folder, dirs, files in sorted(os.walk(root)):
                dirs[:] = [name for name in dirs if name not in ("static", "__pycache__")]
                for name in sorted(files):
                    if name.endswith((".py", ".html")):
                        path = Path(folder, name)
                        digest.update(str(path.relative_to(base)).encode())
                        digest.update(path.read_bytes())
    except OSError:  # an unreadable tree: this process's own salt
        return secrets.token_hex(8)
    return digest.hexdigest()[:16]


CODE_SALT = _code_salt()

INSTALL = """
CREATE TABLE IF NOT EXISTS core_data_change (
    id bigserial PRIMARY KEY, weight bigint NOT NULL DEFAULT 1
);
CREATE OR REPLACE FUNCTION core_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    -- Once per transaction, however many rows it writes: a row of its own, which no other
    -- transaction waits on (an UPDATE of one counter would make the commits queue, and
    -- could deadlock with the foreign keys checked at commit).
    IF current_setting('core.data_changed', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('core.data_changed', txid_current()::text, true);
        INSERT INTO core_data_change DEFAULT VALUES RETURNING id INTO added;
        -- Now and then, the committed rows folded into one of the same total weight.
        IF added % 500 = 0 THEN
            WITH folded AS (DELETE FROM core_data_change WHERE id < added RETURNING weight)
            INSERT INTO core_data_change (weight)
                SELECT sum(weight) FROM folded HAVING count(*) > 0;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
"""
TABLE_TRIGGERS = """
DROP TRIGGER IF EXISTS core_data_changed ON {table};
CREATE CONSTRAINT TRIGGER core_data_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_data_changed();
DROP TRIGGER IF EXISTS core_data_truncated ON {table};
CREATE TRIGGER core_data_truncated AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION core_data_changed();
"""


def project_tables() -> list[str]:
    """The tables of the project's own apps (PROJECT_APPS), history included. Named by
    their package, not by where their code lies: the virtualenv may sit inside the
    project's folder (`make` creates `.venv` there), with Django's and the other
    libraries' apps under it."""
    return sorted(
        {
            model._meta.db_table
            for config in apps.get_app_configs()
            if config.name.split(".")[0] in PROJECT_APPS
            for model in config.get_models()
            if model._meta.managed and not model._meta.proxy
        }
    )


def install_triggers(using: str = "default", **kwargs) -> None:
    """The counter, its function, and the triggers on every table of the project's apps
    (after every `migrate`, once all apps are migrated: a new table gets its trigger at
    once). Idempotent."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(INSTALL)
        for table in project_tables():
            if table in existing:
                cursor.execute(TABLE_TRIGGERS.format(table=connection.ops.quote_name(table)))


def current_version(using: str = "default") -> str | None:
    """The version of the project's data as this request sees it, or None when nothing
    may be cached (not PostgreSQL, or this transaction has written)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(weight), 0)::bigint, pg_current_xact_id_if_assigned() IS NULL"
            " FROM core_data_change"
        )
        version, clean = cursor.fetchone()
    return f"{connection.settings_dict['NAME']}:{version}" if clean else None


def request_version(request) -> str | None:
    """`current_version()` read once for a read-only request (GET, HEAD), so that a page
    and the panels higher layers add to it (core.panels) share one query; read afresh on
    each call for a request that may write."""
    if request is None or request.method not in ("GET", "HEAD"):
        return current_version()
    if not hasattr(request, "_data_version"):
        request._data_version = current_version()
    return request._data_version


def queryset_key(queryset) -> str:
    """What identifies a queryset's result: its model, SQL and parameters, its prefetches."""
    sql, params = queryset.query.sql_with_params()
    prefetches = [
        getattr(lookup, "prefetch_to", lookup) for lookup in queryset._prefetch_related_lookups
    ]
    text = repr((queryset.model._meta.label, sql, params, prefetches))
    return hashlib.sha256(text.encode()).hexdigest()


def remember(version: str | None, key: str, compute: Callable[[], object]):
    """`compute()` for `key`, computed once under `version` (None: computed each time).
    The value may only depend on the key and on what the project's tables hold."""
    if version is None:
        return compute()
    digest = hashlib.sha256(f"{version}|{key}".encode()).hexdigest()
    stored = cache.get(f"{PREFIX}:{digest}")
    if stored is not None:
        return pickle.loads(stored)
    value = compute()
    # The version was read before computing: if a commit came in between, the value is
    # newer than its key, never older, and only requests that had read the same older
    # version (already under way) can find it.
    cache.set(f"{PREFIX}:{digest}", pickle.dumps(value), TIMEOUT)
    return value
