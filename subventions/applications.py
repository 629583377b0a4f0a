"""The requests typed by associations (Cerfa 12156*06) and their document vault: saving
each step of a draft, keeping the pieces, the completeness check and the submission that
creates the subsidy file through the file's own services.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.formatting import euros
from core.services import assign, save_validated

from . import services
from .enums import ApplicationStatus, ApplicationStep, PartnerKind, VaultDocumentKind
from .memberships import beneficiaries_for_account
from .models import Application, Beneficiary, FundingPartner, Subsidy, VaultDocument
from .models.beneficiaries import REPUBLICAN_COMMITMENT_FROM

# The Cerfa's standard account headings (plan comptable associatif).
CHARGE_HEADINGS = (
    ("60", "60 – Achats"),
    ("61", "61 – Services extérieurs"),
    ("62", "62 – Autres services extérieurs"),
    ("63", "63 – Impôts et taxes"),
    ("64", "64 – Charges de personnel"),
    ("65", "65 – Autres charges de gestion courante"),
    ("66", "66 – Charges financières"),
    ("67", "67 – Charges exceptionnelles"),
    ("68", "68 – Dotation aux amortissements"),
)
INCOME_HEADINGS = (
    ("70", "70 – Vente de produits finis, prestations de services, marchandises"),
    ("73", "73 – Dotations et produits de tarification"),
    ("75", "75 – Autres produits de gestion courante (cotisations, dons…)"),
    ("76", "76 – Produits financiers"),
    ("77", "77 – Produits exceptionnels"),
    ("78", "78 – Reprises sur amortissements et provisions"),
)
# The public funders of heading 74 (« subventions d'exploitation ») the Cerfa lists.
FUNDER_KINDS = (
    ("etat", "État"),
    ("region", "Région"),
    ("departement", "Département"),
    ("intercommunalite", "Intercommunalité (EPCI)"),
    ("commune", "Commune"),
    ("fonds_europeens", "Fonds européens"),
    ("autre", "Autre financeur public"),
)
PARTNER_KIND_OF_FUNDER = {
    "etat": PartnerKind.STATE,
    "region": PartnerKind.REGION,
    "departement": PartnerKind.DEPARTMENT,
    "intercommunalite": PartnerKind.LOCAL_AUTHORITY,
    "commune": PartnerKind.LOCAL_AUTHORITY,
    "fonds_europeens": PartnerKind.EUROPEAN_UNION,
    "autre": PartnerKind.OTHER,
}
# Code de commerce L612-4: an association receiving 153 000 € or more of public subsidies
# in a year appoints an auditor (commissaire aux comptes).
AUDITOR_THRESHOLD = Decimal("153000")
REQUIRED_DOCUMENTS = (
    VaultDocumentKind.STATUTES,
    VaultDocumentKind.OFFICERS,
    VaultDocumentKind.RIB,
    VaultDocumentKind.ACTIVITY_REPORT,
    VaultDocumentKind.ACCOUNTS,
)
ASSOCIATION_REQUIRED = {
    "legal_name": "le nom de l'association",
    "address": "l'adresse du siège",
    "postal_code": "le code postal du siège",
    "city": "la commune du siège",
    "object": "l'objet de l'association",
    "representative_name": "le nom du représentant légal",
    "representative_title": "la qualité du représentant légal",
    "contact_name": "la personne chargée du dossier",
    "contact_email": "le courriel de la personne chargée du dossier",
    "annual_budget": "le budget annuel de l'association",
}

NOT_A_DRAFT = "Cette demande est déposée : elle ne se modifie plus."
NOT_YOURS = "Cette association n'est pas rattachée à votre compte."
INCOMPLETE = "La demande est incomplète"
MISSING_FIELD = "L'association : {what}."
MISSING_PROJECT = "Le projet : {what}."
MISSING_AXIS = "Le projet : au moins un axe d'action."
MISSING_AMOUNT = "Le budget : le montant demandé à la collectivité."
MISSING_CHARGES = "Le budget : les charges du projet."
UNBALANCED = (
    "Le budget : il n'est pas équilibré (charges {charges}, produits {income}) ; le total "
    "des produits doit égaler celui des charges."
)
MISSING_SWORN = "Les attestations : la déclaration sur l'honneur du représentant légal."
MISSING_COMMITMENT = "Les attestations : la souscription du contrat d'engagement républicain."
MISSING_SIGNATORY = "Les attestations : le nom du signataire."
MISSING_DOCUMENT = "Les pièces : {kind}."
EXPIRED_DOCUMENT = "Les pièces : {kind} n'est plus valable (échue le {date})."
PROJECT_FIELDS = {
    "project_title": "son intitulé",
    "project_objectives": "ses objectifs",
    "project_description": "sa description",
    "project_public": "son public",
    "project_start": "sa date de début",
    "project_end": "sa date de fin",
    "project_indicators": "ses indicateurs d'évaluation",
}


def to_decimal(value) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal("0")


def as_json_amount(value) -> str:
    """Amounts kept in the draft's JSON as strings, never floats."""
    return "" if value in (None, "") else str(Decimal(value).quantize(Decimal("0.01")))


