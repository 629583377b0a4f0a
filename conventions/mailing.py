"""Documents sent to the beneficiary by e-mail, their PDF attached: an agreement or an
amendment (for signature, or its signed copy).

The PDF attached is the document's current one (conventions.rendering.render_pdf): the
signed PDF exactly as kept once the authority has signed, else the PDF generated from
its template version. The e-mail leaves inside the service's transaction, last: if it
cannot be sent, nothing is recorded.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import grammar
from core.services import save_validated
from subventions.models import Authority

from . import rendering, services
from .enums import AgreementStatus
from .models import Amendment

NO_EMAIL = (
    "La fiche {of_beneficiary} n'a pas d'adresse électronique : renseignez son courriel de "
    "contact avant d'envoyer le document."
)
NOT_SENDABLE = (
    "Le document est au statut « {status} » : il s'envoie une fois prêt pour signature, "
    "ou signé par la collectivité."
)
SENT = "{document} envoyé{e} par courriel à {email}."
SUBJECT_FOR_SIGNATURE = "{document} à signer — subvention {year} ({reference})"
SUBJECT_SIGNED = "{document} signé{e} — subvention {year} ({reference})"

# What may be e-mailed: ready or already sent (for signature, again), or signed by the
# authority (its signed copy).
SENDABLE = (
    AgreementStatus.READY,
    AgreementStatus.SENT,
    AgreementStatus.IN_FORCE,
    AgreementStatus.CLOSED,
    AgreementStatus.TERMINATED,
)


def email_refusal(document) -> str | None:
    """Why `document` cannot be e-mailed to its beneficiary now, or None."""
    beneficiary = document.subsidy.beneficiary
    if not beneficiary.email:
        return NO_EMAIL.format(of_beneficiary=grammar.de(beneficiary.grammatical_name))
    if document.status not in SENDABLE and document.status != AgreementStatus.DRAFT:
        return NOT_SENDABLE.format(status=document.get_status_display().lower())
    return None


def file_name(document) -> str:
    return f"{getattr(document, 'reference', None) or document.number}.pdf"


def _message(document, pdf: bytes) -> EmailMessage:
    subsidy = document.subsidy
    feminine = not isinstance(document, Amendment)
    words = {
        "document": str(document),
        "year": subsidy.year,
        "reference": subsidy.reference,
        "e": "e" if feminine else "",
    }
    subject = (SUBJECT_SIGNED if document.is_frozen else SUBJECT_FOR_SIGNATURE).format(**words)
    body = render_to_string(
        "conventions/email/document.txt",
        {
            "document": document,
            "subsidy": subsidy,
            "beneficiary": subsidy.beneficiary,
            "authority": Authority.current(),
            "signed": document.is_frozen,
            "feminine": feminine,
        },
    )
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subsidy.beneficiary.email],
    )
    message.attach(file_name(document), pdf, "application/pdf")
    return message


@transaction.atomic
def document_email(*, document, user):
    """E-mail the document's PDF to the beneficiary's contact and record the day; a document
    ready for signature becomes « envoyée pour signature » (services.document_send)."""
    services.require_preparer(user, "envoyer un document au bénéficiaire")
    document = services.locked(document)
    reason = email_refusal(document)
    if reason:
        raise ValidationError(reason, code="not_sendable")
    today = timezone.localdate()
    if document.status in (AgreementStatus.DRAFT, AgreementStatus.READY):
        document = services.document_send(document=document, user=user, sent_on=today)
    pdf = rendering.render_pdf(document)
    document.emailed_on = today
    save_validated(document, user)
    _message(document, pdf).send()
    return document
