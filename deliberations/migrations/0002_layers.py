"""Deliberations after the move to layers: the status a protected state machine, a voted
act tied to its vote by a constraint, the free sections defined once (with the file's);
the date each adopted act became executory written on the files it grants (the subsidies
app reads it there); the freezing triggers made again, since SQLite rebuilt the table.
"""

import core.workflow
from django.conf import settings
from django.db import migrations, models

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
# (name, event, table): those of conventions 0003 but the subsidies' (subventions 0007).
TRIGGERS = [
    ("conventions_deliberation_frozen", "UPDATE", "conventions_deliberation"),
    ("conventions_deliberationsubsidy_frozen_insert", "INSERT", "conventions_deliberationsubsidy"),
    ("conventions_deliberationsubsidy_frozen_update", "UPDATE", "conventions_deliberationsubsidy"),
]


def _changed(columns, distinct):
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


def _conditions(distinct):
    # The executory columns change once, together: the date set and the PDF certified.
    setting_executory = "(OLD.executory_date IS NULL AND NEW.executory_date IS NOT NULL)"
    deliberation = (
        f"OLD.status IN {FROZEN} AND ({_changed(DELIBERATION_COLUMNS, distinct)} OR (NOT "
        f"{setting_executory} AND ({_changed(EXECUTORY_COLUMNS, distinct)})))"
    )

    def status_of(ref):
        return f"(SELECT status FROM conventions_deliberation WHERE id = {ref}.deliberation_id)"

    return [
        (deliberation, DELIBERATION_FROZEN),
        (f"{status_of('NEW')} IN {FROZEN}", LINKS_FROZEN),
        (f"{status_of('NEW')} IN {FROZEN} OR {status_of('OLD')} IN {FROZEN}", LINKS_FROZEN),
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"Triggers de gel non écrits pour la base « {vendor} ».")
    distinct = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    drop_triggers(apps, schema_editor)
    for (name, event, table), (condition, message) in zip(
        TRIGGERS, _conditions(distinct), strict=True
    ):
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
        else:
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF {condition} THEN RAISE EXCEPTION '{message}' "
                f"USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}();"
            )


def drop_triggers(apps, schema_editor):
    for name, _event, table in TRIGGERS:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


def write_executory_dates(apps, schema_editor):
    """Each file granted by an adopted, executory act: the act's executory date."""
    Deliberation = apps.get_model("deliberations", "Deliberation")
    Subsidy = apps.get_model("subventions", "Subsidy")
    adopted = Deliberation.objects.filter(status="adoptee", executory_date__isnull=False)
    for deliberation in adopted.order_by("executory_date", "pk"):
        Subsidy.objects.filter(
            deliberations=deliberation, executory_on__isnull=True
        ).update(executory_on=deliberation.executory_date)


def forget_executory_dates(apps, schema_editor):
    apps.get_model("subventions", "Subsidy").objects.update(executory_on=None)


class Migration(migrations.Migration):

    dependencies = [
        ('deliberations', '0001_initial'),
        ('subventions', '0007_layers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First: SQLite rebuilds the table below, which a trigger reading it would break.
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AlterField(
            model_name='deliberation',
            name='axes_introduction',
            field=models.TextField(blank=True, help_text="Par exemple « Pour 2021, le programme de travail de l'APES s'organisera autour des cinq thèmes de travail suivants : »", verbose_name="phrase d'introduction des axes"),
        ),
        migrations.AlterField(
            model_name='deliberation',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('adoptee', 'Adoptée'), ('rejetee', 'Rejetée'), ('retiree', 'Retirée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicaldeliberation',
            name='axes_introduction',
            field=models.TextField(blank=True, help_text="Par exemple « Pour 2021, le programme de travail de l'APES s'organisera autour des cinq thèmes de travail suivants : »", verbose_name="phrase d'introduction des axes"),
        ),
        migrations.AlterField(
            model_name='historicaldeliberation',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('adoptee', 'Adoptée'), ('rejetee', 'Rejetée'), ('retiree', 'Retirée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AddConstraint(
            model_name='deliberation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ('adoptee', 'rejetee')), _negated=True), ('voted_at__isnull', False), _connector='OR'), name='deliberation_voted_has_its_vote', violation_error_message='Une délibération votée porte la date de son vote.'),
        ),
        migrations.RunPython(write_executory_dates, forget_executory_dates),
        # Last: SQLite rebuilt the table above, which drops its triggers.
        migrations.RunPython(create_triggers, drop_triggers),
    ]
