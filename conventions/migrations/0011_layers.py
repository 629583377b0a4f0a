"""Agreements, amendments and batch jobs after the move to layers: their statuses protected
state machines, each tied to its date by a constraint (sent on, signed by the beneficiary
on, finished at); what the agreements decided written on their files (the date both
parties had signed, the sum of the signed amendments), which the subsidies app reads;
the freezing triggers of conventions 0005 made again, since SQLite rebuilt the tables.
"""

import importlib

import core.workflow
from django.conf import settings
from django.db import migrations, models
from django.db.models import Sum

# The triggers' SQL as conventions 0005 wrote it (the same app's history).
FREEZING = importlib.import_module("conventions.migrations.0005_agreement_freeze_triggers")


def remake_triggers(apps, schema_editor):
    FREEZING.drop_triggers(apps, schema_editor)
    FREEZING.create_triggers(apps, schema_editor)


def write_agreement_facts(apps, schema_editor):
    """Each file: the day both parties had signed its agreement, its signed amendments."""
    Agreement = apps.get_model("conventions", "Agreement")
    Amendment = apps.get_model("conventions", "Amendment")
    Subsidy = apps.get_model("subventions", "Subsidy")
    signed = Agreement.objects.filter(
        authority_signed_on__isnull=False, beneficiary_signed_on__isnull=False
    )
    for agreement in signed:
        day = max(agreement.authority_signed_on, agreement.beneficiary_signed_on)
        Subsidy.objects.filter(pk=agreement.subsidy_id).update(agreement_signed_on=day)
    amended = (
        Amendment.objects.filter(authority_signed_on__isnull=False)
        .values("agreement__subsidy_id")
        .annotate(total=Sum("amount_change"))
    )
    for row in amended:
        Subsidy.objects.filter(pk=row["agreement__subsidy_id"]).update(amount_amended=row["total"])


def forget_agreement_facts(apps, schema_editor):
    apps.get_model("subventions", "Subsidy").objects.update(
        agreement_signed_on=None, amount_amended=0
    )


class Migration(migrations.Migration):

    dependencies = [
        ('conventions', '0010_deliberations_move_out'),
        ('deliberations', '0002_layers'),
        ('subventions', '0007_layers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First: SQLite rebuilds the tables below, which a trigger reading them would break.
        migrations.RunPython(FREEZING.drop_triggers, remake_triggers),
        migrations.AlterField(
            model_name='agreement',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('prete', 'Prête pour signature'), ('envoyee', 'Envoyée pour signature'), ('signee_beneficiaire', 'Signée par le bénéficiaire'), ('en_vigueur', 'Signée par la collectivité (en vigueur)'), ('close', 'Close'), ('resiliee', 'Résiliée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='amendment',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('prete', 'Prête pour signature'), ('envoyee', 'Envoyée pour signature'), ('signee_beneficiaire', 'Signée par le bénéficiaire'), ('en_vigueur', 'Signée par la collectivité (en vigueur)'), ('close', 'Close'), ('resiliee', 'Résiliée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='batchjob',
            name='status',
            field=core.workflow.StatusField(choices=[('en_attente', 'En attente'), ('en_cours', 'En cours'), ('terminee', 'Terminée'), ('echec', 'Terminée avec des erreurs')], default='en_attente', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('prete', 'Prête pour signature'), ('envoyee', 'Envoyée pour signature'), ('signee_beneficiaire', 'Signée par le bénéficiaire'), ('en_vigueur', 'Signée par la collectivité (en vigueur)'), ('close', 'Close'), ('resiliee', 'Résiliée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicalamendment',
            name='status',
            field=core.workflow.StatusField(choices=[('brouillon', 'Brouillon'), ('prete', 'Prête pour signature'), ('envoyee', 'Envoyée pour signature'), ('signee_beneficiaire', 'Signée par le bénéficiaire'), ('en_vigueur', 'Signée par la collectivité (en vigueur)'), ('close', 'Close'), ('resiliee', 'Résiliée')], default='brouillon', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='historicalbatchjob',
            name='status',
            field=core.workflow.StatusField(choices=[('en_attente', 'En attente'), ('en_cours', 'En cours'), ('terminee', 'Terminée'), ('echec', 'Terminée avec des erreurs')], default='en_attente', max_length=20, protected=True, verbose_name='statut'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'envoyee'), _negated=True), ('sent_on__isnull', False), _connector='OR'), name='agreement_sent_has_its_date', violation_error_message="Un document envoyé pour signature porte sa date d'envoi."),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'signee_beneficiaire'), _negated=True), ('beneficiary_signed_on__isnull', False), _connector='OR'), name='agreement_beneficiary_signed_has_its_date', violation_error_message='Un document signé par le bénéficiaire porte sa date.'),
        ),
        migrations.AddConstraint(
            model_name='amendment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'envoyee'), _negated=True), ('sent_on__isnull', False), _connector='OR'), name='amendment_sent_has_its_date', violation_error_message="Un document envoyé pour signature porte sa date d'envoi."),
        ),
        migrations.AddConstraint(
            model_name='amendment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'signee_beneficiaire'), _negated=True), ('beneficiary_signed_on__isnull', False), _connector='OR'), name='amendment_beneficiary_signed_has_its_date', violation_error_message='Un document signé par le bénéficiaire porte sa date.'),
        ),
        migrations.AddConstraint(
            model_name='batchjob',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('finished_at__isnull', False), ('status__in', ('terminee', 'echec'))), models.Q(models.Q(('status__in', ('terminee', 'echec')), _negated=True), ('finished_at__isnull', True)), _connector='OR'), name='batchjob_finished_has_its_date', violation_error_message='Un traitement terminé porte sa date de fin.'),
        ),
        migrations.RunPython(write_agreement_facts, forget_agreement_facts),
        # Last: SQLite rebuilt the tables above, which drops their triggers.
        migrations.RunPython(remake_triggers, FREEZING.drop_triggers),
    ]