def budget_totals(application: Application) -> dict[str, Decimal]:
    """The project budget's totals: charges, income by heading, the public funders (74)."""
    budget = application.budget or {}
    charges = sum((to_decimal(v) for v in budget.get("charges", {}).values()), Decimal("0"))
    other_income = sum((to_decimal(v) for v in budget.get("income", {}).values()), Decimal("0"))
    funders = sum((to_decimal(f.get("amount")) for f in application.funders), Decimal("0"))
    requested = application.amount_requested or Decimal("0")
    subsidies = funders + requested
    return {
        "charges": charges,
        "funders": funders,
        "requested": requested,
        "subsidies": subsidies,
        "income": other_income + subsidies,
    }


def auditor_required(application: Application) -> bool:
    return budget_totals(application)["subsidies"] >= AUDITOR_THRESHOLD


def required_documents(application: Application) -> list[str]:
    kinds = list(REQUIRED_DOCUMENTS)
    if auditor_required(application):
        kinds.append(VaultDocumentKind.AUDITOR_REPORT)
    return kinds


def requires_republican_commitment(application: Application) -> bool:
    # The contract binds the requests made from 2022 on (loi 2021-1109).
    return application.year >= REPUBLICAN_COMMITMENT_FROM.year


def _check_draft(application: Application, user) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
    if not beneficiaries_for_account(user).filter(pk=application.beneficiary_id).exists():
        raise ValidationError(NOT_YOURS, code="not_member")


def association_data(beneficiary: Beneficiary) -> dict:
    """What the file already knows of the association, to prefill the first step."""
    return {
        "legal_name": beneficiary.legal_name,
        "short_name": beneficiary.short_name,
        "siret": beneficiary.siret,
        "rna": beneficiary.rna,
        "address": beneficiary.address,
        "postal_code": beneficiary.postal_code,
        "city": beneficiary.city,
        "representative_name": beneficiary.representative_name,
        "representative_title": beneficiary.representative_title,
        "contact_email": beneficiary.email,
        "contact_phone": beneficiary.phone,
    }


@transaction.atomic
def application_start(*, beneficiary: Beneficiary, year: int, user) -> Application:
    """A new draft request for the beneficiary, its first step prefilled."""
    if not beneficiaries_for_account(user).filter(pk=beneficiary.pk).exists():
        raise ValidationError(NOT_YOURS, code="not_member")
    application = Application(
        beneficiary=beneficiary,
        year=year,
        created_by=user,
        association=association_data(beneficiary),
    )
    return save_validated(application, user)


@transaction.atomic
def application_save(
    *, application: Application, user, step: str, next_step: str | None = None, **fields
) -> Application:
    """Save one step of a draft; the person comes back to `next_step` (or this one)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_draft(application, user)
    documents = fields.pop("documents", None)
    assign(application, fields)
    application.current_step = next_step or step
    save_validated(application, user)
    if documents is not None:
        application.documents.set(documents)
    return application


@transaction.atomic
def vault_document_add(
    *,
    beneficiary: Beneficiary,
    kind: str,
    file,
    user,
    valid_until: datetime.date | None = None,
    title: str = "",
) -> VaultDocument:
    """Keep a piece in the association's vault (a PDF checked by core.files)."""
    if not beneficiaries_for_account(user).filter(pk=beneficiary.pk).exists():
        raise ValidationError(NOT_YOURS, code="not_member")
    document = VaultDocument(
        beneficiary=beneficiary,
        kind=kind,
        file=file,
        valid_until=valid_until,
        title=title,
        uploaded_by=user,
    )
    document.full_clean()  # the PDF checks (core.files.validate_pdf), before hashing it
    file.seek(0)
    document.sha256 = hashlib.sha256(file.read()).hexdigest()
    file.seek(0)
    return save_validated(document, user)


def latest_documents(beneficiary: Beneficiary, *, on: datetime.date | None = None) -> dict:
    """The most recent valid piece of each kind in the vault: {kind: VaultDocument}."""
    on = on or timezone.localdate()
    found = {}
    documents = beneficiary.vault_documents.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    ).order_by("kind", "-uploaded_at")
    for document in documents:
        found.setdefault(document.kind, document)
    return found


