"""Sessions, deliberations and their subsidies now belong to the deliberations app.

State only (SeparateDatabaseAndState): the tables stay, under their names, and are
deliberations' from now on (deliberations 0001); the batch jobs point at the same
session table as before.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conventions', '0009_deliberation_subsidy_and_batch_job_history'),
        ('deliberations', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='historicalbatchjob',
            name='session',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deliberations.session', verbose_name='séance'),
        ),
        migrations.AlterField(
            model_name='batchjob',
            name='session',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='batch_jobs', to='deliberations.session', verbose_name='séance'),
        ),
        migrations.RemoveField(
            model_name='deliberation',
            name='policy_area',
        ),
        migrations.RemoveField(
            model_name='deliberation',
            name='session',
        ),
        migrations.RemoveField(
            model_name='deliberation',
            name='subsidies',
        ),
        migrations.RemoveField(
            model_name='deliberation',
            name='voted_by',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberationsubsidy',
            name='deliberation',
        ),
        migrations.RemoveField(
            model_name='deliberationsubsidy',
            name='deliberation',
        ),
        migrations.RemoveField(
            model_name='deliberationsubsidy',
            name='subsidy',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberation',
            name='history_user',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberation',
            name='policy_area',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberation',
            name='session',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberation',
            name='voted_by',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberationsubsidy',
            name='history_user',
        ),
        migrations.RemoveField(
            model_name='historicaldeliberationsubsidy',
            name='subsidy',
        ),
        migrations.RemoveField(
            model_name='historicalsession',
            name='history_user',
        ),
        migrations.DeleteModel(
            name='Deliberation',
        ),
        migrations.DeleteModel(
            name='DeliberationSubsidy',
        ),
        migrations.DeleteModel(
            name='HistoricalDeliberation',
        ),
        migrations.DeleteModel(
            name='HistoricalDeliberationSubsidy',
        ),
        migrations.DeleteModel(
            name='HistoricalSession',
        ),
        migrations.DeleteModel(
            name='Session',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
