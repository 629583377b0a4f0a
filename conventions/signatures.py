"""The signatures of an agreement or amendment: the beneficiary's, then the authority's,
on paper (the scan of the signed original) or electronically (PAdES, pyHanko).

Rules (DESIGN.md §4): nothing is signed before the deliberation granting the subsidy is
executory; only the Signataire signs for the authority, last; from the authority's
signature the document is in force and frozen (its generated PDF, its signed PDF and their
SHA-256 are kept). What that changes for the file is written on it through the subsidies'
services: both parties signed → « conventionnée »; an amendment signed → its amount.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import workflow
from core.confirm import require_confirmation
from core.formatting import short_date
from core.services import save_validated
from subventions import services as subsidy_services
from subventions.enums import SubsidyStatus

from . import rendering, signing
from .enums import SIGNED_STATUSES, AgreementStatus, SignatureMethod
from .models import Amendment
from .permissions import ALREADY_SIGNED_BY_AUTHORITY, ALREADY_SIGNED_BY_BENEFICIARY, SIGNATORY_ONLY
from .services import (
    AMENDMENT_NEEDS_SIGNED_AGREEMENT,
    NOT_EXECUTORY,
    PREPARERS_ONLY,
    locked,
    record_financed_until,
    refresh_readiness,
    require_role,
    wrong_status,
)

BENEFICIARY_SIGNS_FIRST = (
    "La collectivité signe en dernier : enregistrez d'abord la signature du bénéficiaire "
    "(ou sa date, avec l'original signé numérisé)."
)
SIGNED_BEFORE_EXECUTORY = (
    "La date de signature ({date}) précède la date à laquelle la délibération est devenue "
    "exécutoire ({executory})."
)
SIGNED_IN_FUTURE = "La date de signature ({date}) est dans le futur."
SCAN_REQUIRED = "Joignez l'exemplaire signé numérisé (PDF)."
PERIOD_ENDED_LONG_AGO = (
    "La période de {document} s'est achevée le {end}, plus d'un an avant la date de "
    "signature ({date}) : une signature si tardive est inhabituelle."
)
# Beyond this, signing a document whose period has ended asks for a confirmation.
LATE_SIGNATURE_DAYS = 365


def _check_signing_date(document, signed_on: datetime.date) -> None:
    executory = document.subsidy.executory_on
    if executory is None:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    if signed_on < executory:
        raise ValidationError(
            SIGNED_BEFORE_EXECUTORY.format(
                date=short_date(signed_on), executory=short_date(executory)
            ),
            code="not_executory",
        )
    if signed_on > timezone.localdate():
        raise ValidationError(SIGNED_IN_FUTURE.format(date=short_date(signed_on)), code="date")


def _read(upload) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content


def _pdf_name(document, suffix: str, sha256: str) -> str:
    reference = document.reference if isinstance(document, Amendment) else document.number
    return f"{reference}-{suffix}-{sha256[:12]}.pdf"


@transaction.atomic
def document_record_beneficiary_signature(
    *,
    document,
    user,
    signed_on: datetime.date,
    scan=None,
    name: str = "",
    title: str = "",
):
    """The beneficiary signed (on paper, usually first): its date, and its copy if given."""
    require_role(
        user,
        "record_beneficiary_signature",
        PREPARERS_ONLY.format(action="enregistrer la signature du bénéficiaire"),
    )
    document = locked(document)
    refresh_readiness(document, user)
    if document.beneficiary_signed_on is not None:
        raise ValidationError(ALREADY_SIGNED_BY_BENEFICIARY, code="status")
    if document.status not in (AgreementStatus.READY, AgreementStatus.SENT, *SIGNED_STATUSES):
        if document.status == AgreementStatus.DRAFT:
            raise ValidationError(NOT_EXECUTORY, code="not_executory")
        raise wrong_status(document, "la signature du bénéficiaire")
    _check_signing_date(document, signed_on)
    if scan is not None:
        content = _read(scan)
        signing.check_pdf(content)
    document.beneficiary_signed_on = signed_on
    document.beneficiary_signatory_name = name or document.beneficiary_signatory_name
    document.beneficiary_signatory_title = title or document.beneficiary_signatory_title
    if scan is not None:
        sha256 = hashlib.sha256(content).hexdigest()
        document.beneficiary_scan.save(
            _pdf_name(document, "beneficiaire", sha256), ContentFile(content), save=False
        )
    if document.status in (AgreementStatus.READY, AgreementStatus.SENT):
        workflow.apply(document, "record_beneficiary_signature", user)
    else:  # signed by the authority first: its status stays « en vigueur »
        save_validated(document, user)
    _complete(document)
    return document


def _late_signature_note(document, signed_on: datetime.date, confirmed: bool, reason: str):
    """Signing long after the period ended asks for a confirmation with a reason, which
    becomes the comment of the « sign » transition (empty when nothing was odd)."""
    agreement = document.agreement if isinstance(document, Amendment) else document
    end = getattr(document, "new_end_date", None) or agreement.end_date
    if (signed_on - end).days <= LATE_SIGNATURE_DAYS:
        return ""
    warning = PERIOD_ENDED_LONG_AGO.format(
        document=document, end=short_date(end), date=short_date(signed_on)
    )
    return require_confirmation(warning, confirmed=confirmed, reason=reason)


def _check_authority_may_sign(
    document, user, signed_on: datetime.date, beneficiary_signed_on: datetime.date | None = None
):
    require_role(user, "sign_agreement", SIGNATORY_ONLY)
    document = locked(document)
    refresh_readiness(document, user)
    if document.is_frozen:
        raise ValidationError(ALREADY_SIGNED_BY_AUTHORITY, code="status")
    if document.status == AgreementStatus.DRAFT:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    _check_signing_date(document, signed_on)
    if isinstance(document, Amendment) and not document.agreement.is_signed_by_authority:
        raise ValidationError(
            AMENDMENT_NEEDS_SIGNED_AGREEMENT.format(number=document.agreement.number),
            code="status",
        )
    # The authority signs last: its signature puts the document in force (DESIGN.md §4).
    if document.beneficiary_signed_on is None and beneficiary_signed_on is None:
        raise ValidationError(BENEFICIARY_SIGNS_FIRST, code="order")
    return document


def _freeze(document, *, user, signed_on, method, generated: bytes, signed: bytes) -> None:
    """Keep the generated and the signed PDF with their SHA-256: the document is in force."""
    authority = rendering.document_authority(document)
    names = rendering.signatories(document)
    document.authority_signatory_name = names["authority"]["name"] or authority.president_name
    document.authority_signatory_title = names["authority"]["title"]
    document.beneficiary_signatory_name = names["beneficiary"]["name"]
    document.beneficiary_signatory_title = names["beneficiary"]["title"]
    document.generated_pdf_sha256 = hashlib.sha256(generated).hexdigest()
    document.generated_pdf.save(
        _pdf_name(document, "generee", document.generated_pdf_sha256),
        ContentFile(generated),
        save=False,
    )
    document.signed_pdf_sha256 = hashlib.sha256(signed).hexdigest()
    document.signed_pdf.save(
        _pdf_name(document, "signee", document.signed_pdf_sha256), ContentFile(signed), save=False
    )
    document.authority_signed_on = signed_on
    document.authority_signed_by = user
    document.signature_method = method


def _sign(
    document, *, user, signed_on, method, generated: bytes, signed: bytes, comment: str = ""
) -> None:
    """The authority's signature puts the document in force (its transition « sign »),
    with both PDFs kept; if the database refuses, the files written for it are removed.
    A signed amendment changes what the file is granted (written on the file)."""
    try:
        with workflow.run_transition(document, "sign", user, comment=comment):
            _freeze(
                document,
                user=user,
                signed_on=signed_on,
                method=method,
                generated=generated,
                signed=signed,
            )
    except Exception:
        for field in ("generated_pdf", "signed_pdf"):
            file = getattr(document, field)
            if file:
                file.storage.delete(file.name)
        raise
    if isinstance(document, Amendment) and document.amount_change:
        subsidy_services.subsidy_record_amendment(
            subsidy=document.subsidy, amount_change=document.amount_change, user=user
        )
    if isinstance(document, Amendment) and document.new_end_date:
        record_financed_until(document.subsidy, document.new_end_date, user)


@transaction.atomic
def document_sign_paper(
    *,
    document,
    user,
    scan,
    signed_on: datetime.date,
    beneficiary_signed_on: datetime.date | None = None,
    confirmed: bool = False,
    reason: str = "",
):
    """The authority signed on paper: the scan of the signed original is kept as the
    signed PDF (checked by content, 20 MB at most), with the PDF it was printed from."""
    document = _check_authority_may_sign(document, user, signed_on, beneficiary_signed_on)
    note = _late_signature_note(document, signed_on, confirmed, reason)
    if scan is None:
        raise ValidationError(SCAN_REQUIRED, code="required")
    content = _read(scan)
    signing.check_pdf(content)
    if beneficiary_signed_on is not None and document.beneficiary_signed_on is None:
        _check_signing_date(document, beneficiary_signed_on)
        document.beneficiary_signed_on = beneficiary_signed_on
    generated = rendering.build_pdf(document).content
    _sign(
        document,
        user=user,
        signed_on=signed_on,
        method=SignatureMethod.PAPER,
        generated=generated,
        signed=content,
        comment=note,
    )
    _complete(document)
    return document


@transaction.atomic
def document_sign_electronic(
    *,
    document,
    user,
    p12: bytes,
    password: str,
    signed_on: datetime.date | None = None,
    confirmed: bool = False,
    reason: str = "",
):
    """The authority signs the generated PDF as PAdES (pyHanko), in its signature block."""
    signed_on = signed_on or timezone.localdate()
    document = _check_authority_may_sign(document, user, signed_on)
    signer = signing.load_signer(p12, password)
    note = _late_signature_note(document, signed_on, confirmed, reason)
    # The date shows in « Fait à Lille, le … » of the signed PDF.
    document.authority_signed_on = signed_on
    rendered = rendering.build_pdf(document)
    authority = rendering.document_authority(document)
    signed = signing.sign_pdf(
        rendered.content,
        signer=signer,
        page=rendered.signature_page,
        box=rendered.signature_box,
        reason=f"Signature de {document} pour {authority.name}",
        location=authority.seat_city,
    )
    _sign(
        document,
        user=user,
        signed_on=signed_on,
        method=SignatureMethod.ELECTRONIC,
        generated=rendered.content,
        signed=signed,
        comment=note,
    )
    _complete(document)
    return document


def _complete(document) -> None:
    """Both parties signed an agreement: the date is written on its file, and a voted
    file becomes « conventionnée »."""
    if isinstance(document, Amendment) or not document.is_signed_by_both:
        return
    subsidy = document.subsidy
    subsidy.refresh_from_db()
    if subsidy.agreement_signed_on is None and subsidy.status == SubsidyStatus.VOTED:
        subsidy_services.subsidy_record_agreement_signed(
            subsidy=subsidy,
            signed_on=max(document.authority_signed_on, document.beneficiary_signed_on),
            user=document.authority_signed_by,
            comment=f"Convention {document.number} signée par les deux parties",
        )
