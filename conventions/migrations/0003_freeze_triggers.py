"""Database triggers that keep a voted deliberation frozen, even against QuerySet.update().

The services and the models' clean() refuse these changes with a French reason first;
the triggers are the last line, for code that bypasses both. SQL differs between SQLite
and PostgreSQL, so it is chosen by the connection's vendor.

Deletion is refused by a pre_delete signal (conventions.signals), not by a trigger:
SQLite's `flush` deletes rows one table at a time and would trip a DELETE trigger.

Caveat (SQLite): a later migration that rebuilds one of these tables drops their
triggers; tests/deliberations/test_freezing.py then fails, and this migration's SQL must
be run again from the new migration (deliberations 0002 does).

The amounts of a voted subsidy were frozen here too, by a trigger on subventions_subsidy
that read these tables: the subsidies app now freezes them by the file's own status
(subventions 0007, which drops the trigger this migration created on older databases).
"""

from django.db import migrations

FROZEN = "('adoptee', 'rejetee')"
# Every column of the deliberation except the executory date and the PDF certified with it.
DELIBERATION_COLUMNS = [
    "id", "number", "session_id", "policy_area_id", "title", "preamble", "context",
    "partnership_description", "previous_year_activity", "axes_introduction", "status",
    "unanimous", "votes_for", "votes_against", "abstentions", "non_participants",
    "voted_at", "voted_by_id", "text", "html", "note", "created_at",
]
EXECUTORY_COLUMNS = ["executory_date", "pdf", "pdf_sha256"]

DELIBERATION_FROZEN = "Délibération votée : elle ne peut plus être modifiée."
LINKS_FROZEN = "Délibération votée : ses subventions ne peuvent plus changer."

TRIGGERS = [
    "conventions_deliberation_frozen",
    "conventions_deliberationsubsidy_frozen_insert",
    "conventions_deliberationsubsidy_frozen_update",
]


def changed(columns, distinct):
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


def deliberation_changed(distinct):
    # The executory columns change once, together: the date set and the PDF certified.
    setting_executory = "(OLD.executory_date IS NULL AND NEW.executory_date IS NOT NULL)"
    return (
        f"({changed(DELIBERATION_COLUMNS, distinct)} OR (NOT {setting_executory} AND "
        f"({changed(EXECUTORY_COLUMNS, distinct)})))"
    )


def status_of(ref):
    return f"(SELECT status FROM conventions_deliberation WHERE id = {ref}.deliberation_id)"


def sqlite_statements():
    def trigger(name, event, table, when, message):
        return (
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )

    return [
        trigger(
            TRIGGERS[0], "UPDATE", "conventions_deliberation",
            f"OLD.status IN {FROZEN} AND {deliberation_changed('IS NOT')}", DELIBERATION_FROZEN,
        ),
        trigger(
            TRIGGERS[1], "INSERT", "conventions_deliberationsubsidy",
            f"{status_of('NEW')} IN {FROZEN}", LINKS_FROZEN,
        ),
        trigger(
            TRIGGERS[2], "UPDATE", "conventions_deliberationsubsidy",
            f"{status_of('NEW')} IN {FROZEN} OR {status_of('OLD')} IN {FROZEN}", LINKS_FROZEN,
        ),
    ]


def postgresql_statements():
    def trigger(name, event, table, condition, message):
        returned = "NEW"
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {condition} THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN {returned}; END $$;",
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}();",
        ]

    return [
        *trigger(
            TRIGGERS[0], "UPDATE", "conventions_deliberation",
            f"OLD.status IN {FROZEN} AND {deliberation_changed('IS DISTINCT FROM')}",
            DELIBERATION_FROZEN,
        ),
        *trigger(
            TRIGGERS[1], "INSERT", "conventions_deliberationsubsidy",
            f"{status_of('NEW')} IN {FROZEN}", LINKS_FROZEN,
        ),
        *trigger(
            TRIGGERS[2], "UPDATE", "conventions_deliberationsubsidy",
            f"{status_of('NEW')} IN {FROZEN} OR {status_of('OLD')} IN {FROZEN}", LINKS_FROZEN,
        ),
    ]


TABLES = [
    "conventions_deliberation",
    "conventions_deliberationsubsidy",
    "conventions_deliberationsubsidy",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = sqlite_statements()
    elif vendor == "postgresql":
        statements = postgresql_statements()
    else:
        raise NotImplementedError(f"Triggers de gel non écrits pour la base « {vendor} ».")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table in zip(TRIGGERS, TABLES):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0002_roles"),
        ("subventions", "0003_cofunding_is_total"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
