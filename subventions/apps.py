from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SubventionsConfig(AppConfig):
    """Beneficiaries, funders, subsidy files with their axes and co-funding plan, budget
    lines and the money of a file (schedule, payments, financial report, clawbacks)."""

    name = "subventions"
    verbose_name = "Subventions"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import roles, twofactor

        # The roles' model permissions follow the role map after every migrate.
        post_migrate.connect(
            roles.sync_role_permissions, sender=self, dispatch_uid="sync_role_permissions"
        )
        # At login, note in the session whether a second factor is due (checked per request).
        user_logged_in.connect(twofactor.note_due_at_login, dispatch_uid="twofactor_due")
