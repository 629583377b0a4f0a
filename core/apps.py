from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and none of them owns: formatting, PDFs, files, exports,
    the workflow base, the validated save, the command base. No domain knowledge."""

    name = "core"
    verbose_name = "Socle"

    def ready(self):
        from .text import guard_text_fields

        # Every model is loaded by now, whatever the order of INSTALLED_APPS.
        guard_text_fields()
