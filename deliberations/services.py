"""Writes of the deliberations app: sessions, deliberations, numbering, votes, executory date.

Keyword-only, one transaction each, `full_clean()` before saving; a refusal raises
ValidationError with a French reason (the constants below, which tests reuse) and leaves
the database as it was.
"""

import datetime
import hashlib
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import workflow
from core.formatting import long_date, short_date
from core.models import Counter
from core.services import delete_logged, save_validated
from subventions import services as subsidy_services
from subventions.enums import SubsidyStatus
from subventions.models import Subsidy
from subventions.models.texts import DeliberationText
from subventions.roles import allowed

from . import rendering, selectors
from .enums import DeliberationStatus
from .models import (
    EXECUTORY_NOT_ADOPTED,
    NUMBER_INVALID,
    NUMBER_PATTERN,
    NUMBER_TAKEN,
    Deliberation,
    DeliberationSubsidy,
    Session,
)

SECRETARIAT_ONLY = "Réservé au Secrétariat des assemblées : {action}."
FREE_SECTIONS_ROLES = (
    "Seuls le Responsable de service et le Secrétariat des assemblées modifient le texte "
    "de la délibération."
)
NO_SUBSIDY = "Une délibération accorde au moins une subvention."
SUBSIDY_NOT_PROPOSED = (
    "La subvention {subsidy} est au statut « {status} » : seule une subvention proposée "
    "entre dans une délibération."
)
SUBSIDY_ALREADY_PLACED = "La subvention {subsidy} figure déjà dans la délibération {deliberation}."
MIXED_POLICY_AREAS = "Les subventions d'une délibération relèvent d'une même politique publique."
NOT_DRAFT = "La délibération est {status} : {action} n'est plus possible."
ALREADY_PLACED = "La délibération porte déjà le numéro {number}."
NOT_PLACED = "La délibération doit être inscrite à une séance (et numérotée) avant le vote."
VOTE_REQUIRED = (
    "Le vote doit être renseigné : à l'unanimité, ou le nombre de voix pour, contre et "
    "d'abstentions."
)
VOTE_BOTH = "Le vote est soit à l'unanimité, soit en nombre de voix, pas les deux."
NO_MAJORITY = (
    "Le vote ({votes_for} pour, {votes_against} contre) ne donne pas de majorité pour adopter."
)
MAJORITY_FOR = (
    "Le vote ({votes_for} pour, {votes_against} contre) donne la majorité pour : "
    "la délibération est adoptée, non rejetée."
)
SESSION_NUMBERED = (
    "Des délibérations de cette séance sont numérotées : l'instance et l'année de la séance "
    "ne changent plus."
)
EXECUTORY_ALREADY_SET = "La délibération est déjà exécutoire depuis le {date}."
EXECUTORY_BEFORE_SESSION = "La date exécutoire ({date}) ne peut précéder la séance du {session}."

FREE_SECTIONS = DeliberationText.FREE_SECTIONS


def _require_secretariat(user, action: str) -> None:
    if not allowed(user, "manage_sessions"):
        raise ValidationError(SECRETARIAT_ONLY.format(action=action), code="permission")


def _require_draft(deliberation: Deliberation, action: str) -> None:
    if deliberation.status != DeliberationStatus.DRAFT:
        raise ValidationError(
            NOT_DRAFT.format(status=deliberation.get_status_display().lower(), action=action),
            code="status",
        )


def _locked(deliberation: Deliberation) -> Deliberation:
    return Deliberation.objects.select_for_update().get(pk=deliberation.pk)


# Sessions


@transaction.atomic
def session_create(
    *,
    user,
    body: str,
    date: datetime.date,
    time: datetime.time,
    place: str = "",
    note: str = "",
    authority=None,
) -> Session:
    """A session of a body of `authority` (None: the default authority)."""
    _require_secretariat(user, "créer une séance")
    session = Session(body=body, date=date, time=time, place=place, note=note, authority=authority)
    return save_validated(session, user)


