from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    """Agreements (conventions), their templates, amendments and signatures."""

    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        # Registered on import: what the lower pages show of agreements, the objects' rules.
        from . import panels, permissions  # noqa: F401
