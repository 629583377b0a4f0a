"""Writes of the subsidies app. Every change a user makes goes through here.

Each function validates (`full_clean()`) before saving, runs in one transaction and
stamps the history with the user who acted (core.services.save_validated); a refusal
raises ValidationError with a French message and leaves the database as it was. The
money of a file has its own services (subventions.payments).
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum

from core import workflow
from core.confirm import require_confirmation
from core.formatting import euros, short_date
from core.services import assign, delete_logged, save_validated
from core.workflow import TransitionRefused

from . import payments, selectors
from .enums import SubsidyStatus
from .models import (
    ActionAxis,
    Authority,
    Beneficiary,
    BudgetLine,
    CoFunding,
    CoFundingPartner,
    FundingPartner,
    PolicyArea,
    Subsidy,
)
from .models.beneficiaries import REPUBLICAN_COMMITMENT_FROM
from .models.programme import funding_plan_error

logger = logging.getLogger(__name__)

TRANSITION_UNKNOWN = workflow.UNKNOWN
TRANSITION_WRONG_STATE = workflow.WRONG_STATE.replace("{subject}", Subsidy.status_subject)
TRANSITION_WRONG_ROLE = workflow.WRONG_ROLE
TRANSITION_NOT_LOGGED_IN = workflow.NOT_LOGGED_IN.format(subject=Subsidy.status_subject)
AMENDMENT_BELOW_PAID = (
    "Avec cet avenant, la subvention serait de {granted} alors que {paid} ont déjà été "
    "versés : émettez d'abord un titre de recette (reversement)."
)
BENEFICIARY_LIKELY_DUPLICATE = (
    "Ce bénéficiaire semble déjà enregistré : {names}. Vérifiez la liste des bénéficiaires ; "
    "s'il s'agit bien d'un autre, cochez « Ce n'est pas un doublon » et enregistrez de nouveau."
)
COFUNDING_WITHOUT_PARTNER = "Une ligne de cofinancement nomme au moins un financeur."
SUBSIDY_FROZEN = (
    "Le dossier est au statut « {status} » : ses montants ne changent plus que par avenant."
)
EXECUTORY_ALREADY_RECORDED = "Le dossier est déjà accordé par un acte exécutoire depuis le {date}."
EXECUTORY_FIXED_BY_AGREEMENT = (
    "La convention du dossier {reference} est signée : sa date exécutoire ne se corrige plus "
    "(seule une nouvelle délibération peut la changer)."
)
EXECUTORY_FIXED_BY_PAYMENT = (
    "Un versement du dossier {reference} est enregistré : sa date exécutoire ne se corrige "
    "plus (seule une nouvelle délibération peut la changer)."
)

# The lifecycle actions of a file, in the order the model declares them.
SUBSIDY_NOT_DRAFT = (
    "Le dossier {reference} est au statut « {status} » : seul un brouillon se supprime ; "
    "un dossier déposé se retire."
)
TRANSITIONS = tuple(workflow.actions(Subsidy))

__all__ = ["TransitionRefused", "save_validated"]


# Reference data


@transaction.atomic
def authority_save(*, user=None, **fields) -> Authority:
    authority = Authority.current() or Authority()
    assign(authority, fields)
    return save_validated(authority, user)


@transaction.atomic
def policy_area_create(*, label: str, user=None) -> PolicyArea:
    return save_validated(PolicyArea(label=label), user)


@transaction.atomic
def budget_line_create(*, user=None, **fields) -> BudgetLine:
    return save_validated(BudgetLine(**fields), user)


@transaction.atomic
def funding_partner_create(*, name_with_article: str, kind: str, siret: str = "", user=None):
    return save_validated(
        FundingPartner(name_with_article=name_with_article, kind=kind, siret=siret), user
    )


@transaction.atomic
def reference_save(*, instance, user=None, **fields):
    """Create or edit a row of reference data (authority, policy area, funder, budget
    line) as typed in the admin: validated, its history signed."""
    assign(instance, fields)
    return save_validated(instance, user)


@transaction.atomic
def reference_delete(*, instance, user=None) -> None:
    """Delete a row of reference data that nothing uses (the database refuses the others)."""
    delete_logged(instance, user)


# Beneficiaries


@transaction.atomic
def beneficiary_create(*, user=None, not_a_duplicate: bool = False, **fields) -> Beneficiary:
    """A new beneficiary; refused while it looks like one already stored (same RNA, SIRET
    or normalised name, or a similar name) unless the clerk confirmed `not_a_duplicate`."""
    beneficiary = Beneficiary(**fields)
    _check_duplicates(beneficiary, confirmed=not_a_duplicate)
    return save_validated(beneficiary, user)


COMMITMENT_AFTER_SIGNATURE = (
    "Le contrat d'engagement républicain est daté du {date}, après la signature de la "
    "convention du dossier {reference} ({signed}) : il devait être souscrit avant."
)


def _late_commitment_note(beneficiary: Beneficiary, confirmed: bool, reason: str) -> str:
    """A commitment dated after the signature of an agreement that required it asks for a
    confirmation with a reason, kept as the history row's change reason."""
    date = beneficiary.republican_commitment_date
    if date is None or beneficiary.pk is None:
        return ""
    stored = Beneficiary.objects.get(pk=beneficiary.pk).republican_commitment_date
    if stored == date:
        return ""
    late = (
        beneficiary.subsidies.filter(agreement_signed_on__lt=date)
        .filter(
            Q(received_on__gte=REPUBLICAN_COMMITMENT_FROM)
            | Q(received_on__isnull=True, year__gt=REPUBLICAN_COMMITMENT_FROM.year - 1)
        )
        .order_by("agreement_signed_on")
        .first()
    )
    if late is None:
        return ""
    warning = COMMITMENT_AFTER_SIGNATURE.format(
        date=short_date(date), reference=late.reference, signed=short_date(late.agreement_signed_on)
    )
    return require_confirmation(warning, confirmed=confirmed, reason=reason)


