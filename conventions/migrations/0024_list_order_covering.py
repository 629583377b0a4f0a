"""The list order index carries the row's foreign key, for the search's index-only checks."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conventions', '0023_job_progressed_at'),
        ('subventions', '0021_list_order_covering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='agreement',
            name='agreement_list_order',
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['-created_at', '-id'], include=('subsidy',), name='agreement_list_order'),
        ),
    ]
