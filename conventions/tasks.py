"""Celery tasks of the conventions app (metropole.celery autodiscovers them)."""

from celery import shared_task

from . import batch
from .models import BatchJob


@shared_task(name="conventions.tasks.generate_session_agreements")
def generate_session_agreements(job_id: int) -> int:
    """« Générer toutes les conventions de la séance »; returns the number of subsidies done."""
    job = BatchJob.objects.select_related("session", "created_by").get(pk=job_id)
    return batch.session_agreements_generate(job).done