@transaction.atomic
def beneficiary_update(
    *,
    beneficiary: Beneficiary,
    user=None,
    not_a_duplicate: bool = False,
    confirmed: bool = False,
    reason: str = "",
    **fields,
) -> Beneficiary:
    """Edit a beneficiary; a change of its name or identifiers is checked for likely
    duplicates as a creation is. A contrat d'engagement républicain dated after the
    signature of an agreement that required it is kept only when confirmed with a reason."""
    identity = {name: getattr(beneficiary, name) for name in DUPLICATE_FIELDS}
    assign(beneficiary, fields)
    if any(getattr(beneficiary, name) != value for name, value in identity.items()):
        _check_duplicates(beneficiary, confirmed=not_a_duplicate)
    note = _late_commitment_note(beneficiary, confirmed, reason)
    if note:
        beneficiary._change_reason = note
    return save_validated(beneficiary, user)


# What a likely duplicate is recognised by (subventions.selectors.beneficiary_duplicates).
DUPLICATE_FIELDS = ("legal_name", "rna", "siret")


def _check_duplicates(beneficiary: Beneficiary, *, confirmed: bool) -> None:
    if confirmed:
        return
    # The input's own errors first (a SIRET already taken is refused outright, by the
    # model): a confirmation would not make them go.
    beneficiary.full_clean()
    duplicates = [
        duplicate
        for duplicate in selectors.beneficiary_duplicates(beneficiary)
        if duplicate.reason != selectors.SAME_SIRET
    ]
    if duplicates:
        names = ", ".join(str(duplicate) for duplicate in duplicates)
        raise ValidationError(
            {"not_a_duplicate": BENEFICIARY_LIKELY_DUPLICATE.format(names=names)},
            code="duplicate",
        )


@transaction.atomic
def beneficiary_delete(*, beneficiary: Beneficiary, user=None) -> None:
    """Delete a beneficiary without any file (the database refuses the others)."""
    delete_logged(beneficiary, user)


# Subsidy files


@dataclass(frozen=True)
class AxisData:
    title: str
    description: str = ""


@dataclass(frozen=True)
class CoFundingData:
    partners: Sequence[FundingPartner]
    amount: Decimal
    group_label: str = ""
    status: str = ""
    is_total: bool = False


@transaction.atomic
def subsidy_create(
    *,
    user,
    axes: Iterable[AxisData] = (),
    cofundings: Iterable[CoFundingData] = (),
    **fields,
) -> Subsidy:
    """A new file in draft, with its action axes and co-funding plan.

    The funding plan is checked as on an edit (check_funding_plan), with or without
    co-funding lines: the authority's own amount alone may not exceed the budget either.
    """
    if fields.get("instructor") is None:
        # No instructor chosen: the clerk who records the file instructs it (an association
        # submitting its request online is no clerk: the file waits for one).
        clerk = user is not None and user.is_authenticated and user.is_staff
        fields["instructor"] = user if clerk else None
    subsidy = save_validated(Subsidy(**fields), user)
    for position, axis in enumerate(axes, start=1):
        action_axis_create(subsidy=subsidy, position=position, user=user, **vars(axis))
    for position, line in enumerate(cofundings, start=1):
        cofunding_create(subsidy=subsidy, position=position, user=user, **vars(line))
    check_funding_plan(subsidy, field="projected_budget")
    return subsidy


