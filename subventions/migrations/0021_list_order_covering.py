"""The list order index carries the row's foreign key, for the search's index-only checks."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('subventions', '0020_job_progressed_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='subsidy',
            name='subsidy_list_order',
        ),
        migrations.AddIndex(
            model_name='subsidy',
            index=models.Index(fields=['-year', 'reference', 'id'], include=('beneficiary',), name='subsidy_list_order'),
        ),
    ]
