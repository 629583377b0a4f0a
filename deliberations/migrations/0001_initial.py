"""Sessions, deliberations and their subsidies move from the conventions app to this one.

The tables stay where they are, with their names (conventions_session, …): only Django's
state moves (SeparateDatabaseAndState), and the content types are renamed so that the
permissions of the roles, the admin's log and the history keep pointing at them. A
database created before the move migrates forward with nothing copied and nothing lost.
"""

import django.core.validators
import django.db.models.deletion
import django_fsm
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = [
    "session",
    "deliberation",
    "deliberationsubsidy",
    "historicalsession",
    "historicaldeliberation",
    "historicaldeliberationsubsidy",
]


def _relabel(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        # A content type made for the new label in the meantime holds nothing yet.
        ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def move_content_types(apps, schema_editor):
    _relabel(apps, "conventions", "deliberations")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "deliberations", "conventions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('subventions', '0006_money_roles'),
        # The tables were created, and last changed, by the conventions app.
        ('conventions', '0009_deliberation_subsidy_and_batch_job_history'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Deliberation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(blank=True, help_text='Attribué quand la délibération est inscrite à une séance (« 21 B 0110 »). Saisi à la main pour un acte ancien.', max_length=9, validators=[django.core.validators.RegexValidator('^[0-9]{2} [BC] [0-9]{4}$', "Le numéro doit avoir la forme « 21 B 0110 » : année sur deux chiffres, B ou C, numéro d'ordre sur quatre chiffres.")], verbose_name='numéro')),
                ('title', models.CharField(max_length=500, verbose_name='titre')),
                ('preamble', models.TextField(blank=True, verbose_name='préambule')),
                ('context', models.TextField(blank=True, verbose_name='I. Contexte')),
                ('partnership_description', models.TextField(blank=True, verbose_name='II. Description des objectifs et modalités du partenariat')),
                ('previous_year_activity', models.TextField(blank=True, verbose_name="activité de l'année précédente")),
                ('axes_introduction', models.TextField(blank=True, verbose_name="phrase d'introduction des axes")),
                ('status', django_fsm.FSMField(choices=[('brouillon', 'Brouillon'), ('adoptee', 'Adoptée'), ('rejetee', 'Rejetée'), ('retiree', 'Retirée')], default='brouillon', max_length=20, verbose_name='statut')),
                ('unanimous', models.BooleanField(default=False, verbose_name="adoptée à l'unanimité")),
                ('votes_for', models.PositiveIntegerField(blank=True, null=True, verbose_name='voix pour')),
                ('votes_against', models.PositiveIntegerField(blank=True, null=True, verbose_name='voix contre')),
                ('abstentions', models.PositiveIntegerField(blank=True, null=True, verbose_name='abstentions')),
                ('non_participants', models.TextField(blank=True, help_text='Un nom par ligne : « Mme Dupont », « M. Martin ».', verbose_name="n'ont pas pris part au vote")),
                ('voted_at', models.DateTimeField(blank=True, null=True, verbose_name='vote enregistré le')),
                ('executory_date', models.DateField(blank=True, null=True, verbose_name='exécutoire le')),
                ('text', models.TextField(blank=True, editable=False, verbose_name='texte figé')),
                ('html', models.TextField(blank=True, editable=False, verbose_name='HTML figé')),
                ('pdf', models.FileField(blank=True, editable=False, upload_to='deliberations/', verbose_name='PDF figé')),
                ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='empreinte SHA-256 du PDF')),
                ('note', models.TextField(blank=True, help_text='Par exemple : numéro et date fictifs (données de démonstration).', verbose_name='note interne')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                ('policy_area', models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='deliberations', to='subventions.policyarea', verbose_name='politique publique')),
                ('voted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vote enregistré par')),
            ],
            options={
                'verbose_name': 'délibération',
                'verbose_name_plural': 'délibérations',
                'db_table': 'conventions_deliberation',
                'ordering': ['-session__date', '-number', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='DeliberationSubsidy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=1, verbose_name='ordre')),
                ('deliberation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='deliberations.deliberation', verbose_name='délibération')),
                ('subsidy', models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='+', to='subventions.subsidy', verbose_name='subvention')),
            ],
            options={
                'verbose_name': 'subvention de la délibération',
                'verbose_name_plural': 'subventions de la délibération',
                'db_table': 'conventions_deliberationsubsidy',
                'ordering': ['deliberation', 'position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='deliberation',
            name='subsidies',
            field=models.ManyToManyField(related_name='deliberations', through='deliberations.DeliberationSubsidy', to='subventions.subsidy', verbose_name='subventions'),
        ),
        migrations.CreateModel(
            name='HistoricalDeliberationSubsidy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=1, verbose_name='ordre')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('deliberation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deliberations.deliberation', verbose_name='délibération')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('subsidy', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='subventions.subsidy', verbose_name='subvention')),
            ],
            options={
                'verbose_name': 'historical subvention de la délibération',
                'verbose_name_plural': 'historical subventions de la délibération',
                'db_table': 'conventions_historicaldeliberationsubsidy',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSession',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('body', models.CharField(choices=[('B', 'Bureau'), ('C', 'Conseil')], max_length=1, verbose_name='instance')),
                ('date', models.DateField(verbose_name='date')),
                ('time', models.TimeField(verbose_name='heure')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='lieu')),
                ('note', models.TextField(blank=True, verbose_name='note interne')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical séance',
                'verbose_name_plural': 'historical séances',
                'db_table': 'conventions_historicalsession',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Session',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.CharField(choices=[('B', 'Bureau'), ('C', 'Conseil')], max_length=1, verbose_name='instance')),
                ('date', models.DateField(verbose_name='date')),
                ('time', models.TimeField(verbose_name='heure')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='lieu')),
                ('note', models.TextField(blank=True, verbose_name='note interne')),
            ],
            options={
                'verbose_name': 'séance',
                'verbose_name_plural': 'séances',
                'db_table': 'conventions_session',
                'ordering': ['-date', '-time'],
                'constraints': [models.UniqueConstraint(fields=('body', 'date', 'time'), name='session_unique', violation_error_message='Une séance de cette instance existe déjà à cette date et à cette heure.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalDeliberation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.CharField(blank=True, help_text='Attribué quand la délibération est inscrite à une séance (« 21 B 0110 »). Saisi à la main pour un acte ancien.', max_length=9, validators=[django.core.validators.RegexValidator('^[0-9]{2} [BC] [0-9]{4}$', "Le numéro doit avoir la forme « 21 B 0110 » : année sur deux chiffres, B ou C, numéro d'ordre sur quatre chiffres.")], verbose_name='numéro')),
                ('title', models.CharField(max_length=500, verbose_name='titre')),
                ('preamble', models.TextField(blank=True, verbose_name='préambule')),
                ('context', models.TextField(blank=True, verbose_name='I. Contexte')),
                ('partnership_description', models.TextField(blank=True, verbose_name='II. Description des objectifs et modalités du partenariat')),
                ('previous_year_activity', models.TextField(blank=True, verbose_name="activité de l'année précédente")),
                ('axes_introduction', models.TextField(blank=True, verbose_name="phrase d'introduction des axes")),
                ('status', django_fsm.FSMField(choices=[('brouillon', 'Brouillon'), ('adoptee', 'Adoptée'), ('rejetee', 'Rejetée'), ('retiree', 'Retirée')], default='brouillon', max_length=20, verbose_name='statut')),
                ('unanimous', models.BooleanField(default=False, verbose_name="adoptée à l'unanimité")),
                ('votes_for', models.PositiveIntegerField(blank=True, null=True, verbose_name='voix pour')),
                ('votes_against', models.PositiveIntegerField(blank=True, null=True, verbose_name='voix contre')),
                ('abstentions', models.PositiveIntegerField(blank=True, null=True, verbose_name='abstentions')),
                ('non_participants', models.TextField(blank=True, help_text='Un nom par ligne : « Mme Dupont », « M. Martin ».', verbose_name="n'ont pas pris part au vote")),
                ('voted_at', models.DateTimeField(blank=True, null=True, verbose_name='vote enregistré le')),
                ('executory_date', models.DateField(blank=True, null=True, verbose_name='exécutoire le')),
                ('pdf', models.TextField(blank=True, editable=False, max_length=100, verbose_name='PDF figé')),
                ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='empreinte SHA-256 du PDF')),
                ('note', models.TextField(blank=True, help_text='Par exemple : numéro et date fictifs (données de démonstration).', verbose_name='note interne')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='créée le')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('policy_area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='subventions.policyarea', verbose_name='politique publique')),
                ('voted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vote enregistré par')),
                ('session', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deliberations.session', verbose_name='séance')),
            ],
            options={
                'verbose_name': 'historical délibération',
                'verbose_name_plural': 'historical délibérations',
                'db_table': 'conventions_historicaldeliberation',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='deliberation',
            name='session',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='deliberations', to='deliberations.session', verbose_name='séance'),
        ),
        migrations.AddConstraint(
            model_name='deliberationsubsidy',
            constraint=models.UniqueConstraint(fields=('deliberation', 'subsidy'), name='deliberationsubsidy_unique', violation_error_message='Cette subvention figure déjà dans la délibération.'),
        ),
        migrations.AddConstraint(
            model_name='deliberation',
            constraint=models.UniqueConstraint(condition=models.Q(('number', ''), _negated=True), fields=('number',), name='deliberation_number_unique', violation_error_message='Ce numéro est déjà attribué à une autre délibération.'),
        ),
        migrations.AddConstraint(
            model_name='deliberation',
            constraint=models.CheckConstraint(condition=models.Q(('number', ''), ('number__regex', '^[0-9]{2} [BC] [0-9]{4}$'), _connector='OR'), name='deliberation_number_format', violation_error_message="Le numéro doit avoir la forme « 21 B 0110 » : année sur deux chiffres, B ou C, numéro d'ordre sur quatre chiffres."),
        ),
        migrations.AddConstraint(
            model_name='deliberation',
            constraint=models.CheckConstraint(condition=models.Q(('number', ''), ('session__isnull', False), _connector='OR'), name='deliberation_number_has_session', violation_error_message='Une délibération numérotée appartient à une séance.'),
        ),
        migrations.AddConstraint(
            model_name='deliberation',
            constraint=models.CheckConstraint(condition=models.Q(('executory_date__isnull', True), ('status', 'adoptee'), _connector='OR'), name='deliberation_executory_if_adopted', violation_error_message='Seule une délibération adoptée devient exécutoire.'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