def check_funding_plan(subsidy: Subsidy, *, field: str) -> None:
    """Refuse, on `field`, a plan where co-funding plus our amount exceed the budget."""
    total = subsidy.cofundings.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    message = funding_plan_error(subsidy.projected_budget, subsidy.amount, total)
    if message:
        raise ValidationError({field: message})


@transaction.atomic
def subsidy_update(
    *,
    subsidy: Subsidy,
    user=None,
    axes: Sequence[tuple[ActionAxis | None, AxisData]] | None = None,
    cofundings: Sequence[tuple[CoFunding | None, CoFundingData]] | None = None,
    **fields,
) -> Subsidy:
    """Edit a file; once voted, its amounts, year and beneficiary are frozen.

    With `axes` or `cofundings`, the whole programme of axes or the whole co-funding plan
    is replaced as one change: the wanted lines in order, each with the stored row it
    updates (None for a new line); stored lines not named are deleted. Axes are numbered
    1, 2, 3… in that order. The funding plan is checked once every amount is in place, so
    lowering one line while raising another is never refused half-way.
    """
    if not subsidy.is_editable:
        stored = Subsidy.objects.get(pk=subsidy.pk)
        changed = {
            name: SUBSIDY_FROZEN.format(status=subsidy.get_status_display())
            for name in Subsidy.FROZEN_AFTER_VOTE
            if name in fields and fields[name] != getattr(stored, name)
        }
        if changed:
            raise ValidationError(changed)
    if axes is not None:
        _replace_axes(subsidy, axes, user)
    new_lines = _replace_cofundings(subsidy, cofundings, user) if cofundings is not None else []
    assign(subsidy, fields)
    save_validated(subsidy, user)
    # Checks the plan with the lines kept; each new line checks it again with itself added.
    check_funding_plan(subsidy, field="projected_budget")
    for position, data in new_lines:
        cofunding_create(subsidy=subsidy, position=position, user=user, **vars(data))
    return subsidy


def subsidy_delete_refusal(subsidy: Subsidy) -> str | None:
    """Why the file cannot be deleted (None: it can): only a draft, created by mistake,
    is; a file once submitted keeps its trace and is withdrawn instead."""
    if subsidy.status != SubsidyStatus.DRAFT:
        return SUBSIDY_NOT_DRAFT.format(
            reference=subsidy.reference, status=subsidy.get_status_display().lower()
        )
    return None


@transaction.atomic
def subsidy_delete(*, subsidy: Subsidy, user=None) -> None:
    """Delete a draft file with its axes and co-funding plan, each deletion in its history."""
    subsidy = Subsidy.objects.select_for_update().filter(pk=subsidy.pk).first()
    if subsidy is None:
        return  # deleted meanwhile, by another clerk
    refusal = subsidy_delete_refusal(subsidy)
    if refusal:
        raise ValidationError(refusal, code="status")
    for cofunding in subsidy.cofundings.all():
        delete_logged(cofunding, user)
    for axis in subsidy.axes.all():
        delete_logged(axis, user)
    delete_logged(subsidy, user)


def _replace_axes(subsidy: Subsidy, axes, user) -> None:
    kept = [axis.pk for axis, _ in axes if axis is not None]
    for axis in subsidy.axes.exclude(pk__in=kept):
        delete_logged(axis, user)
    # Out of the way first, so that renumbering never meets the (subsidy, position) constraint.
    subsidy.axes.filter(pk__in=kept).update(position=F("position") + 1000)
    for position, (axis, data) in enumerate(axes, start=1):
        if axis is None:
            action_axis_create(subsidy=subsidy, position=position, user=user, **vars(data))
        else:
            assign(axis, {"position": position, **vars(data)})
            save_validated(axis, user)


def _replace_cofundings(subsidy: Subsidy, cofundings, user) -> list[tuple[int, CoFundingData]]:
    """Update the kept lines, delete the others; return the new lines to create last."""
    kept = [line.pk for line, _ in cofundings if line is not None]
    for line in subsidy.cofundings.exclude(pk__in=kept):
        delete_logged(line, user)
    new_lines = []
    for position, (line, data) in enumerate(cofundings, start=1):
        if line is None:
            new_lines.append((position, data))
            continue
        if not data.partners:
            raise ValidationError({"partners": COFUNDING_WITHOUT_PARTNER})
        values = {"position": position, "amount": data.amount, "group_label": data.group_label}
        values["is_total"] = data.is_total
        if data.status:
            values["status"] = data.status
        assign(line, values)
        save_validated(line, user)
        cofunding_set_partners(cofunding=line, partners=data.partners, user=user)
    return new_lines


