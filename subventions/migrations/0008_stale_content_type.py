"""The subsidy transition log moved to core.TransitionLog (0007): its content type, its
permissions and the roles' grants of them go too, so no role keeps a right on a table that
is no more."""

from django.db import migrations


def drop_stale_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.using(schema_editor.connection.alias).filter(
        app_label="subventions", model="subsidytransition"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subventions", "0007_layers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(drop_stale_content_type, migrations.RunPython.noop)]
