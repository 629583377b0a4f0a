"""The subsidies app after the move to layers (docs/architecture.md):

- the named counters are core's now (core 0002 holds them; state only here);
- the log of the files' transitions joins the one log of every lifecycle (core's
  TransitionLog): each row is copied, with its date, then the table is dropped;
- the facts the higher layers decide are written on the file: the date its act became
  executory, the date both parties had signed its agreement, the sum of its signed
  amendments (filled for the existing files by deliberations 0002 and conventions 0011);
- the file's « objet » is named `purpose` (not after Python's builtin);
- the statuses are protected state machines (core.workflow.StatusField), each tied to
  what it stands for by a constraint;
- the amounts of a voted file are frozen by a trigger on its own status, no longer by one
  reading the deliberations' tables (conventions 0003 put it there; dropped here).
"""

import core.workflow
import django.db.models.expressions
import django.db.models.lookups
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

EDITABLE = "('brouillon', 'en_instruction', 'proposee')"
# Mirrors Subsidy.FROZEN_AFTER_VOTE.
FROZEN_COLUMNS = ["amount_requested", "amount_proposed", "amount_awarded", "year", "beneficiary_id"]
MESSAGE = (
    "Subvention votée : ses montants, son exercice et son bénéficiaire ne changent plus que "
    "par avenant."
)
TRIGGER = "subventions_subsidy_frozen_after_vote"
OLD_TRIGGER = "subventions_subsidy_frozen"


def _changed(distinct):
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in FROZEN_COLUMNS)


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF OLD.status NOT IN {EDITABLE} AND ({_changed('IS DISTINCT FROM')}) THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN NEW; END $$;"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON subventions_subsidy;")
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON subventions_subsidy "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER};")
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON subventions_subsidy FOR EACH ROW "
            f"WHEN OLD.status NOT IN {EDITABLE} AND ({_changed('IS NOT')}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    else:
        raise NotImplementedError(f"Trigger de gel non écrit pour la base « {vendor} ».")


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON subventions_subsidy;")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}();")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER};")


def drop_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {OLD_TRIGGER} ON subventions_subsidy;")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {OLD_TRIGGER}();")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {OLD_TRIGGER};")


# The trigger conventions 0003 created before this change, put back when it is unapplied.
OLD_MESSAGE = "Subvention accordée par une délibération adoptée : ses montants sont figés."
OLD_ADOPTED = (
    "EXISTS (SELECT 1 FROM conventions_deliberationsubsidy link "
    "JOIN conventions_deliberation deliberation ON deliberation.id = link.deliberation_id "
    "WHERE link.subsidy_id = OLD.id AND deliberation.status = 'adoptee')"
)


def create_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {OLD_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF ({_changed('IS DISTINCT FROM')}) AND {OLD_ADOPTED} THEN "
            f"RAISE EXCEPTION '{OLD_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN NEW; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {OLD_TRIGGER} BEFORE UPDATE ON subventions_subsidy "
            f"FOR EACH ROW EXECUTE FUNCTION {OLD_TRIGGER}();"
        )
    else:
        schema_editor.execute(
            f"CREATE TRIGGER {OLD_TRIGGER} BEFORE UPDATE ON subventions_subsidy FOR EACH ROW "
            f"WHEN ({_changed('IS NOT')}) AND {OLD_ADOPTED} "
            f"BEGIN SELECT RAISE(ABORT, '{OLD_MESSAGE}'); END;"
        )


def copy_transitions(apps, schema_editor):
    """Every row of the files' log into the one log, with its date, in its order."""
    SubsidyTransition = apps.get_model("subventions", "SubsidyTransition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    subsidy_type, _ = ContentType.objects.get_or_create(app_label="subventions", model="subsidy")
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=subsidy_type,
            object_id=row.subsidy_id,
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            user_id=row.user_id,
            at=row.at,
            comment=row.comment,
        )
        for row in SubsidyTransition.objects.order_by("at", "pk").iterator()
    )


