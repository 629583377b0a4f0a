"""The database keeps the money rule of subventions.payments even against a raw write:
the payments of a file never exceed what it is granted (awarded + signed amendments) —
neither by a payment nor by lowering what is granted — and its clawbacks never exceed what
was paid.

Triggers rather than a maintained total column with a CHECK: the totals stay where they
are computed today (SubsidyQuerySet.with_money), nothing can drift out of step, and the
rule reads as it is stated. On PostgreSQL the trigger row-locks the file before it sums,
and each statement of a PL/pgSQL function sees what was committed before it started
(READ COMMITTED), so two concurrent transactions cannot both slip under the amount.
SQLite writes one transaction at a time, so its triggers need no lock. SQLite sums
decimals as floats: a thousandth of a euro of tolerance absorbs their rounding, cents
being the smallest amount stored.
"""

from django.db import migrations

PAYMENT_ABOVE_GRANTED = "Les versements dépasseraient le montant accordé à la subvention."
CLAWBACK_ABOVE_PAID = "Les reversements dépasseraient ce qui a été versé pour la subvention."

GRANTED_BELOW_PAID = "Le montant accordé à la subvention passerait sous ce qui a déjà été versé."

PAYMENT = "subventions_payment_within_granted"
CLAWBACK = "subventions_clawback_within_paid"
GRANTED = "subventions_subsidy_granted_covers_paid"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _granted(ref: str) -> str:
    return (
        "(SELECT COALESCE(amount_awarded, 0) + amount_amended FROM subventions_subsidy "
        f"WHERE id = {ref}.subsidy_id)"
    )


def _paid(ref: str, *, but: str | None = None) -> str:
    other = f" AND id IS NOT {but}.id" if but else ""
    return (
        "(SELECT COALESCE(SUM(amount), 0) FROM subventions_payment "
        f"WHERE subsidy_id = {ref}.subsidy_id{other})"
    )


def _paid_of_subsidy() -> str:
    return "(SELECT COALESCE(SUM(amount), 0) FROM subventions_payment WHERE subsidy_id = NEW.id)"


def _clawed_back(ref: str, *, but: str | None = None) -> str:
    other = f" AND id IS NOT {but}.id" if but else ""
    return (
        "(SELECT COALESCE(SUM(amount), 0) FROM subventions_clawback "
        f"WHERE subsidy_id = {ref}.subsidy_id{other})"
    )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop_triggers(apps, schema_editor)
    if vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(
                f"CREATE TRIGGER {PAYMENT}_{event.lower()} BEFORE {event} ON subventions_payment "
                f"FOR EACH ROW WHEN {_paid('NEW', but='NEW')} + NEW.amount > "
                f"{_granted('NEW')} + 0.001 "
                f"BEGIN SELECT RAISE(ABORT, {_literal(PAYMENT_ABOVE_GRANTED)}); END;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {CLAWBACK}_{event.lower()} BEFORE {event} "
                f"ON subventions_clawback FOR EACH ROW "
                f"WHEN {_clawed_back('NEW', but='NEW')} + NEW.amount > {_paid('NEW')} + 0.001 "
                f"BEGIN SELECT RAISE(ABORT, {_literal(CLAWBACK_ABOVE_PAID)}); END;"
            )
        schema_editor.execute(
            f"CREATE TRIGGER {GRANTED}_update BEFORE UPDATE OF amount_awarded, amount_amended "
            f"ON subventions_subsidy FOR EACH ROW "
            f"WHEN {_paid_of_subsidy()} > COALESCE(NEW.amount_awarded, 0) + NEW.amount_amended "
            f"+ 0.001 BEGIN SELECT RAISE(ABORT, {_literal(GRANTED_BELOW_PAID)}); END;"
        )
    elif vendor == "postgresql":
        lock = "PERFORM 1 FROM subventions_subsidy WHERE id = NEW.subsidy_id FOR UPDATE;"
        checks = [
            (
                PAYMENT,
                "subventions_payment",
                f"{_paid('NEW', but='NEW')} + NEW.amount > {_granted('NEW')}",
                PAYMENT_ABOVE_GRANTED,
            ),
            (
                CLAWBACK,
                "subventions_clawback",
                f"{_clawed_back('NEW', but='NEW')} + NEW.amount > {_paid('NEW')}",
                CLAWBACK_ABOVE_PAID,
            ),
        ]
        # The file's own row: lowering what it is granted below what was paid.
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {GRANTED}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {_paid_of_subsidy()} > COALESCE(NEW.amount_awarded, 0) + "
            f"NEW.amount_amended THEN RAISE EXCEPTION {_literal(GRANTED_BELOW_PAID)} "
            f"USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {GRANTED} BEFORE UPDATE OF amount_awarded, amount_amended "
            f"ON subventions_subsidy FOR EACH ROW EXECUTE FUNCTION {GRANTED}();"
        )
        for name, table, condition, message in checks:
            condition = condition.replace("IS NOT", "IS DISTINCT FROM")
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {lock} IF {condition} THEN RAISE EXCEPTION {_literal(message)} "
                f"USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}();"
            )
    else:
        raise NotImplementedError(f"Triggers des versements non écrits pour la base « {vendor} ».")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table in ((PAYMENT, "subventions_payment"), (CLAWBACK, "subventions_clawback")):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {GRANTED} ON subventions_subsidy;")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {GRANTED}();")
    else:
        for name in (PAYMENT, CLAWBACK):
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {GRANTED}_update;")


class Migration(migrations.Migration):
    dependencies = [("subventions", "0008_stale_content_type")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
