"""Writes of the subsidies app. Every change a user makes goes through here.

Each function validates (`full_clean()`) before saving, runs in one transaction and
stamps the history with the user who acted; a refusal raises ValidationError with a
French message and leaves the database as it was.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, Sum

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
    SubsidyTransition,
    funding_plan_error,
)

logger = logging.getLogger(__name__)

TRANSITION_UNKNOWN = "Action inconnue : « {action} »."
TRANSITION_WRONG_STATE = "Action « {label} » impossible : le dossier est au statut « {status} »."
TRANSITION_WRONG_ROLE = "Action « {label} » réservée au rôle : {roles}."
COFUNDING_WITHOUT_PARTNER = "Une ligne de cofinancement nomme au moins un financeur."
TRANSITION_NOT_LOGGED_IN = "Vous devez être connecté pour agir sur un dossier."

TRANSITIONS = (
    "submit",
    "send_back",
    "propose",
    "unschedule",
    "vote",
    "reject",
    "sign_agreement",
    "mark_paid",
    "close",
    "withdraw",
)


class TransitionRefused(ValidationError):
    """A lifecycle action refused, with the reason to show the user."""


def save_validated(instance: Model, user=None) -> Model:
    """full_clean() then save(), the history row signed by `user`: every service write.

    Shared by the services of both apps (subventions.payments, conventions.services,
    conventions.services), so that no write skips validation.
    """
    instance.full_clean()
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.save()
    return instance


def _assign(instance: Model, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


# Reference data


@transaction.atomic
def authority_save(*, user=None, **fields) -> Authority:
    authority = Authority.current() or Authority()
    _assign(authority, fields)
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


# Beneficiaries


@transaction.atomic
def beneficiary_create(*, user=None, **fields) -> Beneficiary:
    return save_validated(Beneficiary(**fields), user)


@transaction.atomic
def beneficiary_update(*, beneficiary: Beneficiary, user=None, **fields) -> Beneficiary:
    _assign(beneficiary, fields)
    return save_validated(beneficiary, user)


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
    """A new file in draft, with its action axes and co-funding plan."""
    fields.setdefault("instructor", user if user is not None and user.is_authenticated else None)
    subsidy = save_validated(Subsidy(**fields), user)
    for position, axis in enumerate(axes, start=1):
        action_axis_create(subsidy=subsidy, position=position, user=user, **vars(axis))
    for position, line in enumerate(cofundings, start=1):
        cofunding_create(subsidy=subsidy, position=position, user=user, **vars(line))
    return subsidy


def check_funding_plan(subsidy: Subsidy, *, field: str) -> None:
    """Refuse, on `field`, a plan where co-funding plus our amount exceed the budget."""
    total = subsidy.cofundings.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    message = funding_plan_error(subsidy.projected_budget, subsidy.amount, total)
    if message:
        raise ValidationError({field: message})


FROZEN_FIELDS = ("amount_requested", "amount_proposed", "amount_awarded", "year", "beneficiary")
SUBSIDY_FROZEN = (
    "Le dossier est au statut « {status} » : ses montants ne changent plus que par avenant."
)


@transaction.atomic
def subsidy_update(*, subsidy: Subsidy, user=None, **fields) -> Subsidy:
    """Edit a file; once voted, its amounts, year and beneficiary are frozen."""
    if not is_editable(subsidy):
        stored = Subsidy.objects.get(pk=subsidy.pk)
        changed = {
            name: SUBSIDY_FROZEN.format(status=subsidy.get_status_display())
            for name in FROZEN_FIELDS
            if name in fields and fields[name] != getattr(stored, name)
        }
        if changed:
            raise ValidationError(changed)
    _assign(subsidy, fields)
    save_validated(subsidy, user)
    check_funding_plan(subsidy, field="projected_budget")
    return subsidy


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
        raise ValidationError(
            {"partners": "Une ligne de cofinancement nomme au moins un financeur."}
        )
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
def cofunding_set_partners(*, cofunding: CoFunding, partners: Sequence[FundingPartner], user=None):
    """Replace the partners of a line, keeping the order given."""
    wanted = [partner.pk for partner in partners]
    for link in cofunding.partner_links.exclude(partner_id__in=wanted):
        if user is not None:
            link._history_user = user
        link.delete()
    existing = {link.partner_id: link for link in cofunding.partner_links.all()}
    for position, partner in enumerate(partners, start=1):
        link = existing.get(partner.pk) or CoFundingPartner(cofunding=cofunding, partner=partner)
        if link.position != position or link.pk is None:
            link.position = position
            save_validated(link, user)


def _delete(instance: Model, user=None) -> None:
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.delete()


@transaction.atomic
def subsidy_edit(
    *,
    subsidy: Subsidy,
    user,
    fields: dict,
    axes: Sequence[tuple[ActionAxis | None, AxisData]],
    cofundings: Sequence[tuple[CoFunding | None, CoFundingData]],
) -> Subsidy:
    """Edit a file with its whole programme of axes and co-funding plan, as one change.

    `axes` and `cofundings` are the wanted lines in order, each with the stored row it
    updates (None for a new line); stored lines not named are deleted. Axes are numbered
    1, 2, 3… in that order. The funding plan is checked once every amount is in place, so
    lowering one line while raising another is never refused half-way.
    """
    kept_axes = [axis.pk for axis, _ in axes if axis is not None]
    for axis in subsidy.axes.exclude(pk__in=kept_axes):
        _delete(axis, user)
    # Out of the way first, so that renumbering never meets the (subsidy, position) constraint.
    subsidy.axes.filter(pk__in=kept_axes).update(position=F("position") + 1000)
    for position, (axis, data) in enumerate(axes, start=1):
        if axis is None:
            action_axis_create(subsidy=subsidy, position=position, user=user, **vars(data))
        else:
            _assign(axis, {"position": position, **vars(data)})
            save_validated(axis, user)

    kept_lines = [line.pk for line, _ in cofundings if line is not None]
    for line in subsidy.cofundings.exclude(pk__in=kept_lines):
        _delete(line, user)
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
        _assign(line, values)
        save_validated(line, user)
        cofunding_set_partners(cofunding=line, partners=data.partners, user=user)

    # Checks the plan with the lines kept; each new line checks it again with itself added.
    subsidy_update(subsidy=subsidy, user=user, **fields)
    for position, data in new_lines:
        cofunding_create(subsidy=subsidy, position=position, user=user, **vars(data))
    return subsidy


# Lifecycle


def transition_label(action: str) -> str:
    method = getattr(Subsidy, action)
    return next(iter(method._django_fsm.transitions.values())).custom["label"]


def transition_refusal(subsidy: Subsidy, action: str, user) -> str | None:
    """Why `user` may not run `action` on `subsidy` now, or None when allowed."""
    if action not in TRANSITIONS:
        return TRANSITION_UNKNOWN.format(action=action)
    if user is None or not user.is_authenticated:
        return TRANSITION_NOT_LOGGED_IN
    meta = getattr(subsidy, action)._django_fsm
    label = transition_label(action)
    transition = meta.get_transition(subsidy.status)
    if transition is None:
        return TRANSITION_WRONG_STATE.format(label=label, status=subsidy.get_status_display())
    if not transition.has_perm(subsidy, user):
        roles = ", ".join(f"« {role} »" for role in transition.permission.roles)
        return TRANSITION_WRONG_ROLE.format(label=label, roles=roles)
    unmet = [condition.message for condition in transition.conditions if not condition(subsidy)]
    if unmet:
        return f"Action « {label} » impossible : " + " ".join(unmet)
    return None


def available_transitions(subsidy: Subsidy, user) -> list[tuple[str, str, str | None]]:
    """The actions leaving the current status: (name, label, reason it is refused or None)."""
    offered = []
    for action in TRANSITIONS:
        meta = getattr(subsidy, action)._django_fsm
        if meta.get_transition(subsidy.status) is not None:
            offered.append(
                (action, transition_label(action), transition_refusal(subsidy, action, user))
            )
    return offered


@transaction.atomic
def subsidy_transition(*, subsidy: Subsidy, action: str, user, comment: str = "") -> Subsidy:
    """Run one lifecycle action: role and conditions checked, change logged.

    Raises TransitionRefused with the French reason; nothing is changed then.
    """
    # Lock the row so that two clerks cannot move the same file at once.
    locked = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    reason = transition_refusal(locked, action, user)
    if reason:
        raise TransitionRefused(reason, code="transition")
    from_status = locked.status
    getattr(locked, action)()
    if action == "vote":
        from . import payments

        # Refused beyond the budget line's availability, or only noted in the log.
        warning = payments.check_budget_line(subsidy=locked, amount=locked.amount_awarded)
        comment = " ".join(text for text in (comment, warning) if text)
    save_validated(locked, user)
    SubsidyTransition.objects.create(
        subsidy=locked,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        user=user,
        comment=comment,
    )
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


def is_editable(subsidy: Subsidy) -> bool:
    """Amounts and texts are edited freely until the vote; afterwards only by amendment."""
    return subsidy.status in (
        SubsidyStatus.DRAFT,
        SubsidyStatus.UNDER_REVIEW,
        SubsidyStatus.PROPOSED,
    )


# History brought in from elsewhere

IMPORT_ACTION = "import_scdl"


@transaction.atomic
def subsidy_import_historical(
    *,
    user,
    beneficiary: Beneficiary,
    policy_area: PolicyArea,
    year: int,
    object: str,
    amount: Decimal,
    nature: str,
    payment_terms: str,
    eu_notification: bool,
    comment: str,
) -> Subsidy:
    """A subsidy granted before the application, created closed (« soldée »).

    Validated like any file; one transition row (DRAFT → CLOSED, action « import_scdl »)
    records who imported it and from where, and the import is logged.
    """
    subsidy = Subsidy(
        beneficiary=beneficiary,
        policy_area=policy_area,
        year=year,
        title=object,
        object=object,
        nature=nature,
        amount_requested=amount,
        amount_proposed=amount,
        amount_awarded=amount,
        payment_terms=payment_terms,
        eu_notification=eu_notification,
        status=SubsidyStatus.CLOSED,
    )
    save_validated(subsidy, user)
    SubsidyTransition.objects.create(
        subsidy=subsidy,
        action=IMPORT_ACTION,
        from_status=SubsidyStatus.DRAFT,
        to_status=SubsidyStatus.CLOSED,
        user=user,
        comment=comment,
    )
    logger.info("Subvention historique %s importée par %s : %s", subsidy.reference, user, comment)
    return subsidy
