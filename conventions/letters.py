"""The notification letter of an award (lettre de notification): generated once from the
template version in force (kind « notification »), its PDF frozen with its SHA-256, then
e-mailed to the beneficiary like the agreements (conventions.mailing)."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import grammar
from core.models import Counter
from core.pdf import render_to_pdf
from core.services import save_validated
from subventions.enums import VOTED_STATUSES
from subventions.models import Authority, Subsidy

from . import mailing, rendering, services
from .models import Agreement, AgreementTemplate, NotificationLetter
from .models.templates import NOTIFICATION_TEMPLATE_NAME

LETTER_PDF = "conventions/pdf/notification_letter.html"
NOT_VOTED = (
    "La subvention {subsidy} est au statut « {status} » : la lettre de notification suit le vote."
)
ALREADY = "La subvention {subsidy} a déjà sa lettre de notification ({number})."
NO_TEMPLATE = "Aucun modèle de lettre de notification n'est en vigueur."
SUBJECT = "Notification de votre subvention {year} ({reference})"


def letter_context(subsidy: Subsidy, *, number: str, date: datetime.date) -> dict:
    """The agreement's plain context for the file (the same words and figures), plus the
    letter's own: its date and the file's contact."""
    # An agreement of the file's year, never saved: only its shape is used, so that the
    # letter's template knows every variable an agreement's does.
    shape = Agreement.objects.filter(subsidy=subsidy).first() or Agreement(
        subsidy=subsidy,
        number=number,
        start_date=datetime.date(subsidy.year, 1, 1),
        end_date=datetime.date(subsidy.year, 12, 31),
    )
    context = rendering.agreement_context(shape)
    instructor = subsidy.instructor
    context.update(
        number=number,
        letter={
            "date": date,
            "contact_name": (instructor.get_full_name() or instructor.get_username())
            if instructor
            else "",
            "contact_email": instructor.email if instructor else "",
        },
    )
    return context


def _logo_url() -> str:
    authority = Authority.current()
    return authority.logo.url if authority and authority.logo else ""


def refusal(subsidy: Subsidy) -> str | None:
    if subsidy.status not in VOTED_STATUSES:
        return NOT_VOTED.format(subsidy=subsidy.reference, status=subsidy.get_status_display())
    existing = NotificationLetter.objects.filter(subsidy=subsidy).first()
    if existing is not None:
        return ALREADY.format(subsidy=subsidy.reference, number=existing.number)
    return None


@transaction.atomic
def notification_letter_create(*, subsidy: Subsidy, user) -> NotificationLetter:
    """Generate the file's notification letter and freeze its PDF with its SHA-256."""
    services.require_preparer(user, "produire une lettre de notification")
    subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    reason = refusal(subsidy)
    if reason:
        raise ValidationError(reason, code="status")
    template = AgreementTemplate.active(NOTIFICATION_TEMPLATE_NAME)
    if template is None:
        raise ValidationError(NO_TEMPLATE, code="template")
    number = f"NOTIF-{subsidy.year}-{Counter.next_value(f'notification-{subsidy.year}'):04d}"
    context = letter_context(subsidy, number=number, date=timezone.localdate())
    pdf = render_to_pdf(
        LETTER_PDF,
        {
            "context": context,
            "parts": rendering.template_parts(template, context),
            "logo_url": _logo_url(),
        },
        archival=True,
    )
    letter = NotificationLetter(
        number=number,
        subsidy=subsidy,
        template=template,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=user,
    )
    letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    return save_validated(letter, user)


def email_refusal(letter: NotificationLetter) -> str | None:
    beneficiary = letter.subsidy.beneficiary
    if not beneficiary.email:
        return mailing.NO_EMAIL.format(of_beneficiary=grammar.de(beneficiary.grammatical_name))
    return None


@transaction.atomic
def notification_letter_email(*, letter: NotificationLetter, user) -> NotificationLetter:
    """E-mail the frozen letter to the beneficiary's contact; the day is recorded."""
    services.require_preparer(user, "envoyer une lettre de notification")
    letter = NotificationLetter.objects.select_for_update().get(pk=letter.pk)
    reason = email_refusal(letter)
    if reason:
        raise ValidationError(reason, code="no_email")
    pdf = letter.frozen_pdf_bytes()
    letter.emailed_on = timezone.localdate()
    save_validated(letter, user)
    subsidy = letter.subsidy
    message = EmailMessage(
        subject=SUBJECT.format(year=subsidy.year, reference=subsidy.reference),
        body=render_to_string(
            "conventions/email/notification.txt",
            {"letter": letter, "subsidy": subsidy, "authority": Authority.current()},
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subsidy.beneficiary.email],
    )
    message.attach(f"{letter.number}.pdf", pdf, "application/pdf")
    message.send()
    return letter