def application_missing(application: Application, *, on: datetime.date | None = None):
    """What the request lacks before it can be submitted, in French, in the form's order."""
    on = on or timezone.localdate()
    missing = []
    data = application.association or {}
    missing += [
        MISSING_FIELD.format(what=what)
        for key, what in ASSOCIATION_REQUIRED.items()
        if not str(data.get(key) or "").strip()
    ]
    missing += [
        MISSING_PROJECT.format(what=what)
        for name, what in PROJECT_FIELDS.items()
        if not getattr(application, name)
    ]
    if not application.policy_area_id:
        missing.append(MISSING_PROJECT.format(what="son domaine d'intervention"))
    if not [axis for axis in application.axes if (axis.get("title") or "").strip()]:
        missing.append(MISSING_AXIS)
    totals = budget_totals(application)
    if not application.amount_requested:
        missing.append(MISSING_AMOUNT)
    if not totals["charges"]:
        missing.append(MISSING_CHARGES)
    elif totals["charges"] != totals["income"]:
        missing.append(
            UNBALANCED.format(charges=euros(totals["charges"]), income=euros(totals["income"]))
        )
    if not application.sworn_statement:
        missing.append(MISSING_SWORN)
    if requires_republican_commitment(application) and not application.republican_commitment:
        missing.append(MISSING_COMMITMENT)
    if not application.signatory_name.strip():
        missing.append(MISSING_SIGNATORY)
    attached = {}
    for document in application.documents.all():
        attached.setdefault(document.kind, []).append(document)
    labels = dict(VaultDocumentKind.choices)
    for kind in required_documents(application):
        pieces = attached.get(kind, [])
        if not pieces:
            missing.append(MISSING_DOCUMENT.format(kind=labels[kind].lower()))
        elif not any(piece.is_valid_on(on) for piece in pieces):
            latest = max(piece.valid_until for piece in pieces)
            missing.append(
                EXPIRED_DOCUMENT.format(kind=labels[kind], date=latest.strftime("%d/%m/%Y"))
            )
    return missing


def _partner(funder: dict, user) -> FundingPartner:
    name = funder["name"].strip()
    partner = FundingPartner.objects.filter(name_with_article__iexact=name).first()
    if partner is None:
        partner = services.funding_partner_create(
            name_with_article=name,
            kind=PARTNER_KIND_OF_FUNDER.get(funder.get("kind"), PartnerKind.OTHER),
            user=user,
        )
    return partner


def _previous_instructor(beneficiary: Beneficiary):
    last = (
        Subsidy.objects.filter(beneficiary=beneficiary, instructor__isnull=False)
        .order_by("-year", "-pk")
        .first()
    )
    return last.instructor if last else None


@transaction.atomic
def application_submit(*, application: Application, user) -> Subsidy:
    """Submit a complete request: the subsidy file is created in its first state, with the
    request's action axes and co-funding plan word for word; the request is stamped with
    who submitted it and when. An incomplete request is refused with the list of what
    it lacks."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_draft(application, user)
    missing = application_missing(application)
    if missing:
        raise ValidationError(missing, code="incomplete")
    now = timezone.now()
    totals = budget_totals(application)
    subsidy = services.subsidy_create(
        user=user,
        beneficiary=application.beneficiary,
        year=application.year,
        policy_area=application.policy_area,
        received_on=timezone.localdate(now),
        title=application.project_title,
        purpose=application.project_title[:256],
        amount_requested=application.amount_requested,
        projected_budget=totals["charges"],
        instructor=_previous_instructor(application.beneficiary),
        axes=[
            services.AxisData(
                title=axis["title"].strip(), description=(axis.get("description") or "").strip()
            )
            for axis in application.axes
            if (axis.get("title") or "").strip()
        ],
        cofundings=[
            services.CoFundingData(
                partners=[_partner(funder, user)], amount=to_decimal(funder["amount"])
            )
            for funder in application.funders
            if (funder.get("name") or "").strip() and to_decimal(funder.get("amount"))
        ],
    )
    assign(
        application,
        {
            "status": ApplicationStatus.SUBMITTED,
            "submitted_by": user,
            "submitted_at": now,
            "subsidy": subsidy,
            "current_step": ApplicationStep.REVIEW,
        },
    )
    save_validated(application, user)
    return subsidy


@transaction.atomic
def application_record_received(*, subsidy: Subsidy, submitted_by, submitted_at) -> Application:
    """A request received before the association space (by e-mail or on paper), recorded
    as submitted for its file, so that the association finds it in its space."""
    existing = Application.objects.filter(subsidy=subsidy).first()
    if existing is not None:
        return existing
    funders = [
        {"kind": "autre", "name": line.partner_names, "amount": str(line.amount)}
        for line in subsidy.cofundings.all()
    ]
    application = Application(
        beneficiary=subsidy.beneficiary,
        year=subsidy.year,
        status=ApplicationStatus.SUBMITTED,
        current_step=ApplicationStep.REVIEW,
        association=association_data(subsidy.beneficiary),
        project_title=subsidy.title[:500],
        policy_area=subsidy.policy_area,
        axes=[{"title": a.title, "description": a.description} for a in subsidy.axes.all()],
        funders=funders,
        amount_requested=subsidy.amount_requested,
        created_by=submitted_by,
        submitted_by=submitted_by,
        submitted_at=submitted_at,
        subsidy=subsidy,
    )
    return save_validated(application, submitted_by)
