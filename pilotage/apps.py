from django.apps import AppConfig


class PilotageConfig(AppConfig):
    """The top layer, which reads all the others: the dashboard, the open data (SCDL
    exports and imports, the public page), the read API and the demo data."""

    name = "pilotage"
    verbose_name = "Pilotage et diffusion"
