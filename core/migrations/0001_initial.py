"""The log of every lifecycle's transitions (core.workflow)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TransitionLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField(verbose_name="identifiant de l'objet")),
                ('action', models.CharField(max_length=50, verbose_name='action')),
                ('from_status', models.CharField(max_length=30, verbose_name='de')),
                ('to_status', models.CharField(max_length=30, verbose_name='vers')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name="type d'objet")),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
            ],
            options={
                'verbose_name': 'changement de statut',
                'verbose_name_plural': 'changements de statut',
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['content_type', 'object_id', 'at'], name='core_transi_content_d39355_idx')],
            },
        ),
    ]
