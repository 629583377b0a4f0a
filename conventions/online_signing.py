"""The association signs its agreement from its space (issue 16), by one of three means:

- a simple electronic signature: its authenticated account, the explicit consent of its
  representative, the date, recorded (who, when, from which address); the generated PDF
  is then sealed by the authority's seal (core.signing.seal_signer), with a visible
  signature block in the beneficiary's place naming the representative;
- the scan of a copy signed on paper (checked as a PDF);
- a PDF it signed electronically with its own certificate (verified: at least one intact
  signature, core.signing.verify_pdf).

The copy is kept as the document's « exemplaire signé par le bénéficiaire » and the
signature recorded (BeneficiarySignature). The authority then signs last, as for a
signature recorded by its staff (conventions.signatures): nothing else changes.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import workflow
from core.services import save_validated
from subventions.account_checks import account_acts_for
from subventions.notifications import notify, staff_recipients

from . import rendering, signing
from .enums import SIGNED_STATUSES, AgreementStatus, BeneficiarySigningMethod
from .models import Agreement, BeneficiarySignature
from .permissions import ALREADY_SIGNED_BY_BENEFICIARY
from .services import NOT_EXECUTORY, locked, refresh_readiness, wrong_status
from .signatures import _check_signing_date, _complete, _pdf_name, _read

NOT_YOUR_AGREEMENT = "Vous n'agissez pas pour l'association de cette convention."
CONSENT_REQUIRED = (
    "Cochez la case de consentement : elle vaut signature de la convention par votre association."
)
NAME_REQUIRED = "Indiquez le nom du représentant qui signe."
TITLE_REQUIRED = "Indiquez sa qualité (président, présidente, trésorier…)."
FILE_REQUIRED = "Joignez la convention signée (PDF)."
NOT_SIGNED_ELECTRONICALLY = (
    "Ce PDF ne porte aucune signature électronique intacte : déposez le fichier signé avec "
    "votre certificat, ou choisissez « exemplaire signé sur papier »."
)
CONSENT_TEXT = (
    "Je, {name} ({title}), représentant {beneficiary}, signe la convention {number} et "
    "accepte ses termes au nom de l'association, par cette signature électronique."
)
SEAL_STAMP = (
    "Signé électroniquement par\n{name}, {title}\npour {beneficiary}\n"
    "le %(ts)s — scellé par %(signer)s"
)
SEAL_FIELD = "SignatureBeneficiaire"
SUBJECT_SIGNED = "Convention {number} signée par l'association"


def _check_may_sign(agreement: Agreement, user) -> Agreement:
    if not account_acts_for(user, agreement.subsidy.beneficiary):
        raise ValidationError(NOT_YOUR_AGREEMENT, code="role")
    agreement = locked(agreement)
    refresh_readiness(agreement, user)
    if agreement.beneficiary_signed_on is not None:
        raise ValidationError(ALREADY_SIGNED_BY_BENEFICIARY, code="status")
    if agreement.status == AgreementStatus.DRAFT:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    if agreement.status not in (AgreementStatus.READY, AgreementStatus.SENT, *SIGNED_STATUSES):
        raise wrong_status(agreement, "la signature du bénéficiaire")
    _check_signing_date(agreement, timezone.localdate())
    return agreement


def may_sign_online(agreement: Agreement | None, user) -> str | None:
    """Why the account may not sign this agreement now (French), or None."""
    if agreement is None:
        return "Aucune convention n'est encore préparée pour ce dossier."
    try:
        with transaction.atomic():
            _check_may_sign(agreement, user)
            transaction.set_rollback(True)
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return None


def _names(name: str, title: str) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = NAME_REQUIRED
    if not title.strip():
        errors["title"] = TITLE_REQUIRED
    if errors:
        raise ValidationError(errors)
    return {"name": name.strip(), "title": title.strip()}


def _record(agreement, *, user, method, names, content: bytes, ip, consent="", verification=""):
    """Keep the copy, the signature's record, and move the agreement on (« signée par le
    bénéficiaire », or still « en vigueur » when the authority signed first)."""
    sha256 = hashlib.sha256(content).hexdigest()
    agreement.beneficiary_signed_on = timezone.localdate()
    agreement.beneficiary_signatory_name = names["name"]
    agreement.beneficiary_signatory_title = names["title"]
    agreement.beneficiary_scan.save(
        _pdf_name(agreement, "beneficiaire", sha256), ContentFile(content), save=False
    )
    if agreement.status in (AgreementStatus.READY, AgreementStatus.SENT):
        workflow.apply(
            agreement,
            "sign_online_by_beneficiary",
            user,
            comment=BeneficiarySigningMethod(method).label,
        )
    else:
        save_validated(agreement, user)
    record = save_validated(
        BeneficiarySignature(
            agreement=agreement,
            method=method,
            signed_by=user,
            signatory_name=names["name"],
            signatory_title=names["title"],
            ip_address=ip or None,
            consent=consent,
            document_sha256=sha256,
            verification=verification,
        ),
        user,
    )
    if agreement.is_signed_by_both:
        _complete(agreement)
    notify(
        to=staff_recipients(agreement.subsidy),
        subject=SUBJECT_SIGNED.format(number=agreement.number),
        template="conventions/email/agreement_signed_online",
        context={"agreement": agreement, "record": record, "subsidy": agreement.subsidy},
    )
    return record


def consent_text(agreement: Agreement, *, name: str, title: str) -> str:
    return CONSENT_TEXT.format(
        name=name, title=title, beneficiary=agreement.subsidy.beneficiary, number=agreement.number
    )


@transaction.atomic
def agreement_sign_online(
    *, agreement: Agreement, user, name: str, title: str, consent: bool, ip: str | None
) -> BeneficiarySignature:
    """The representative signs with its account and its explicit consent: the generated
    PDF, sealed by the authority's seal with a visible block naming the representative,
    becomes the association's signed copy."""
    agreement = _check_may_sign(agreement, user)
    names = _names(name, title)
    if not consent:
        raise ValidationError({"consent": CONSENT_REQUIRED})
    seal = signing.seal_signer()
    rendered = rendering.build_pdf(agreement)
    if rendered.beneficiary_box is None:
        page, box = rendered.signature_page, rendered.signature_box
    else:
        page, box = rendered.beneficiary_page, rendered.beneficiary_box
    beneficiary = agreement.subsidy.beneficiary
    sealed = signing.sign_pdf(
        rendered.content,
        signer=seal,
        page=page,
        box=box,
        reason=f"Signature électronique simple de {names['name']} pour {beneficiary}",
        location="Espace association",
        field_name=SEAL_FIELD,
        stamp_text=SEAL_STAMP.format(beneficiary=beneficiary, **names),
    )
    return _record(
        agreement,
        user=user,
        method=BeneficiarySigningMethod.SIMPLE,
        names=names,
        content=sealed,
        ip=ip,
        consent=consent_text(agreement, **names),
    )


@transaction.atomic
def agreement_upload_signed(
    *, agreement: Agreement, user, name: str, title: str, file, electronic: bool, ip: str | None
) -> BeneficiarySignature:
    """The association sends the agreement it signed: a scan of the paper copy, or a PDF
    it signed with its own certificate (its signatures verified)."""
    agreement = _check_may_sign(agreement, user)
    names = _names(name, title)
    if not file:
        raise ValidationError({"file": FILE_REQUIRED})
    content = _read(file)
    try:
        signing.check_pdf(content)
    except ValidationError as refusal:
        raise ValidationError({"file": refusal.messages}) from refusal
    verification = ""
    if electronic:
        reports = signing.verify_pdf(content)
        if not any(report.ok for report in reports):
            raise ValidationError({"file": NOT_SIGNED_ELECTRONICALLY})
        verification = "\n".join(report.summary() for report in reports)
    method = BeneficiarySigningMethod.PAPER_SCAN
    if electronic:
        method = BeneficiarySigningMethod.OWN_CERTIFICATE
    return _record(
        agreement,
        user=user,
        method=method,
        names=names,
        content=content,
        ip=ip,
        verification=verification,
    )
