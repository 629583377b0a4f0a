from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    """Agreements (conventions), their templates, amendments and signatures."""

    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from . import panels  # noqa: F401  (what the lower layers' pages show of agreements)
