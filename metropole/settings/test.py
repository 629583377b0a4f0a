"""Test settings: fast hashing, in-memory e-mail, eager Celery."""

import datetime
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.pop("CELERY_BROKER_URL", None)

from .base import *  # noqa: E402, F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test client's login() authenticates without a request, which django-axes refuses:
# the lockout is switched on by the tests that exercise it (tests/test_security.py).
AXES_ENABLED = False
# The tests' acts of 2 April 2021 count as voted before the application, so that a test
# may type their executory date; tests/deliberations/test_acts.py sets the date it checks.
ACTS_IN_APPLICATION_SINCE = datetime.date(2021, 6, 1)
