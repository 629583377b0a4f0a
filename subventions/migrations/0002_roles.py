"""The authority's roles (DESIGN.md §1) as groups with their model permissions.

The map is frozen here on purpose: later migrations add what later models need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = [
    "authority", "policyarea", "beneficiary", "fundingpartner", "budgetline", "subsidy",
    "subsidytransition", "actionaxis", "cofunding", "cofundingpartner",
]
FILE_EDITING = [
    "add_beneficiary", "change_beneficiary",
    "add_fundingpartner", "change_fundingpartner",
    "add_subsidy", "change_subsidy",
    "add_actionaxis", "change_actionaxis", "delete_actionaxis",
    "add_cofunding", "change_cofunding", "delete_cofunding",
    "add_cofundingpartner", "change_cofundingpartner", "delete_cofundingpartner",
]
ROLES = {
    "Instructeur": FILE_EDITING,
    "Responsable de service": FILE_EDITING + ["add_policyarea", "change_policyarea"],
    "Secrétariat des assemblées": [],
    "Finances": ["add_budgetline", "change_budgetline"],
    "Signataire": [],
    "Lecteur": [],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("subventions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = [f"view_{model}" for model in MODELS]
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="subventions", codename__in=view + codenames
        )
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subventions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
