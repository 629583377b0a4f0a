from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    """Sessions, the numbering of deliberations, deliberations and the act's documents."""

    name = "deliberations"
    verbose_name = "Séances et délibérations"

    def ready(self):
        from . import panels, signals  # noqa: F401  (the deletion guard, the pages' panels)
