from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SubventionsConfig(AppConfig):
    """Beneficiaries, funders, subsidy files with their axes and co-funding plan, budget
    lines and the money of a file (schedule, payments, financial report, clawbacks)."""

    name = "subventions"
    verbose_name = "Subventions"

    def ready(self):
        from . import roles

        # The roles' model permissions follow the role map after every migrate.
        post_migrate.connect(
            roles.sync_role_permissions, sender=self, dispatch_uid="sync_role_permissions"
        )