@transaction.atomic
def action_axis_create(
    *, subsidy: Subsidy, position: int, title: str, description: str = "", user=None
) -> ActionAxis:
    axis = ActionAxis(subsidy=subsidy, position=position, title=title, description=description)
    return save_validated(axis, user)


@transaction.atomic
def cofunding_create(
    *,
    subsidy: Subsidy,
    partners: Sequence[FundingPartner],
    amount: Decimal,
    group_label: str = "",
    status: str = "",
    position: int = 1,
    is_total: bool = False,
    user=None,
) -> CoFunding:
    if not partners:
        raise ValidationError({"partners": COFUNDING_WITHOUT_PARTNER})
    line = CoFunding(
        subsidy=subsidy,
        amount=amount,
        group_label=group_label,
        position=position,
        is_total=is_total,
    )
    if status:
        line.status = status
    save_validated(line, user)
    cofunding_set_partners(cofunding=line, partners=partners, user=user)
    check_funding_plan(subsidy, field="amount")
    return line


@transaction.atomic
def cofunding_update(
    *, cofunding: CoFunding, user=None, partners: Sequence[FundingPartner] | None = None, **fields
) -> CoFunding:
    """Edit one co-funding line (and, when given, its partners in order); the funding plan
    is checked with the line changed."""
    if partners is not None and not partners:
        raise ValidationError({"partners": COFUNDING_WITHOUT_PARTNER})
    assign(cofunding, fields)
    save_validated(cofunding, user)
    if partners is not None:
        cofunding_set_partners(cofunding=cofunding, partners=partners, user=user)
    check_funding_plan(cofunding.subsidy, field="amount")
    return cofunding


@transaction.atomic
def cofunding_set_partners(*, cofunding: CoFunding, partners: Sequence[FundingPartner], user=None):
    """Replace the partners of a line, keeping the order given."""
    wanted = [partner.pk for partner in partners]
    for link in cofunding.partner_links.exclude(partner_id__in=wanted):
        delete_logged(link, user)
    existing = {link.partner_id: link for link in cofunding.partner_links.all()}
    for position, partner in enumerate(partners, start=1):
        link = existing.get(partner.pk) or CoFundingPartner(cofunding=cofunding, partner=partner)
        if link.position != position or link.pk is None:
            link.position = position
            save_validated(link, user)


# Lifecycle


def transition_label(action: str) -> str:
    return workflow.label(Subsidy, action)


def transition_refusal(subsidy: Subsidy, action: str, user) -> str | None:
    """Why `user` may not run `action` on `subsidy` now, or None when allowed."""
    if action not in TRANSITIONS:
        return TRANSITION_UNKNOWN.format(action=action)
    return workflow.refusal(subsidy, action, user)


def available_transitions(subsidy: Subsidy, user) -> list[tuple[str, str, str | None]]:
    """The actions leaving the current status: (name, label, reason it is refused or None)."""
    return workflow.offered(subsidy, user)


@transaction.atomic
def subsidy_transition(*, subsidy: Subsidy, action: str, user, comment: str = "") -> Subsidy:
    """Run one lifecycle action: role and conditions checked, change logged.

    Raises TransitionRefused with the French reason; nothing is changed then.
    """
    if action not in TRANSITIONS:
        raise TransitionRefused(TRANSITION_UNKNOWN.format(action=action), code="transition")
    # Lock the row so that two clerks cannot move the same file at once.
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    with workflow.run_transition(locked, action, user, comment=comment) as change:
        if action == "vote":
            # Refused beyond the budget line's availability, or only noted in the log.
            change.note(payments.check_budget_line(subsidy=locked, amount=locked.amount_awarded))
    if action == "vote":
        # What a voted file owes and is owed: its default schedule, its financial report.
        payments.schedule_create_default(subsidy=locked, user=user)
        payments.report_create(subsidy=locked, user=user)
    subsidy.refresh_from_db()
    return subsidy


def subsidy_submit(*, subsidy, user, comment=""):
    return subsidy_transition(subsidy=subsidy, action="submit", user=user, comment=comment)


