from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Délibérations et conventions"

    def ready(self):
        from . import signals  # noqa: F401  (connects the deletion guard)
