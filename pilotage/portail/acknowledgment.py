"""The acknowledgment of receipt of a request (accusé de réception): a PDF made with
core.pdf and an e-mail to the person who submitted it and the association.

Code des relations entre le public et l'administration, articles L112-3 and R112-5: the
date of receipt, the reference, the service in charge with its address and telephone,
and what the silence of the administration means.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import render_to_pdf
from subventions.applications import budget_totals
from subventions.models import Application, Authority

PDF_TEMPLATE = "portail/pdf/acknowledgment.html"
EMAIL_TEMPLATE = "portail/emails/acknowledgment.txt"
SUBJECT = "Accusé de réception de votre demande de subvention {reference}"
# The service in charge when the authority's record names none.
SERVICE_NAME = "Service des subventions aux associations"


def filename(application: Application) -> str:
    return f"accuse-reception-{application.subsidy.reference}.pdf"


def context(application: Application) -> dict:
    authority = Authority.current()
    return {
        "application": application,
        "subsidy": application.subsidy,
        "beneficiary": application.beneficiary,
        "authority": authority,
        "service_name": getattr(settings, "PORTAIL_SERVICE_NAME", SERVICE_NAME),
        "service_email": settings.DEFAULT_FROM_EMAIL,
        "received_at": timezone.localtime(application.submitted_at),
        "totals": budget_totals(application),
    }


def acknowledgment_pdf(application: Application) -> bytes:
    return render_to_pdf(PDF_TEMPLATE, context(application))


def send_acknowledgment(application: Application) -> None:
    """E-mail the acknowledgment, its PDF attached, to the submitter and the association."""
    recipients = [application.submitted_by.email] if application.submitted_by else []
    contact = (application.association or {}).get("contact_email")
    if contact and contact not in recipients:
        recipients.append(contact)
    message = EmailMessage(
        SUBJECT.format(reference=application.subsidy.reference),
        render_to_string(EMAIL_TEMPLATE, context(application)),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    message.attach(filename(application), acknowledgment_pdf(application), "application/pdf")
    message.send()
