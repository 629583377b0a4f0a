"""The production settings, with the bench's bare views added to the URLs (bench.urls).

Only `make bench` uses this module (DJANGO_SETTINGS_MODULE=bench.settings): production's
own URLconf never carries the bare views.
"""

from metropole.settings.production import *  # noqa: F403
from metropole.settings.production import STORAGES

ROOT_URLCONF = "bench.urls"
# The same hashed names as production, without compressing every static file at
# collectstatic (minutes on a loaded machine): the bench never downloads them.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