@transaction.atomic
def session_update(*, session: Session, user, **fields) -> Session:
    """Edit a session; its body and year no longer change once it holds numbered acts."""
    _require_secretariat(user, "modifier une séance")
    stored = Session.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    numbered = stored.deliberations.exclude(number="").exists()
    if numbered and session.number_prefix != stored.number_prefix:
        raise ValidationError(SESSION_NUMBERED)
    return save_validated(session, user)


@transaction.atomic
def session_delete(*, session: Session, user) -> None:
    """Delete a session without deliberations (the database refuses the others)."""
    _require_secretariat(user, "supprimer une séance")
    delete_logged(session, user)


# Deliberations


def _check_subsidies(subsidies: Sequence[Subsidy], deliberation: Deliberation | None) -> None:
    if not subsidies:
        raise ValidationError({"subsidies": NO_SUBSIDY})
    errors = []
    for subsidy in subsidies:
        if subsidy.status != SubsidyStatus.PROPOSED:
            errors.append(
                SUBSIDY_NOT_PROPOSED.format(
                    subsidy=subsidy.reference, status=subsidy.get_status_display()
                )
            )
    placed = selectors.subsidies_in_active_deliberations(subsidies)
    for subsidy in subsidies:
        other = placed.get(subsidy.pk)
        if other is not None and (deliberation is None or other.pk != deliberation.pk):
            errors.append(
                SUBSIDY_ALREADY_PLACED.format(subsidy=subsidy.reference, deliberation=other)
            )
    if len({subsidy.policy_area_id for subsidy in subsidies}) > 1:
        errors.append(MIXED_POLICY_AREAS)
    if errors:
        raise ValidationError({"subsidies": errors})


@transaction.atomic
def deliberation_create(
    *,
    user,
    subsidies: Iterable[Subsidy],
    title: str = "",
    session: Session | None = None,
    number: str = "",
    note: str = "",
    **free_sections,
) -> Deliberation:
    """A draft deliberation granting `subsidies` (all proposed), placed on `session` if given.

    Its title and free sections default from its subsidy's when it holds a single one.
    """
    _require_secretariat(user, "créer une délibération")
    subsidies = list(subsidies)
    _check_subsidies(subsidies, None)
    unknown = set(free_sections) - set(FREE_SECTIONS)
    if unknown:
        raise TypeError(f"Unknown deliberation fields: {', '.join(sorted(unknown))}")
    first = subsidies[0]
    defaults = {name: getattr(first, name) for name in FREE_SECTIONS} if len(subsidies) == 1 else {}
    deliberation = Deliberation(
        policy_area=first.policy_area,
        title=title or (first.title if len(subsidies) == 1 else ""),
        note=note,
        **{**defaults, **free_sections},
    )
    save_validated(deliberation, user)
    for position, subsidy in enumerate(subsidies, start=1):
        link = DeliberationSubsidy(deliberation=deliberation, subsidy=subsidy, position=position)
        save_validated(link, user)
    if session is not None:
        deliberation = deliberation_place_on_session(
            deliberation=deliberation, session=session, number=number, user=user
        )
    return deliberation


@transaction.atomic
def deliberation_update(*, deliberation: Deliberation, user, **fields) -> Deliberation:
    """Edit the title and the free sections of a draft deliberation."""
    if not allowed(user, "edit_deliberation_text"):
        raise ValidationError(FREE_SECTIONS_ROLES, code="permission")
    unknown = set(fields) - {*FREE_SECTIONS, "title", "note"}
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "la modification du texte")
    for name, value in fields.items():
        setattr(deliberation, name, value)
    return save_validated(deliberation, user)


@transaction.atomic
def deliberation_delete(*, deliberation: Deliberation, user) -> None:
    """Delete a draft and its list of subsidies (a voted act is never deleted:
    deliberations.signals refuses it)."""
    _require_secretariat(user, "supprimer une délibération")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "la suppression")
    for link in deliberation.links.all():
        delete_logged(link, user)
    delete_logged(deliberation, user)


