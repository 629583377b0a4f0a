from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and none of them owns: formatting, PDFs, files, exports,
    the workflow base, the validated save, the command base. No domain knowledge."""

    name = "core"
    verbose_name = "Socle"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .dataversion import install_triggers
        from .search import register_sqlite_unaccent
        from .text import guard_text_fields

        connection_created.connect(register_sqlite_unaccent, dispatch_uid="sqlite_unaccent")
        # The data version of core.dataversion, on every table of the project's apps.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="data_version_triggers")

        # Every model is loaded by now, whatever the order of INSTALLED_APPS.
        guard_text_fields()
