"""The named counters move from the subventions app (model Sequence) to this one (Counter).

The tables stay where they are, with their names (subventions_sequence and its history):
only Django's state moves (SeparateDatabaseAndState); the content types and permissions
are renamed so that everything pointing at them still does.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = {"sequence": "counter", "historicalsequence": "historicalcounter"}


def _relabel(apps, source: tuple[str, str], target: tuple[str, str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old_model, new_model in MOVED.items():
        old, new = (old_model, new_model) if source[0] == "subventions" else (new_model, old_model)
        content_type = ContentType.objects.filter(app_label=source[0], model=old).first()
        if content_type is None:
            continue
        ContentType.objects.filter(app_label=target[0], model=new).delete()
        content_type.app_label, content_type.model = target[0], new
        content_type.save(update_fields=["app_label", "model"])
        for permission in Permission.objects.filter(content_type=content_type):
            action = permission.codename.split("_", 1)[0]
            permission.codename = f"{action}_{new}"
            permission.save(update_fields=["codename"])


def move_content_types(apps, schema_editor):
    _relabel(apps, ("subventions", "sequence"), ("core", "counter"))


def move_content_types_back(apps, schema_editor):
    _relabel(apps, ("core", "counter"), ("subventions", "sequence"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        # The tables were created by the subventions app.
        ('subventions', '0006_money_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Counter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True, verbose_name='clé')),
                ('value', models.PositiveIntegerField(default=0, verbose_name='dernière valeur')),
            ],
            options={
                'verbose_name': 'compteur',
                'verbose_name_plural': 'compteurs',
                'db_table': 'subventions_sequence',
            },
        ),
        migrations.CreateModel(
            name='HistoricalCounter',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('key', models.CharField(db_index=True, max_length=64, verbose_name='clé')),
                ('value', models.PositiveIntegerField(default=0, verbose_name='dernière valeur')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical compteur',
                'verbose_name_plural': 'historical compteurs',
                'db_table': 'subventions_historicalsequence',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