def subsidy_propose(*, subsidy, user, comment=""):
    return subsidy_transition(subsidy=subsidy, action="propose", user=user, comment=comment)


def subsidy_vote(*, subsidy, user, comment=""):
    return subsidy_transition(subsidy=subsidy, action="vote", user=user, comment=comment)


def subsidy_reject(*, subsidy, user, comment=""):
    return subsidy_transition(subsidy=subsidy, action="reject", user=user, comment=comment)


def subsidy_withdraw(*, subsidy, user, comment=""):
    return subsidy_transition(subsidy=subsidy, action="withdraw", user=user, comment=comment)


# What the higher layers decide about a file, written on it (subventions.models.subsidies)


@transaction.atomic
def subsidy_record_executory(*, subsidy: Subsidy, date, user) -> Subsidy:
    """The act granting the file became executory on `date` (written by deliberations)."""
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    if locked.executory_on is not None and locked.executory_on != date:
        raise ValidationError(EXECUTORY_ALREADY_RECORDED.format(date=locked.executory_on))
    locked.executory_on = date
    return save_validated(locked, user)


def subsidy_executory_correction_refusal(subsidy: Subsidy) -> str | None:
    """Why the executory date written on the file may no longer be corrected: something
    was signed or paid on the strength of it."""
    if subsidy.agreement_signed_on is not None:
        return EXECUTORY_FIXED_BY_AGREEMENT.format(reference=subsidy.reference)
    if subsidy.payments.exists():
        return EXECUTORY_FIXED_BY_PAYMENT.format(reference=subsidy.reference)
    return None


@transaction.atomic
def subsidy_correct_executory(*, subsidy: Subsidy, date, user) -> Subsidy:
    """The act granting the file had its executory date corrected (by deliberations, before
    anything was signed or paid on the file)."""
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    refusal = subsidy_executory_correction_refusal(locked)
    if refusal:
        raise ValidationError(refusal, code="executory_fixed")
    locked.executory_on = date
    return save_validated(locked, user)


@transaction.atomic
def subsidy_record_agreement_signed(*, subsidy: Subsidy, signed_on, user, comment: str = ""):
    """Both parties signed the file's agreement on `signed_on` (written by conventions): a
    voted file becomes « conventionnée »."""
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    locked.agreement_signed_on = signed_on
    save_validated(locked, user)
    if locked.status == SubsidyStatus.VOTED:
        subsidy_transition(subsidy=locked, action="sign_agreement", user=user, comment=comment)
    subsidy.refresh_from_db()
    return subsidy


@transaction.atomic
def subsidy_record_amendment(*, subsidy: Subsidy, amount_change: Decimal, user) -> Subsidy:
    """A signed amendment changes what the file is granted (written by conventions)."""
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    locked.amount_amended += Decimal(amount_change)
    # Read after the lock: what was paid cannot change meanwhile.
    paid = locked.money_figure("amount_paid")
    if locked.granted_amount < paid:
        raise ValidationError(
            {
                "amount_change": AMENDMENT_BELOW_PAID.format(
                    granted=euros(locked.granted_amount), paid=euros(paid)
                )
            },
            code="amendment",
        )
    save_validated(locked, user)
    subsidy.refresh_from_db()
    return subsidy


# History brought in from elsewhere

IMPORT_ACTION = "import_scdl"


@transaction.atomic
def subsidy_import_historical(
    *,
    user,
    beneficiary: Beneficiary,
    policy_area: PolicyArea,
    year: int,
    purpose: str,
    amount: Decimal,
    nature: str,
    payment_terms: str,
    eu_notification: bool,
    comment: str,
) -> Subsidy:
    """A subsidy granted before the application, created closed (« soldée »).

    Validated like any file; one row of the transition log (DRAFT → CLOSED, action
    « import_scdl ») records who imported it and from where, and the import is logged.
    """
    subsidy = Subsidy(
        beneficiary=beneficiary,
        policy_area=policy_area,
        year=year,
        title=purpose,
        purpose=purpose,
        nature=nature,
        amount_requested=amount,
        amount_proposed=amount,
        amount_awarded=amount,
        payment_terms=payment_terms,
        eu_notification=eu_notification,
        status=SubsidyStatus.CLOSED,
    )
    save_validated(subsidy, user)
    check_funding_plan(subsidy, field="amount_awarded")
    workflow.log(
        subsidy, action=IMPORT_ACTION, from_status=SubsidyStatus.DRAFT, user=user, comment=comment
    )
    logger.info("Subvention historique %s importée par %s : %s", subsidy.reference, user, comment)
    return subsidy