@transaction.atomic
def deliberation_set_subsidies(
    *, deliberation: Deliberation, subsidies: Iterable[Subsidy], user
) -> Deliberation:
    """Replace the subsidies of a draft deliberation, in the order given."""
    _require_secretariat(user, "modifier les subventions d'une délibération")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "la modification des subventions")
    subsidies = list(subsidies)
    _check_subsidies(subsidies, deliberation)
    for link in deliberation.links.all():
        # One by one, so that each removal is stamped with the user in the history.
        delete_logged(link, user)
    for position, subsidy in enumerate(subsidies, start=1):
        link = DeliberationSubsidy(deliberation=deliberation, subsidy=subsidy, position=position)
        save_validated(link, user)
    return deliberation


# Numbering


def _counter_key(session: Session) -> str:
    return f"deliberation-{session.date.year}-{session.body}"


def _number(session: Session, sequence: int) -> str:
    return f"{session.number_prefix} {sequence:04d}"


def _check_hand_number(number: str, session: Session, deliberation: Deliberation) -> str:
    number = " ".join(number.split())
    if not re.match(NUMBER_PATTERN, number):
        raise ValidationError({"number": NUMBER_INVALID})
    taken = Deliberation.objects.filter(number=number).exclude(pk=deliberation.pk)
    if taken.exists():
        raise ValidationError({"number": NUMBER_TAKEN.format(number=number)})
    return number


@transaction.atomic
def deliberation_place_on_session(
    *, deliberation: Deliberation, session: Session, user, number: str = ""
) -> Deliberation:
    """Put a draft on a session's agenda and number it: « 21 B 0110 ».

    The number comes from a locked counter per year and body; a historical act may be
    given its number by hand (format-checked, unique), and the counter then skips it.
    """
    _require_secretariat(user, "inscrire et numéroter une délibération")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "l'inscription à une séance")
    if deliberation.number:
        raise ValidationError({"number": ALREADY_PLACED.format(number=deliberation.number)})
    key = _counter_key(session)
    if number:
        number = _check_hand_number(number, session, deliberation)
        deliberation.session = session
        deliberation.number = number
        save_validated(deliberation, user)  # clean() checks the number against the session
        # Numbering then skips the hand-entered number.
        Counter.raise_to(key, int(number[-4:]))
        return deliberation
    while True:
        # Hand-entered numbers above the counter are skipped, never duplicated.
        candidate = _number(session, Counter.next_value(key))
        if not Deliberation.objects.filter(number=candidate).exists():
            break
    deliberation.session = session
    deliberation.number = candidate
    return save_validated(deliberation, user)


# Vote


def _vote_fields(unanimous, votes_for, votes_against, abstentions) -> dict:
    counted = votes_for is not None or votes_against is not None or abstentions is not None
    if unanimous and counted:
        raise ValidationError(VOTE_BOTH, code="vote")
    if not unanimous and votes_for is None:
        raise ValidationError(VOTE_REQUIRED, code="vote")
    return {
        "unanimous": bool(unanimous),
        "votes_for": votes_for,
        "votes_against": (votes_against or 0) if counted else None,
        "abstentions": (abstentions or 0) if counted else None,
    }


def _freeze(deliberation: Deliberation) -> None:
    """Render the act once and keep it: text, HTML, PDF and the PDF's SHA-256."""
    context = rendering.deliberation_context(deliberation)
    deliberation.text = rendering.build_text(context)
    deliberation.html = rendering.build_html(context)
    _store_pdf(deliberation, rendering.build_pdf(deliberation, deliberation.html))


def _store_pdf(deliberation: Deliberation, content: bytes) -> None:
    deliberation.pdf_sha256 = hashlib.sha256(content).hexdigest()
    name = f"{deliberation.number.replace(' ', '')}-{deliberation.pdf_sha256[:12]}.pdf"
    deliberation.pdf.save(name, ContentFile(content), save=False)


