"""Database triggers that keep signed agreements and template versions as they are.

The services and the models' clean() refuse these changes with a French reason first;
the triggers are the last line, for code that bypasses both (QuerySet.update(), raw SQL).

- An agreement or amendment signed by the authority (en vigueur, close, résiliée) keeps
  every column except the beneficiary's signature, the internal note and a status that
  stays among the signed ones.
- A template version never changes its text; its articles never change, and none is
  added to a version an agreement was generated from.

Deletion is left to on_delete=RESTRICT (an agreement holds its template, an amendment its
agreement) rather than to triggers, which SQLite's flush would trip.

Caveat (SQLite): a later migration that rebuilds one of these tables drops its triggers;
tests/conventions/test_agreement_freezing.py then fails, and this SQL must be run again.
"""

from django.db import migrations

SIGNED = "('en_vigueur', 'close', 'resiliee')"
COMMON_COLUMNS = [
    "id", "authority_signatory_name", "authority_signatory_title", "sent_on",
    "authority_signed_on", "authority_signed_by_id", "signature_method", "generated_pdf",
    "generated_pdf_sha256", "signed_pdf", "signed_pdf_sha256", "created_at",
]
AGREEMENT_COLUMNS = COMMON_COLUMNS + [
    "number", "subsidy_id", "template_id", "start_date", "end_date",
]
AMENDMENT_COLUMNS = COMMON_COLUMNS + [
    "agreement_id", "number", "reason", "amount_change", "new_end_date",
]
TEMPLATE_COLUMNS = ["id", "name", "version", "title", "visas", "preamble", "created_at"]
ARTICLE_COLUMNS = ["id", "template_id", "position", "heading", "body"]

SIGNED_FROZEN = "Document signé par la collectivité : il ne peut plus être modifié."
TEMPLATE_FROZEN = "Version de modèle de convention : elle ne change plus, créez une version."

TRIGGERS = [
    ("conventions_agreement_frozen", "UPDATE", "conventions_agreement"),
    ("conventions_amendment_frozen", "UPDATE", "conventions_amendment"),
    ("conventions_agreementtemplate_frozen", "UPDATE", "conventions_agreementtemplate"),
    ("conventions_agreementarticle_frozen", "UPDATE", "conventions_agreementarticle"),
    ("conventions_agreementarticle_frozen_insert", "INSERT", "conventions_agreementarticle"),
]


def changed(columns, distinct):
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


def conditions(distinct):
    def signed(columns):
        return (
            f"OLD.status IN {SIGNED} AND ({changed(columns, distinct)} "
            f"OR NEW.status NOT IN {SIGNED})"
        )

    used = (
        "EXISTS (SELECT 1 FROM conventions_agreement agreement "
        "WHERE agreement.template_id = NEW.template_id)"
    )
    return [
        (signed(AGREEMENT_COLUMNS), SIGNED_FROZEN),
        (signed(AMENDMENT_COLUMNS), SIGNED_FROZEN),
        (changed(TEMPLATE_COLUMNS, distinct), TEMPLATE_FROZEN),
        (changed(ARTICLE_COLUMNS, distinct), TEMPLATE_FROZEN),
        (used, TEMPLATE_FROZEN),
    ]


def sqlite_statements():
    return [
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        for (name, event, table), (when, message) in zip(TRIGGERS, conditions("IS NOT"))
    ]


def postgresql_statements():
    statements = []
    for (name, event, table), (when, message) in zip(TRIGGERS, conditions("IS DISTINCT FROM")):
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {when} THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN NEW; END $$;",
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}();",
        ]
    return statements


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
    for name, _event, table in TRIGGERS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("conventions", "0004_agreements")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
