"""Celery application: Redis broker when CELERY_BROKER_URL is set, eager otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")

app = Celery("metropole")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
