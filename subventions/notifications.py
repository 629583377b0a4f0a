"""E-mails that tell one side of a file what the other did (issue 16): the association
(its address and its confirmed accounts) or the staff (the file's instructor and whoever
else the caller names). Sent once the transaction commits: a refusal sends nothing."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from core.formatting import typography

from .account_checks import account_emails
from .models import Authority, Subsidy


def notify(*, to: list[str], subject: str, template: str, context: dict) -> None:
    """One plain-text e-mail (`template` + ".txt") to the distinct addresses of `to`."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {**context, "authority": Authority.current()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=typography(render_to_string(f"{template}.txt", context)),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    # Sent once the writes are saved: a refusal sends nothing.
    transaction.on_commit(message.send)


def staff_recipients(subsidy: Subsidy, *extra) -> list[str]:
    people = [subsidy.instructor, *extra]
    return [person.email for person in people if person is not None and person.email]


def association_recipients(subsidy: Subsidy) -> list[str]:
    return [subsidy.beneficiary.email, *account_emails(subsidy.beneficiary)]
