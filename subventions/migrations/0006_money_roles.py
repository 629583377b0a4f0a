"""Permissions of the roles on the money models (same pattern as 0002_roles).

Finances records schedules, payments, financial reports and clawbacks (and may delete
an instalment of a schedule it rewrites); every role reads them. Reminders are written
by the send_reminders command only: everyone reads the log, nobody edits it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["paymentinstalment", "payment", "financialreport", "clawback", "reminderlog"]
FINANCE = [
    "add_paymentinstalment", "change_paymentinstalment", "delete_paymentinstalment",
    "add_payment", "change_payment",
    "add_financialreport", "change_financialreport",
    "add_clawback", "change_clawback",
]
ROLES = [
    "Instructeur",
    "Responsable de service",
    "Secrétariat des assemblées",
    "Finances",
    "Signataire",
    "Lecteur",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subventions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = [f"view_{model}" for model in MODELS]
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        codenames = view + (FINANCE if name == "Finances" else [])
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="subventions", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"view_{model}" for model in MODELS] + FINANCE
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="subventions", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [("subventions", "0005_money")]

    operations = [migrations.RunPython(grant, revoke)]