def _record_vote(
    *,
    deliberation: Deliberation,
    user,
    action: str,
    subsidy_action: str,
    non_participants: Iterable[str],
    vote: dict,
) -> Deliberation:
    _require_secretariat(user, "enregistrer le vote")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "l'enregistrement du vote")
    if not deliberation.number or deliberation.session_id is None:
        raise ValidationError(NOT_PLACED, code="not_placed")
    subsidies = list(deliberation.subsidies.all())
    _check_subsidies(subsidies, deliberation)
    if isinstance(non_participants, str):
        non_participants = non_participants.splitlines()
    # The subsidies move first, while the deliberation is still a draft: the database
    # freezes the amounts of a subsidy once its deliberation is adopted.
    for subsidy in subsidies:
        subsidy_services.subsidy_transition(
            subsidy=subsidy,
            action=subsidy_action,
            user=user,
            comment=f"Délibération {deliberation.number}",
        )
    with workflow.run_transition(deliberation, action, user):
        for name, value in vote.items():
            setattr(deliberation, name, value)
        names = (name.strip() for name in non_participants)
        deliberation.non_participants = "\n".join(name for name in names if name)
        deliberation.voted_at = timezone.now()
        deliberation.voted_by = user
        _freeze(deliberation)
    return deliberation


@transaction.atomic
def deliberation_adopt(
    *,
    deliberation: Deliberation,
    user,
    unanimous: bool = False,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    non_participants: Iterable[str] = (),
) -> Deliberation:
    """Record the adoption: the subsidies are voted and the act is frozen."""
    vote = _vote_fields(unanimous, votes_for, votes_against, abstentions)
    if not unanimous and vote["votes_for"] <= vote["votes_against"]:
        raise ValidationError(NO_MAJORITY.format(**vote), code="vote")
    return _record_vote(
        deliberation=deliberation,
        user=user,
        action="adopt",
        subsidy_action="vote",
        non_participants=non_participants,
        vote=vote,
    )


@transaction.atomic
def deliberation_reject(
    *,
    deliberation: Deliberation,
    user,
    unanimous: bool = False,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    non_participants: Iterable[str] = (),
) -> Deliberation:
    """Record the rejection: the subsidies are rejected and the act is frozen."""
    vote = _vote_fields(unanimous, votes_for, votes_against, abstentions)
    if not unanimous and vote["votes_for"] > vote["votes_against"]:
        raise ValidationError(MAJORITY_FOR.format(**vote), code="vote")
    return _record_vote(
        deliberation=deliberation,
        user=user,
        action="reject",
        subsidy_action="reject",
        non_participants=non_participants,
        vote=vote,
    )


@transaction.atomic
def deliberation_withdraw(*, deliberation: Deliberation, user) -> Deliberation:
    """Take a draft off the agenda; its subsidies may then go into another deliberation."""
    _require_secretariat(user, "retirer une délibération")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "le retrait")
    workflow.apply(deliberation, "withdraw", user)
    return deliberation


@transaction.atomic
def deliberation_set_executory(
    *, deliberation: Deliberation, date: datetime.date, user
) -> Deliberation:
    """Record the date the act became executory; the PDF is certified with it, once, and
    each subsidy the act grants is from then on executory (written on the file)."""
    _require_secretariat(user, "enregistrer la date exécutoire")
    deliberation = _locked(deliberation)
    if deliberation.status != DeliberationStatus.ADOPTED:
        raise ValidationError({"executory_date": EXECUTORY_NOT_ADOPTED})
    if deliberation.executory_date is not None:
        raise ValidationError(
            {
                "executory_date": EXECUTORY_ALREADY_SET.format(
                    date=short_date(deliberation.executory_date)
                )
            }
        )
    if date < deliberation.session.date:
        raise ValidationError(
            {
                "executory_date": EXECUTORY_BEFORE_SESSION.format(
                    date=short_date(date), session=long_date(deliberation.session.date)
                )
            }
        )
    deliberation.executory_date = date
    _store_pdf(deliberation, rendering.build_pdf(deliberation, deliberation.html))
    save_validated(deliberation, user)
    for subsidy in deliberation.subsidies.all():
        subsidy_services.subsidy_record_executory(subsidy=subsidy, date=date, user=user)
    return deliberation
