"""Writes of the agreements: template versions, agreements, amendments, sending, closing.
Their signatures are conventions.signatures.

Keyword-only, one transaction each, `full_clean()` before saving; a refusal raises
ValidationError with a French reason (the constants below, which tests reuse) and leaves
the database — and the files — as they were. Status changes are the transitions of the
agreements' state machine (conventions.models.agreements), logged (core.workflow).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import workflow
from core.formatting import euros
from core.models import Counter
from core.services import delete_logged, save_validated
from subventions import payments
from subventions.enums import SubsidyStatus
from subventions.models import Subsidy
from subventions.roles import allowed

from . import templating
from .enums import SIGNED_STATUSES, AgreementStatus, TemplateKind
from .models import Agreement, AgreementArticle, AgreementTemplate, AgreementVisa, Amendment
from .models.agreements import NOT_YET_EXECUTORY
from .models.templates import AMENDMENT_TEMPLATE_NAME
from .permissions import SIGNATORY_ONLY

PREPARERS_ONLY = "Réservé au Responsable de service et au Secrétariat des assemblées : {action}."
TEMPLATE_EDITORS_ONLY = "Seul le Responsable de service modifie les modèles de convention."
NO_TEMPLATE = "Aucun modèle de convention n'est en vigueur."
SUBSIDY_NOT_VOTED = (
    "La subvention {subsidy} est au statut « {status} » : une convention se prépare une fois "
    "la subvention votée."
)
ALREADY_AN_AGREEMENT = "La subvention {subsidy} a déjà une convention ({number})."
NOT_EXECUTORY = NOT_YET_EXECUTORY
WRONG_STATUS = "Le document est au statut « {status} » : {action} n'est pas possible."
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


def require_role(user, action: str, message: str) -> None:
    if not allowed(user, action):
        raise ValidationError(message, code="permission")


def require_preparer(user, action: str) -> None:
    require_role(user, "prepare_agreements", PREPARERS_ONLY.format(action=action))


def locked(document):
    return type(document).objects.select_for_update().get(pk=document.pk)


def wrong_status(document, action: str) -> ValidationError:
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
    dated_visas=None,
) -> AgreementTemplate:
    """Save an edited template as a new version, which becomes the one in force.

    `articles`: (heading, body) pairs in order. `dated_visas`: dicts of AgreementVisa
    fields (text, applies_from, applies_until, authority_kind) in order; None keeps those
    of `base`. Earlier versions are left as they are: the agreements generated from them
    keep their text.
    """
    require_role(user, "edit_agreement_templates", TEMPLATE_EDITORS_ONLY)
    articles = [(heading, body) for heading, body in articles]
    name = name or (base.name if base else AgreementTemplate._meta.get_field("name").default)
    # An amendment template stays one: the kind follows the base, else the name's versions.
    previous = base or AgreementTemplate.objects.filter(name=name).order_by("-version").first()
    kind = previous.kind if previous else TemplateKind.AGREEMENT
    templating.check_template(
        title=title,
        visas=visas,
        preamble=preamble,
        articles=[(position, h, b) for position, (h, b) in enumerate(articles, start=1)],
        kind=kind,
    )
    versions = AgreementTemplate.objects.select_for_update().filter(name=name)
    last = versions.aggregate(last=Max("version"))["last"] or 0
    versions.filter(is_active=True).update(is_active=False)
    template = save_validated(
        AgreementTemplate(
            name=name,
            kind=kind,
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
        save_validated(
            AgreementArticle(template=template, position=position, heading=heading, body=body)
        )
    if dated_visas is None:
        dated_visas = [
            {field: getattr(visa, field) for field in VISA_FIELDS}
            for visa in (base.dated_visas.all() if base else [])
        ]
    for position, visa in enumerate(dated_visas, start=1):
        fields = {field: visa.get(field) or VISA_EMPTY[field] for field in VISA_FIELDS}
        save_validated(AgreementVisa(template=template, position=position, **fields), user)
    return template


VISA_FIELDS = ("text", "applies_from", "applies_until", "authority_kind")
VISA_EMPTY = {"text": "", "applies_from": None, "applies_until": None, "authority_kind": ""}


# Agreements


def _number(year: int) -> str:
    return f"CONV-{year}-{Counter.next_value(f'agreement-{year}'):04d}"


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
    require_role(
        user, "prepare_agreements", PREPARERS_ONLY.format(action="préparer une convention")
    )
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
        status=AgreementStatus.READY if subsidy.is_executory else AgreementStatus.DRAFT,
        **fields,
    )
    save_validated(agreement, user)
    record_financed_until(subsidy, agreement.end_date, user)
    return agreement


def record_financed_until(subsidy: Subsidy, end_date: datetime.date, user) -> None:
    """The agreement's period decides the last financed year, hence the date its financial
    report is due: written on the file's report, which the agreement's text then reads."""
    payments.report_create(subsidy=subsidy, last_year=end_date.year, user=user)


@transaction.atomic
def agreement_update(*, agreement: Agreement, user, **fields) -> Agreement:
    """Edit the period and signatories of an agreement not yet signed by the authority."""
    require_role(
        user, "prepare_agreements", PREPARERS_ONLY.format(action="modifier une convention")
    )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    agreement = locked(agreement)
    if agreement.is_frozen:
        raise ValidationError(FROZEN, code="frozen")
    for name, value in fields.items():
        setattr(agreement, name, value)
    save_validated(agreement, user)
    if "end_date" in fields:
        record_financed_until(agreement.subsidy, agreement.end_date, user)
    return agreement


def refresh_readiness(document, user) -> None:
    """A draft becomes ready for signature once the deliberation is executory."""
    if workflow.refusal(document, "make_ready", user) is None:
        workflow.apply(document, "make_ready", user)


@transaction.atomic
def document_send(*, document, user, sent_on: datetime.date | None = None):
    """Record that the document was sent to the beneficiary for signature."""
    require_preparer(user, "envoyer pour signature")
    document = locked(document)
    refresh_readiness(document, user)
    if document.status == AgreementStatus.DRAFT:
        raise ValidationError(NOT_EXECUTORY, code="not_executory")
    if document.status != AgreementStatus.READY:
        raise wrong_status(document, "l'envoi pour signature")
    workflow.apply(document, "send", user, sent_on=sent_on or timezone.localdate())
    return document


@transaction.atomic
def document_end(*, document, user, terminated: bool = False, note: str = ""):
    """Close an agreement at the end of its life, or terminate it (résiliation)."""
    if terminated:
        require_role(user, "sign_agreement", SIGNATORY_ONLY)
    else:
        require_role(
            user, "prepare_agreements", PREPARERS_ONLY.format(action="clore une convention")
        )
    document = locked(document)
    if document.status != AgreementStatus.IN_FORCE:
        raise wrong_status(document, "la résiliation" if terminated else "la clôture")
    with workflow.run_transition(
        document, "terminate" if terminated else "close", user, comment=note
    ):
        if note:
            document.note = f"{document.note}\n{note}".strip()
    return document


@transaction.atomic
def document_delete(*, document, user) -> None:
    """Delete an agreement or amendment the authority has not signed (a signed one is an
    act: it is closed or terminated, never deleted)."""
    require_preparer(user, "supprimer une convention")
    document = locked(document)
    if document.is_frozen:
        raise ValidationError(FROZEN, code="frozen")
    delete_logged(document, user)


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
    require_preparer(user, "préparer un avenant")
    agreement = locked(agreement)
    if not agreement.is_signed_by_authority or agreement.status != AgreementStatus.IN_FORCE:
        raise ValidationError(
            AMENDMENT_NEEDS_SIGNED_AGREEMENT.format(number=agreement.number), code="status"
        )
    pending = agreement.amendments.exclude(status__in=SIGNED_STATUSES).first()
    if pending is not None:
        raise ValidationError(AMENDMENT_PENDING.format(number=pending.number), code="pending")
    total = agreement.subsidy.granted_amount + Decimal(amount_change)
    if total < 0:
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
        # The amendment template in force; none installed, the fixed text of before.
        template=AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME),
    )
    return save_validated(amendment, user)
