"""Model permissions of the sessions and deliberations for the roles of subventions 0002.

The map is frozen here on purpose, like subventions 0002: later migrations add what
later models need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["session", "deliberation", "deliberationsubsidy"]
ROLES = {
    "Instructeur": [],
    "Responsable de service": ["change_deliberation"],
    "Secrétariat des assemblées": [
        "add_session", "change_session",
        "add_deliberation", "change_deliberation",
        "add_deliberationsubsidy", "change_deliberationsubsidy", "delete_deliberationsubsidy",
    ],
    "Finances": [],
    "Signataire": [],
    "Lecteur": [],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("conventions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = [f"view_{model}" for model in MODELS]
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="conventions", codename__in=view + codenames
        )
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="conventions")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0001_initial"),
        ("subventions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
