"""Writes of the agreements: templates, agreements, amendments, signatures.

Keyword-only, one transaction each, `full_clean()` before saving; a refusal raises
ValidationError with a French reason (the constants below, which tests reuse) and leaves
the database — and the files — as they were.

Rules (DESIGN.md §4): nothing is signed before the deliberation granting the subsidy is
executory; only the Signataire signs for the authority; from the authority's signature
the document is in force and frozen (its generated PDF, its signed PDF and their SHA-256
are kept); once both parties have signed an agreement, its subsidy becomes
« conventionnée » (subsidy_transition "sign_agreement", by the signatory).
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.workflow import has_role
from deliberations.selectors import granting_deliberation
from subventions import services as subsidy_services
from subventions.enums import Role, SubsidyStatus
from subventions.models import Authority, Sequence, Subsidy

from . import rendering, signing, templating
from .enums import SIGNED_STATUSES, AgreementStatus, SignatureMethod
from .models import Agreement, AgreementArticle, AgreementTemplate, Amendment

PREPARERS = (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT)
PREPARERS_ONLY = "Réservé au Responsable de service et au Secrétariat des assemblées : {action}."
BENEFICIARY_SIGNS_FIRST = (
    "La collectivité signe en dernier : enregistrez d'abord la signature du bénéficiaire "
    "(ou sa date, avec l'original signé numérisé)."
)
SIGNATORY_ONLY = "Seul le rôle Signataire signe pour la collectivité."
TEMPLATE_EDITORS_ONLY = "Seul le Responsable de service modifie les modèles de convention."
NO_TEMPLATE = "Aucun modèle de convention n'est en vigueur."
SUBSIDY_NOT_VOTED = (
    "La subvention {subsidy} est au statut « {status} » : une convention se prépare une fois "
    "la subvention votée."
)
ALREADY_AN_AGREEMENT = "La subvention {subsidy} a déjà une convention ({number})."
NOT_EXECUTORY = (
    "La délibération accordant la subvention n'est pas encore exécutoire : aucune signature "
    "avant cette date."
)
SIGNED_BEFORE_EXECUTORY = (
    "La date de signature ({date}) précède la date à laquelle la délibération est devenue "
    "exécutoire ({executory})."
)
SIGNED_IN_FUTURE = "La date de signature ({date}) est dans le futur."
WRONG_STATUS = "Le document est au statut « {status} » : {action} n'est pas possible."
ALREADY_SIGNED_BY_AUTHORITY = "Le document est déjà signé par la collectivité."
ALREADY_SIGNED_BY_BENEFICIARY = "Le bénéficiaire a déjà signé ce document."
SCAN_REQUIRED = "Joignez l'exemplaire signé numérisé (PDF)."
FROZEN = "Le document est signé par la collectivité : il ne se modifie plus, passez par un avenant."
AMENDMENT_NEEDS_SIGNED_AGREEMENT = (
    "Un avenant modifie une convention signée par la collectivité ; la convention {number} "
    "ne l'est pas."
)
AMENDMENT_NEGATIVE_TOTAL = "Le montant de la subvention ne peut devenir négatif ({amount})."
AMENDMENT_PENDING = "L'avenant n° {number} n'est pas encore signé : signez-le ou supprimez-le."

EDITABLE_FIELDS = (
    "start_date",
    "end_date",
    "authority_signatory_name",
    "authority_signatory_title",
    "beneficiary_signatory_name",
    "beneficiary_signatory_title",
    "note",
)


def _require(user, roles, message: str) -> None:
    if not has_role(user, *roles):
        raise ValidationError(message, code="permission")


def _locked(document):
    return type(document).objects.select_for_update().get(pk=document.pk)


def _agreement_of(document) -> Agreement:
    return document.agreement if isinstance(document, Amendment) else document


def executory_date(document) -> datetime.date | None:
    deliberation = granting_deliberation(_agreement_of(document).subsidy)
    return deliberation.executory_date if deliberation else None


def _wrong_status(document, action: str) -> ValidationError:
    return ValidationError(
        WRONG_STATUS.format(status=document.get_status_display().lower(), action=action),
        code="status",
    )


# Templates


@transaction.atomic
def agreement_template_new_version(
    *,
    user,
    base: AgreementTemplate | None = None,
    name: str | None = None,
    title: str,
    visas: str,
    preamble: str,
    articles,
    change_note: str = "",
) -> AgreementTemplate:
    """Save an edited template as a new version, which becomes the one in force.

    `articles`: (heading, body) pairs in order. Earlier versions are left as they are:
    the agreements generated from them keep their text.
    """
    if not (user.is_superuser or has_role(user, Role.HEAD_OF_SERVICE)):
        raise ValidationError(TEMPLATE_EDITORS_ONLY, code="permission")
    articles = [(heading, body) for heading, body in articles]
    templating.check_template(
        title=title,
        visas=visas,
        preamble=preamble,
        articles=[(position, h, b) for position, (h, b) in enumerate(articles, start=1)],
    )
    name = name or (base.name if base else AgreementTemplate._meta.get_field("name").default)
    versions = AgreementTemplate.objects.select_for_update().filter(name=name)
    last = versions.aggregate(last=Max("version"))["last"] or 0
    versions.filter(is_active=True).update(is_active=False)
    template = subsidy_services.save_validated(
        AgreementTemplate(
            name=name,
            version=last + 1,
            is_active=True,
            title=title,
            visas=visas,
            preamble=preamble,
            change_note=change_note,
            created_by=user if user.is_authenticated else None,
        ),
        user,
    )
    for position, (heading, body) in enumerate(articles, start=1):
        subsidy_services.save_validated(
            AgreementArticle(template=template, position=position, heading=heading, body=body)
        )
    return template


# Agreements


def _number(year: int) -> str:
    return f"CONV-{year}-{Sequence.next_value(f'agreement-{year}'):04d}"


@transaction.atomic
def agreement_create(
    *,
    subsidy: Subsidy,
    user,
    template: AgreementTemplate | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    **fields,
) -> Agreement:
    """The agreement of a voted subsidy, from the template in force.

    Mandatory above the threshold, optional at or below it (staff choose): this function
    refuses neither; payment is what waits for the signature (the subsidy's status).
    It is ready for signature at once when the deliberation is already executory.
    """
    _require(user, PREPARERS, PREPARERS_ONLY.format(action="préparer une convention"))
    subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    if subsidy.status != SubsidyStatus.VOTED:
        raise ValidationError(
            SUBSIDY_NOT_VOTED.format(
                subsidy=subsidy.reference, status=subsidy.get_status_display()
            ),
            code="status",
        )
    existing = Agreement.objects.filter(subsidy=subsidy).first()
    if existing is not None:
        raise ValidationError(
            ALREADY_AN_AGREEMENT.format(subsidy=subsidy.reference, number=existing.number),
            code="duplicate",
        )
    template = template or AgreementTemplate.active()
    if template is None:
        raise ValidationError(NO_TEMPLATE, code="template")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {', '.join(sorted(unknown))}")
    agreement = Agreement(
        number=_number(subsidy.year),
        subsidy=subsidy,
        template=template,
        start_date=start_date or datetime.date(subsidy.year, 1, 1),
        end_date=end_date or datetime.date(subsidy.year, 12, 31),
        status=AgreementStatus.READY if executory_date_of(subsidy) else AgreementStatus.DRAFT,
        **fields,
    )
    return subsidy_services.save_validated(agreement, user)


def executory_date_of(subsidy: Subsidy) -> datetime.date | None:
    deliberation = granting_deliberation(subsidy)
    return deliberation.executory_date if deliberation else None


@transaction.atomic
def agreement_update(*, agreement: Agreement, user, **fields) -> Agreement:
    """Edit the period and signatories of an agreement not yet signed by the authority."""
    _require(user, PREPARERS, PREPARERS_ONLY.format(action="modifier une convention"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    agreement = _locked(agreement)
    if agreement.is_frozen:
        raise ValidationError(FROZEN, code="frozen")
    for name, value in fields.items():
        setattr(agreement, name, value)
    return subsidy_services.save_validated(agreement, user)


def refresh_readiness(document) -> None:
    """A draft becomes ready for signature once the deliberation is executory."""
    if document.status == AgreementStatus.DRAFT and executory_date(document):
        document.status = AgreementStatus.READY


@transaction.atomic
def document_send(*, document, user, sent_on: datetime.date | None = None):
    """Record that the document was sent to the beneficiary for signature."""
    _require(user, PREPARERS, PREPARERS_ONLY.format(action="envoyer pour signature"))
    document = _locked(document)
    refresh_readiness(document)
    if document.status == AgreementStatus.DRAFT:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    if document.status != AgreementStatus.READY:
        raise _wrong_status(document, "l'envoi pour signature")
    document.status = AgreementStatus.SENT
    document.sent_on = sent_on or timezone.localdate()
    return subsidy_services.save_validated(document, user)


def _check_signing_date(document, signed_on: datetime.date) -> None:
    executory = executory_date(document)
    if executory is None:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    from core.formatting import short_date

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
    if not has_role(user, *PREPARERS, Role.SIGNATORY):
        raise ValidationError(
            PREPARERS_ONLY.format(action="enregistrer la signature du bénéficiaire"),
            code="permission",
        )
    document = _locked(document)
    refresh_readiness(document)
    if document.beneficiary_signed_on is not None:
        raise ValidationError(ALREADY_SIGNED_BY_BENEFICIARY, code="status")
    if document.status not in (AgreementStatus.READY, AgreementStatus.SENT, *SIGNED_STATUSES):
        if document.status == AgreementStatus.DRAFT:
            raise ValidationError(NOT_EXECUTORY, code="not_executory")
        raise _wrong_status(document, "la signature du bénéficiaire")
    _check_signing_date(document, signed_on)
    if scan is not None:
        content = _read(scan)
        signing.check_pdf(content)
    document.beneficiary_signed_on = signed_on
    document.beneficiary_signatory_name = name or document.beneficiary_signatory_name
    document.beneficiary_signatory_title = title or document.beneficiary_signatory_title
    if document.status in (AgreementStatus.READY, AgreementStatus.SENT):
        document.status = AgreementStatus.SIGNED_BY_BENEFICIARY
    if scan is not None:
        sha256 = hashlib.sha256(content).hexdigest()
        document.beneficiary_scan.save(
            _pdf_name(document, "beneficiaire", sha256), ContentFile(content), save=False
        )
    subsidy_services.save_validated(document, user)
    _complete(document)
    return document


def _check_authority_may_sign(
    document, user, signed_on: datetime.date, beneficiary_signed_on: datetime.date | None = None
):
    if not has_role(user, Role.SIGNATORY):
        raise ValidationError(SIGNATORY_ONLY, code="permission")
    document = _locked(document)
    refresh_readiness(document)
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
    authority = Authority.current()
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
    document.status = AgreementStatus.IN_FORCE


def _store(document, user) -> None:
    """Save; if the database refuses, remove the files written for it."""
    try:
        subsidy_services.save_validated(document, user)
    except Exception:
        for field in ("generated_pdf", "signed_pdf"):
            file = getattr(document, field)
            if file:
                file.storage.delete(file.name)
        raise


@transaction.atomic
def document_sign_paper(
    *,
    document,
    user,
    scan,
    signed_on: datetime.date,
    beneficiary_signed_on: datetime.date | None = None,
):
    """The authority signed on paper: the scan of the signed original is kept as the
    signed PDF (checked by content, 20 MB at most), with the PDF it was printed from."""
    document = _check_authority_may_sign(document, user, signed_on, beneficiary_signed_on)
    if scan is None:
        raise ValidationError(SCAN_REQUIRED, code="required")
    content = _read(scan)
    signing.check_pdf(content)
    if beneficiary_signed_on is not None and document.beneficiary_signed_on is None:
        _check_signing_date(document, beneficiary_signed_on)
        document.beneficiary_signed_on = beneficiary_signed_on
    generated = rendering.build_pdf(document).content
    _freeze(
        document,
        user=user,
        signed_on=signed_on,
        method=SignatureMethod.PAPER,
        generated=generated,
        signed=content,
    )
    _store(document, user)
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
):
    """The authority signs the generated PDF as PAdES (pyHanko), in its signature block."""
    signed_on = signed_on or timezone.localdate()
    document = _check_authority_may_sign(document, user, signed_on)
    signer = signing.load_signer(p12, password)
    # The date shows in « Fait à Lille, le … » of the signed PDF.
    document.authority_signed_on = signed_on
    rendered = rendering.build_pdf(document)
    authority = Authority.current()
    signed = signing.sign_pdf(
        rendered.content,
        signer=signer,
        page=rendered.signature_page,
        box=rendered.signature_box,
        reason=f"Signature de {document} pour {authority.name}",
        location=authority.seat_city,
    )
    _freeze(
        document,
        user=user,
        signed_on=signed_on,
        method=SignatureMethod.ELECTRONIC,
        generated=rendered.content,
        signed=signed,
    )
    _store(document, user)
    _complete(document)
    return document


def _complete(document) -> None:
    """Both parties signed an agreement: its voted subsidy becomes « conventionnée »."""
    if isinstance(document, Amendment) or not document.is_signed_by_both:
        return
    subsidy = document.subsidy
    subsidy.refresh_from_db()
    if subsidy.status == SubsidyStatus.VOTED:
        subsidy_services.subsidy_transition(
            subsidy=subsidy,
            action="sign_agreement",
            user=document.authority_signed_by,
            comment=f"Convention {document.number} signée par les deux parties",
        )


@transaction.atomic
def document_end(*, document, user, terminated: bool = False, note: str = ""):
    """Close an agreement at the end of its life, or terminate it (résiliation)."""
    if terminated:
        _require(user, (Role.SIGNATORY,), SIGNATORY_ONLY)
    else:
        _require(user, PREPARERS, PREPARERS_ONLY.format(action="clore une convention"))
    document = _locked(document)
    if document.status != AgreementStatus.IN_FORCE:
        raise _wrong_status(document, "la résiliation" if terminated else "la clôture")
    document.status = AgreementStatus.TERMINATED if terminated else AgreementStatus.CLOSED
    if note:
        document.note = f"{document.note}\n{note}".strip()
    return subsidy_services.save_validated(document, user)


# Amendments


@transaction.atomic
def amendment_create(
    *,
    agreement: Agreement,
    user,
    reason: str,
    amount_change: Decimal = Decimal("0"),
    new_end_date: datetime.date | None = None,
) -> Amendment:
    """A numbered amendment of an agreement in force; ready for signature at once."""
    _require(user, PREPARERS, PREPARERS_ONLY.format(action="préparer un avenant"))
    agreement = _locked(agreement)
    if not agreement.is_signed_by_authority or agreement.status != AgreementStatus.IN_FORCE:
        raise ValidationError(
            AMENDMENT_NEEDS_SIGNED_AGREEMENT.format(number=agreement.number), code="status"
        )
    pending = agreement.amendments.exclude(status__in=SIGNED_STATUSES).first()
    if pending is not None:
        raise ValidationError(AMENDMENT_PENDING.format(number=pending.number), code="pending")
    from .selectors import current_amount

    total = current_amount(agreement.subsidy) + Decimal(amount_change)
    if total < 0:
        from core.formatting import euros

        raise ValidationError(
            {"amount_change": AMENDMENT_NEGATIVE_TOTAL.format(amount=euros(total))}
        )
    last = agreement.amendments.aggregate(last=Max("number"))["last"] or 0
    amendment = Amendment(
        agreement=agreement,
        number=last + 1,
        reason=reason,
        amount_change=amount_change,
        new_end_date=new_end_date,
        status=AgreementStatus.READY,
    )
    return subsidy_services.save_validated(amendment, user)
