"""Reminders of the financial reports owed (DESIGN.md §4.4), for cron or Celery beat.

Each beneficiary whose report is due within 30 days, or overdue, gets one e-mail listing
its reports; each instructor gets one digest of the reports of their files. Every e-mail
sent is logged (ReminderLog), so that running twice the same day sends nothing more.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.formatting import date_text, typography, typography_html

from .enums import ReminderKind
from .models import Authority, FinancialReport, ReminderLog

DAYS_BEFORE_DUE = 30
SUBJECT_BENEFICIARY = "Compte rendu financier de votre subvention à transmettre"
SUBJECT_BENEFICIARY_OVERDUE = "Relance : compte rendu financier de votre subvention en retard"
SUBJECT_BENEFICIARY_SEVERAL = "Comptes rendus financiers de vos subventions à transmettre"
SUBJECT_BENEFICIARY_SEVERAL_OVERDUE = (
    "Relance : comptes rendus financiers de vos subventions en retard"
)
SUBJECT_DIGEST = "Comptes rendus financiers à suivre au {date}"


@dataclass
class Reminder:
    """One e-mail to send: its kind, its recipient and the reports it is about."""

    kind: str
    recipient: str
    name: str
    reports: list[FinancialReport] = field(default_factory=list)

    @property
    def any_overdue(self) -> bool:
        return any(report.overdue for report in self.reports)


def reminders_due(today: datetime.date) -> tuple[list[Reminder], list[str]]:
    """The e-mails to send on `today` not sent yet that day, and the reports no one can be
    told about (no e-mail address), in a constant number of queries."""
    reports = list(
        FinancialReport.objects.to_remind(today, days=DAYS_BEFORE_DUE)
        .select_related("subsidy__beneficiary", "subsidy__instructor")
        .order_by("due_date", "subsidy__reference")
    )
    sent = set(
        ReminderLog.objects.filter(sent_on=today).values_list("kind", "recipient", "report_id")
    )
    beneficiaries: dict[str, Reminder] = {}
    digests: dict[str, Reminder] = {}
    unreachable = []
    for report in reports:
        report.overdue = report.is_overdue_on(today)
        beneficiary = report.subsidy.beneficiary
        email = beneficiary.email
        if not email:
            unreachable.append(
                f"{report.subsidy.reference} : {beneficiary} n'a pas de courriel de contact."
            )
        elif (ReminderKind.BENEFICIARY, email, report.pk) not in sent:
            reminder = beneficiaries.setdefault(
                email, Reminder(ReminderKind.BENEFICIARY, email, str(beneficiary))
            )
            reminder.reports.append(report)
        instructor = report.subsidy.instructor
        if instructor is None or not instructor.email:
            continue
        if (ReminderKind.INSTRUCTOR_DIGEST, instructor.email, None) not in sent:
            name = instructor.get_full_name() or instructor.get_username()
            digest = digests.setdefault(
                instructor.email,
                Reminder(ReminderKind.INSTRUCTOR_DIGEST, instructor.email, name),
            )
            digest.reports.append(report)
    return [*beneficiaries.values(), *digests.values()], unreachable


def _message(reminder: Reminder, today: datetime.date, authority) -> EmailMultiAlternatives:
    if reminder.kind == ReminderKind.BENEFICIARY:
        template = "subventions/email/report_reminder"
        if len(reminder.reports) > 1:
            subject = (
                SUBJECT_BENEFICIARY_SEVERAL_OVERDUE
                if reminder.any_overdue
                else SUBJECT_BENEFICIARY_SEVERAL
            )
        else:
            subject = SUBJECT_BENEFICIARY_OVERDUE if reminder.any_overdue else SUBJECT_BENEFICIARY
    else:
        template = "subventions/email/report_digest"
        subject = SUBJECT_DIGEST.format(date=date_text(today))
    context = {
        "reminder": reminder,
        "today": today,
        "authority": authority,
        "site_url": settings.SUBVENTIONS_SITE_URL.rstrip("/"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=typography(render_to_string(f"{template}.txt", context)),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient],
    )
    html = typography_html(render_to_string(f"{template}.html", context))
    message.attach_alternative(html, "text/html")
    return message


def send_reminders(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> tuple[list[Reminder], list[str]]:
    """Send (or, dry, only list) the reminders of `today`; returns them and the reports no
    one could be told about."""
    today = today or timezone.localdate()
    reminders, unreachable = reminders_due(today)
    if dry_run:
        return reminders, unreachable
    authority = Authority.current()
    for reminder in reminders:
        # One e-mail and its log rows together: a failure leaves nothing logged unsent.
        with transaction.atomic():
            if reminder.kind == ReminderKind.BENEFICIARY:
                logs = [
                    ReminderLog(
                        kind=reminder.kind,
                        recipient=reminder.recipient,
                        report=report,
                        sent_on=today,
                    )
                    for report in reminder.reports
                ]
            else:
                logs = [
                    ReminderLog(kind=reminder.kind, recipient=reminder.recipient, sent_on=today)
                ]
            ReminderLog.objects.bulk_create(logs)
            _message(reminder, today, authority).send()
    return reminders, unreachable


def describe(reminder: Reminder) -> str:
    """One line for the command's output."""
    references = ", ".join(report.subsidy.reference for report in reminder.reports)
    return f"{reminder.recipient} ({reminder.name}) — {references}"