def copy_transitions_back(apps, schema_editor):
    SubsidyTransition = apps.get_model("subventions", "SubsidyTransition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    rows = TransitionLog.objects.filter(
        content_type__app_label="subventions", content_type__model="subsidy"
    ).order_by("at", "pk")
    for row in rows.iterator():
        copy = SubsidyTransition.objects.create(
            subsidy_id=row.object_id,
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            user_id=row.user_id,
            comment=row.comment,
        )
        # `at` was auto_now_add: put the date back.
        SubsidyTransition.objects.filter(pk=copy.pk).update(at=row.at)
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('subventions', '0006_money_roles'),
        ('core', '0002_counter'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The counters: core's model now, on the same tables (core 0002).
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveField(
            model_name='historicalsequence',
            name='history_user',
        ),
        migrations.DeleteModel(
            name='Sequence',
        ),
        migrations.DeleteModel(
            name='HistoricalSequence',
        ),
        ]),
        # The files' log joins the one log, then its table goes.
        migrations.RunPython(copy_transitions, copy_transitions_back),
        migrations.RemoveField(
            model_name='subsidytransition',
            name='subsidy',
        ),
        migrations.RemoveField(
            model_name='subsidytransition',
            name='user',
        ),
        migrations.DeleteModel(
            name='SubsidyTransition',
        ),
        # Facts written on the file, protected statuses, constraints (the old trigger out of
        # the way first: SQLite rebuilds the table).
        migrations.RunPython(drop_old_trigger, create_old_trigger),
        migrations.AddField(
            model_name='historicalsubsidy',
            name='agreement_signed_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='convention signée par les deux parties le'),
        ),
        migrations.AddField(
            model_name='historicalsubsidy',
            name='amount_amended',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), editable=False, help_text='Compléments (positifs) et réductions (négatifs) des avenants signés.', max_digits=12, verbose_name='montant des avenants signés'),
        ),
        migrations.AddField(
            model_name='historicalsubsidy',
            name='executory_on',
            field=models.DateField(blank=True, editable=False, help_text="La date à laquelle la délibération qui l'accorde est devenue exécutoire.", null=True, verbose_name='accordée par un acte exécutoire le'),
        ),
        migrations.AddField(
            model_name='subsidy',
            name='agreement_signed_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='convention signée par les deux parties le'),
        ),
        migrations.AddField(
            model_name='subsidy',
            name='amount_amended',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), editable=False, help_text='Compléments (positifs) et réductions (négatifs) des avenants signés.', max_digits=12, verbose_name='montant des avenants signés'),
        ),
        migrations.AddField(
            model_name='subsidy',
            name='executory_on',
            field=models.DateField(blank=True, editable=False, help_text="La date à laquelle la délibération qui l'accorde est devenue exécutoire.", null=True, verbose_name='accordée par un acte exécutoire le'),
        ),
        # « objet »: named purpose, not after Python's builtin.
        migrations.RenameField(model_name='subsidy', old_name='object', new_name='purpose'),
        migrations.RenameField(model_name='historicalsubsidy', old_name='object', new_name='purpose'),
        migrations.AlterField(
            model_name='financialreport',
            name='status',
            field=core.workflow.StatusField(choices=[('attendu', 'Attendu'), ('recu', 'Reçu'), ('approuve', 'Approuvé'), ('rejete', 'Rejeté')], default='attendu', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicalfinancialreport',
            name='status',
            field=core.workflow.StatusField(choices=[('attendu', 'Attendu'), ('recu', 'Reçu'), ('approuve', 'Approuvé'), ('rejete', 'Rejeté')], default='attendu', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicalsubsidy',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('en_instruction', 'En instruction'), ('proposee', 'Proposée'), ('votee', 'Votée'), ('rejetee', 'Rejetée'), ('conventionnee', 'Conventionnée'), ('versee', 'Versée'), ('soldee', 'Soldée'), ('abandonnee', 'Abandonnée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='subsidy',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('en_instruction', 'En instruction'), ('proposee', 'Proposée'), ('votee', 'Votée'), ('rejetee', 'Rejetée'), ('conventionnee', 'Conventionnée'), ('versee', 'Versée'), ('soldee', 'Soldée'), ('abandonnee', 'Abandonnée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AddConstraint(
            model_name='subsidy',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ('votee', 'conventionnee', 'versee', 'soldee')), _negated=True), ('amount_awarded__isnull', False), _connector='OR'), name='subsidy_voted_has_its_amount', violation_error_message='Une subvention votée porte son montant attribué.'),
        ),
        migrations.AddConstraint(
            model_name='subsidy',
            constraint=models.CheckConstraint(condition=models.Q(('executory_on__isnull', True), ('status__in', ('votee', 'conventionnee', 'versee', 'soldee')), _connector='OR'), name='subsidy_executory_once_voted', violation_error_message='Seule une subvention votée est accordée par un acte exécutoire.'),
        ),
        migrations.AddConstraint(
            model_name='subsidy',
            constraint=models.CheckConstraint(condition=models.Q(('agreement_signed_on__isnull', True), ('status__in', ('votee', 'conventionnee', 'versee', 'soldee')), _connector='OR'), name='subsidy_agreement_signed_once_voted', violation_error_message='Seule une subvention votée a une convention signée.'),
        ),
        migrations.AddConstraint(
            model_name='subsidy',
            constraint=models.CheckConstraint(condition=models.Q(('amount_amended', 0), models.Q(('amount_awarded__isnull', False), django.db.models.lookups.GreaterThanOrEqual(django.db.models.expressions.CombinedExpression(models.F('amount_awarded'), '+', models.F('amount_amended')), 0)), _connector='OR'), name='subsidy_amended_not_below_zero', violation_error_message='Les avenants ne peuvent rendre le montant de la subvention négatif.'),
        ),
        # Last: SQLite rebuilt the table above, which drops its triggers.
        migrations.RunPython(create_trigger, drop_trigger),
    ]
