"""Celery tasks of the conventions app (metropole.celery autodiscovers this module); each
is defined beside the work it does."""

from .batch import fail_stale_batch_jobs, generate_batch_item, generate_session_agreements
from .bundles import build_bundle

__all__ = [
    "build_bundle",
    "fail_stale_batch_jobs",
    "generate_batch_item",
    "generate_session_agreements",
]
