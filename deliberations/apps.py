from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    """Sessions, the numbering of deliberations, deliberations and the act's documents."""

    name = "deliberations"
    verbose_name = "Séances et délibérations"

    def ready(self):
        # Registered on import: the deletion guard, the pages' panels, the objects' rules.
        from . import panels, permissions, signals  # noqa: F401
