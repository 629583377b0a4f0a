"""Celery tasks of the subsidies app (metropole.celery autodiscovers them)."""

import datetime

from celery import shared_task

from . import exports, reminders


@shared_task(name="subventions.tasks.send_reminders")
def send_reminders(today: str | None = None, dry_run: bool = False) -> int:
    """The daily reminders of financial reports (see send_reminders); returns e-mails sent.

    `today` is an ISO date (a task's arguments travel as JSON).
    """
    day = datetime.date.fromisoformat(today) if today else None
    sent, _ = reminders.send_reminders(today=day, dry_run=dry_run)
    return len(sent)


@shared_task(name="subventions.build_export")
def build_export(job_id: int) -> None:
    """A large XLSX export of a staff list (subventions.exports)."""
    exports.export_job_run(job_id=job_id)
