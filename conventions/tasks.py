"""Celery tasks of the conventions app (metropole.celery autodiscovers this module); each
is defined beside the work it does."""

from .batch import generate_session_agreements

__all__ = ["generate_session_agreements"]
