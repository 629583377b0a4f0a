"""The production settings, with the bench's bare views added to the URLs (bench.urls).

Only `make bench` uses this module (DJANGO_SETTINGS_MODULE=bench.settings): production's
own URLconf never carries the bare views.
"""

from metropole.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
