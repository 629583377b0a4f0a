"""Model permissions of the agreement models for the roles of subventions 0002.

Everyone reads agreements; the Secrétariat des assemblées and the Responsable de service
prepare and send them (and their amendments); the Signataire signs them, which changes
them. Templates are versioned by the Responsable de service (for the legal department)
and the administrators. Frozen here on purpose, like conventions 0002.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["agreementtemplate", "agreementarticle", "agreement", "amendment"]
PREPARE = ["add_agreement", "change_agreement", "add_amendment", "change_amendment"]
TEMPLATES = [
    "add_agreementtemplate", "change_agreementtemplate",
    "add_agreementarticle", "change_agreementarticle", "delete_agreementarticle",
]
ROLES = {
    "Instructeur": [],
    "Responsable de service": PREPARE + TEMPLATES,
    "Secrétariat des assemblées": PREPARE,
    "Finances": [],
    "Signataire": ["change_agreement", "change_amendment"],
    "Lecteur": [],
}


def grant(apps, schema_editor):
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
    permissions = Permission.objects.filter(
        content_type__app_label="conventions",
        content_type__model__in=MODELS,
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0005_agreement_freeze_triggers"),
        ("conventions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
