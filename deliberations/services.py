"""Writes of the deliberations app: sessions, deliberations, numbering, votes, executory date.

Keyword-only, one transaction each, `full_clean()` before saving; a refusal raises
ValidationError with a French reason (the constants below, which tests reuse) and leaves
the database as it was.
"""

import datetime
import hashlib
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import workflow
from core.formatting import long_date, short_date
from core.locking import retry_on_conflict
from core.models import Counter
from core.services import delete_logged, save_validated
from subventions import services as subsidy_services
from subventions.enums import SubsidyStatus
from subventions.models import Subsidy
from subventions.models.texts import DeliberationText
from subventions.roles import allowed

from . import rendering, selectors
from .enums import FROZEN_STATUSES, AttendanceStatus, CorrectionKind, DeliberationStatus
from .members import interested_members
from .models import (
    EXECUTORY_NOT_ADOPTED,
    NUMBER_INVALID,
    NUMBER_PATTERN,
    NUMBER_TAKEN,
    Deliberation,
    DeliberationSubsidy,
    ElectedMember,
    InterestedVoter,
    Session,
    VoteCorrection,
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
# Issue 14 item 3: dates that cannot be true are refused.
VOTE_BEFORE_SESSION = (
    "La séance du {session} n'a pas encore eu lieu : le vote s'enregistre le jour de la "
    "séance ou après."
)
DATE_IN_FUTURE = "La date du {date} est dans le futur : on n'enregistre que ce qui a eu lieu."
EXECUTORY_MANUAL_REASON_REQUIRED = (
    "Indiquez le motif de la date exécutoire saisie (par exemple : acte transmis et affiché "
    "avant la mise en service de l'application)."
)
EXECUTORY_MANUAL_ONLY_OLD_ACTS = (
    "La délibération a été votée le {session}, après la mise en service de l'application "
    "({since}) : sa date exécutoire se calcule à partir de la réception en préfecture et de "
    "la publication, elle ne se saisit pas."
)
# Issue 11 item 1: the vote against the attendance sheet and the members' interests.
COUNTS_EXCEED_ATTENDANCE = (
    "Le vote compte {counted} membres ({detail}) alors que {voters} seulement étaient "
    "présents ou représentés : corrigez le vote ou la feuille de présence."
)
NOT_ON_SHEET = "{member} ne figure pas parmi les présents et représentés de la séance."
INTERESTED_NOT_CONFIRMED = (
    "{members} : intérêt déclaré dans un bénéficiaire de la délibération (CGCT L2131-11). "
    "Cochez « n'a pas pris part au vote », ou confirmez la participation au vote avec son motif."
)
INTERESTED_REASON_REQUIRED = "Le motif de la participation au vote de {member} est obligatoire."
# Corrections (issue 14 item 3)
CORRECTION_REASON_REQUIRED = "Le motif de la correction est obligatoire."
CORRECTION_SENT_OUT = (
    "La délibération est transmise en préfecture ou publiée : son vote et sa date exécutoire "
    "ne se corrigent plus. Seule une nouvelle délibération peut les changer."
)
CORRECTION_NOT_VOTED = "Seul le vote d'une délibération votée se corrige."
CORRECTION_CHANGES_RESULT = (
    "La correction changerait le résultat du vote ({status}) : seule une nouvelle "
    "délibération peut le changer."
)
CORRECTION_NOT_MANUAL = (
    "La date exécutoire de cette délibération est calculée (réception en préfecture et "
    "publication) : elle ne se corrige pas à la main."
)
# Transmission, acknowledgment, publication (issue 11 items 3 to 5)
ACT_NOT_ADOPTED = "Seule une délibération adoptée est transmise en préfecture et publiée."
ACT_MANUAL_EXECUTORY = (
    "La délibération est exécutoire depuis le {date} (date saisie pour un acte ancien) : "
    "elle n'est ni transmise ni publiée par l'application."
)
CLASSIFICATION_REQUIRED = "Choisissez la classification de l'acte (par exemple 7.5 Subventions)."
ALREADY_TRANSMITTED = "La délibération a déjà été envoyée en préfecture le {date}."
NOT_TRANSMITTED = "La délibération n'a pas été envoyée en préfecture : pas d'accusé de réception."
ALREADY_ACKNOWLEDGED = (
    "La préfecture a déjà accusé réception de la délibération sous l'identifiant {act_id} "
    "(le {date})."
)
ACT_ID_INVALID = (
    "L'identifiant de l'acte « {act_id} » n'a pas la forme attendue "
    "(« 059-200093201-20210402-21B0110-DE »)."
)
RECEIVED_BEFORE_SENT = "La réception ({received}) ne peut précéder l'envoi en préfecture ({sent})."
DATE_BEFORE_SESSION = "La date du {date} précède la séance du {session}."
ALREADY_PUBLISHED = "La délibération est déjà publiée depuis le {date}."
ALREADY_DISPLAYED = "L'affichage de la délibération est déjà constaté au {date}."
PUBLISH_OLD_ACT = (
    "La délibération a été adoptée avant le 1er juillet 2022 : sa publicité est l'affichage "
    "(« Constater l'affichage »), non la publication en ligne."
)
DISPLAY_NEW_ACT = (
    "La délibération a été adoptée après le 1er juillet 2022 : elle est publiée en ligne "
    "(ordonnance 2021-1310), l'affichage ne suffit plus."
)
ACT_LIST_NOTHING_VOTED = (
    "La séance n'a aucune délibération votée : il n'y a pas de liste à publier."
)
ACT_LIST_ALREADY_PUBLISHED = "La liste des délibérations de la séance est publiée depuis le {date}."

# Online publication replaces display for the acts adopted from this date (ordonnance
# 2021-1310, décret 2021-1311).
ONLINE_PUBLICATION_SINCE = datetime.date(2022, 7, 1)
ACT_ID_PATTERN = re.compile(r"^[0-9]{3}-[0-9]{9}-[0-9]{8}-[A-Z0-9_]{1,15}-[A-Z]{2}$")

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


@retry_on_conflict
@transaction.atomic
def deliberation_place_on_session(
    *, deliberation: Deliberation, session: Session, user, number: str = ""
) -> Deliberation:
    """Put a draft on a session's agenda and number it: « 21 B 0110 ».

    The number comes from a locked counter per year and body; a historical act may be
    given its number by hand (format-checked, unique), and the counter then skips it.
    Locks in one order whatever the path (core.locking): the session, then the counter,
    then the deliberation; the number is checked and written under the counter's lock.
    """
    _require_secretariat(user, "inscrire et numéroter une délibération")
    # No-key lock: it holds the session's date and body (hence the number's prefix)
    # against session_update, and lets other writes refer to the session.
    session = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
    key = _counter_key(session)
    counter = Counter.lock(key)
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "l'inscription à une séance")
    if deliberation.number:
        raise ValidationError({"number": ALREADY_PLACED.format(number=deliberation.number)})
    if number:
        number = _check_hand_number(number, session, deliberation)
        sequence = int(number[-4:])
    else:
        # Hand-entered numbers above the counter are skipped, never duplicated.
        sequence = counter.value + 1
        while Deliberation.objects.filter(number=_number(session, sequence)).exists():
            sequence += 1
        number = _number(session, sequence)
    deliberation.session = session
    deliberation.number = number
    save_validated(deliberation, user)  # clean() checks the number against the session
    if sequence > counter.value:
        counter.value = sequence
        counter.save(update_fields=["value"])
    return deliberation


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


def _not_in_future(date: datetime.date, field: str) -> None:
    if date > timezone.localdate():
        raise ValidationError({field: DATE_IN_FUTURE.format(date=short_date(date))})


def _check_vote_date(deliberation: Deliberation) -> None:
    """Issue 14 item 3: a vote is recorded once the session has been held."""
    if timezone.localdate() < deliberation.session.date:
        raise ValidationError(
            VOTE_BEFORE_SESSION.format(session=long_date(deliberation.session.date)),
            code="vote_date",
        )


def _check_participation(
    deliberation: Deliberation,
    vote: dict,
    members: list[ElectedMember],
    interested_voters: dict,
) -> None:
    """The vote against the attendance sheet and the declared interests (issue 11 item 1).

    A session without an attendance sheet (an act recorded before the register was kept)
    has nothing to check against.
    """
    summary = deliberation.session.attendance_summary()
    if summary.in_office:
        voters = {row.member for row in summary.rows if row.status in VOTING_STATUSES}
        errors = [NOT_ON_SHEET.format(member=member) for member in members if member not in voters]
        errors += [
            NOT_ON_SHEET.format(member=member)
            for member in interested_voters
            if member not in voters
        ]
        if errors:
            raise ValidationError(errors, code="attendance")
        if not vote["unanimous"]:
            counted = vote["votes_for"] + vote["votes_against"] + vote["abstentions"] + len(members)
            if counted > summary.voters:
                detail = (
                    f"{vote['votes_for']} pour, {vote['votes_against']} contre, "
                    f"{vote['abstentions']} abstentions, {len(members)} sans participation"
                )
                raise ValidationError(
                    COUNTS_EXCEED_ATTENDANCE.format(
                        counted=counted, detail=detail, voters=summary.voters
                    ),
                    code="counts",
                )
        elif len(members) > summary.voters:
            raise ValidationError(
                COUNTS_EXCEED_ATTENDANCE.format(
                    counted=len(members),
                    detail=f"{len(members)} sans participation",
                    voters=summary.voters,
                ),
                code="counts",
            )
    interested = set(voting_interested_members(deliberation, summary))
    missing = [
        member
        for member in sorted(interested, key=lambda m: (m.last_name, m.first_name, m.pk))
        if member not in members and member not in interested_voters
    ]
    if missing:
        raise ValidationError(
            INTERESTED_NOT_CONFIRMED.format(members=", ".join(str(m) for m in missing)),
            code="interested",
        )
    for member, reason in interested_voters.items():
        if not (reason or "").strip():
            raise ValidationError(
                INTERESTED_REASON_REQUIRED.format(member=member), code="interested"
            )


VOTING_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


def voting_interested_members(deliberation: Deliberation, summary=None) -> dict:
    """{member: [interests]}: the members who hold an interest in a beneficiary of the
    deliberation on the session's day, and who sat or were represented (all of them when
    the session has no attendance sheet): proposed as not taking part in the vote."""
    beneficiaries = deliberation.subsidies.values_list("beneficiary_id", flat=True)
    found = interested_members(beneficiaries, deliberation.session.date)
    summary = summary or deliberation.session.attendance_summary()
    if not summary.in_office:
        return found
    voters = {row.member_id for row in summary.rows if row.status in VOTING_STATUSES}
    return {member: interests for member, interests in found.items() if member.pk in voters}


def _non_participant_names(members: list[ElectedMember], others: Iterable[str]) -> str:
    names = [str(member) for member in members]
    names += [name.strip() for name in others if name.strip() and name.strip() not in names]
    return "\n".join(names)


def _record_vote(
    *,
    deliberation: Deliberation,
    user,
    action: str,
    subsidy_action: str,
    non_participants: Iterable[str],
    vote: dict,
    non_participating_members: Iterable[ElectedMember] = (),
    interested_voters: dict | None = None,
) -> Deliberation:
    _require_secretariat(user, "enregistrer le vote")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "l'enregistrement du vote")
    if not deliberation.number or deliberation.session_id is None:
        raise ValidationError(NOT_PLACED, code="not_placed")
    _check_vote_date(deliberation)
    subsidies = list(deliberation.subsidies.all())
    _check_subsidies(subsidies, deliberation)
    if isinstance(non_participants, str):
        non_participants = non_participants.splitlines()
    members = list(non_participating_members)
    interested_voters = dict(interested_voters or {})
    _check_participation(deliberation, vote, members, interested_voters)
    # The subsidies move first, while the deliberation is still a draft: the database
    # freezes the amounts of a subsidy once its deliberation is adopted.
    for subsidy in subsidies:
        subsidy_services.subsidy_transition(
            subsidy=subsidy,
            action=subsidy_action,
            user=user,
            comment=f"Délibération {deliberation.number}",
        )
    deliberation.non_participating_members.set(members)
    for member, reason in interested_voters.items():
        record = InterestedVoter(
            deliberation=deliberation, member=member, reason=reason.strip(), confirmed_by=user
        )
        save_validated(record, user)
    with workflow.run_transition(deliberation, action, user):
        for name, value in vote.items():
            setattr(deliberation, name, value)
        deliberation.non_participants = _non_participant_names(members, non_participants)
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
    non_participating_members: Iterable[ElectedMember] = (),
    interested_voters: dict | None = None,
) -> Deliberation:
    """Record the adoption: the subsidies are voted and the act is frozen.

    `non_participating_members`: the elected members who did not take part (named in the
    text); `interested_voters`: {member: reason} for a member with an interest in a
    beneficiary who is nevertheless counted among the voters (kept as InterestedVoter).
    """
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
        non_participating_members=non_participating_members,
        interested_voters=interested_voters,
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
    non_participating_members: Iterable[ElectedMember] = (),
    interested_voters: dict | None = None,
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
        non_participating_members=non_participating_members,
        interested_voters=interested_voters,
    )


@transaction.atomic
def deliberation_withdraw(*, deliberation: Deliberation, user) -> Deliberation:
    """Take a draft off the agenda; its subsidies may then go into another deliberation."""
    _require_secretariat(user, "retirer une délibération")
    deliberation = _locked(deliberation)
    _require_draft(deliberation, "le retrait")
    workflow.apply(deliberation, "withdraw", user)
    return deliberation


def acts_in_application_since() -> datetime.date:
    """The date from which the acts are transmitted and published through the application:
    the acts voted before it may carry an executory date typed by hand."""
    return settings.ACTS_IN_APPLICATION_SINCE


def _store_executory(deliberation: Deliberation, date: datetime.date, user) -> None:
    """Certify the act executory at `date` (its PDF made again with the date, once) and
    write the date on each file it grants."""
    deliberation.executory_date = date
    _store_pdf(deliberation, rendering.build_pdf(deliberation, deliberation.html))
    save_validated(deliberation, user)
    for subsidy in deliberation.subsidies.all():
        subsidy_services.subsidy_record_executory(subsidy=subsidy, date=date, user=user)


@transaction.atomic
def deliberation_set_executory(
    *, deliberation: Deliberation, date: datetime.date, user, reason: str = ""
) -> Deliberation:
    """Type the executory date of an act voted before the application was used (with the
    reason); the date of the others is computed (deliberation_update_executory). The PDF is
    certified with it, once, and each subsidy the act grants is from then on executory."""
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
    _check_manual_executory(deliberation, date, reason)
    deliberation.executory_manual_reason = reason.strip()
    _store_executory(deliberation, date, user)
    return deliberation


def _check_manual_executory(deliberation: Deliberation, date: datetime.date, reason: str) -> None:
    since = acts_in_application_since()
    if deliberation.session.date >= since:
        raise ValidationError(
            {
                "executory_date": EXECUTORY_MANUAL_ONLY_OLD_ACTS.format(
                    session=short_date(deliberation.session.date), since=short_date(since)
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
    _not_in_future(date, "executory_date")
    if not reason.strip():
        raise ValidationError({"reason": EXECUTORY_MANUAL_REASON_REQUIRED})


def executory_date_of(deliberation: Deliberation) -> datetime.date | None:
    """The later of the prefecture's reception and the publication (or display), once
    both are known (CGCT L2131-1)."""
    publicity = deliberation.published_on or deliberation.displayed_on
    if deliberation.prefecture_received_on is None or publicity is None:
        return None
    return max(deliberation.prefecture_received_on, publicity)


def _update_executory(deliberation: Deliberation, user) -> Deliberation:
    """Save the act's new dates; once both are known, it is executory (computed)."""
    date = executory_date_of(deliberation)
    if date is not None and deliberation.executory_date is None:
        _store_executory(deliberation, date, user)
    else:
        save_validated(deliberation, user)
    return deliberation


def _require_act(deliberation: Deliberation) -> None:
    if deliberation.status != DeliberationStatus.ADOPTED:
        raise ValidationError(ACT_NOT_ADOPTED, code="status")
    if deliberation.executory_manual_reason:
        raise ValidationError(
            ACT_MANUAL_EXECUTORY.format(date=short_date(deliberation.executory_date)),
            code="manual",
        )


def _check_act_date(deliberation: Deliberation, date: datetime.date, field: str) -> None:
    if date < deliberation.session.date:
        raise ValidationError(
            {
                field: DATE_BEFORE_SESSION.format(
                    date=short_date(date), session=long_date(deliberation.session.date)
                )
            }
        )
    _not_in_future(date, field)


@transaction.atomic
def deliberation_record_transmission(
    *, deliberation: Deliberation, sent_on: datetime.date, user, classification=None
) -> Deliberation:
    """The act was sent to the prefecture (contrôle de légalité, @CTES) on `sent_on`."""
    _require_secretariat(user, "transmettre en préfecture")
    deliberation = _locked(deliberation)
    _require_act(deliberation)
    if deliberation.transmitted_on is not None:
        if deliberation.transmitted_on == sent_on:
            return deliberation
        raise ValidationError(
            {"sent_on": ALREADY_TRANSMITTED.format(date=short_date(deliberation.transmitted_on))}
        )
    if classification is not None:
        deliberation.classification = classification
    if deliberation.classification_id is None:
        raise ValidationError({"classification": CLASSIFICATION_REQUIRED})
    _check_act_date(deliberation, sent_on, "sent_on")
    deliberation.transmitted_on = sent_on
    return save_validated(deliberation, user)


@transaction.atomic
def deliberation_record_acknowledgment(
    *, deliberation: Deliberation, act_id: str, received_on: datetime.date, user
) -> Deliberation:
    """The prefecture acknowledged the act (ARActe): its identifier and reception date.
    Recorded once (the same acknowledgment again changes nothing); the executory date
    follows when the act is also published."""
    _require_secretariat(user, "enregistrer l'accusé de réception")
    deliberation = _locked(deliberation)
    _require_act(deliberation)
    act_id = act_id.strip()
    if deliberation.transmitted_on is None:
        raise ValidationError(NOT_TRANSMITTED, code="not_transmitted")
    if deliberation.prefecture_act_id:
        if (deliberation.prefecture_act_id, deliberation.prefecture_received_on) == (
            act_id,
            received_on,
        ):
            return deliberation
        raise ValidationError(
            ALREADY_ACKNOWLEDGED.format(
                act_id=deliberation.prefecture_act_id,
                date=short_date(deliberation.prefecture_received_on),
            ),
            code="acknowledged",
        )
    if not ACT_ID_PATTERN.match(act_id):
        raise ValidationError({"act_id": ACT_ID_INVALID.format(act_id=act_id)})
    if received_on < deliberation.transmitted_on:
        raise ValidationError(
            {
                "received_on": RECEIVED_BEFORE_SENT.format(
                    received=short_date(received_on), sent=short_date(deliberation.transmitted_on)
                )
            }
        )
    _not_in_future(received_on, "received_on")
    deliberation.prefecture_act_id = act_id
    deliberation.prefecture_received_on = received_on
    return _update_executory(deliberation, user)


def publication_mode(deliberation: Deliberation) -> str:
    """« publish » (online, acts adopted from 1 July 2022) or « display » (affichage)."""
    return "publish" if deliberation.session.date >= ONLINE_PUBLICATION_SINCE else "display"


def deliberation_publish(
    *, deliberation: Deliberation, published_on: datetime.date, user
) -> Deliberation:
    """The act was published online on `published_on` (acts adopted from 1 July 2022)."""
    return _record_publication(
        deliberation,
        user,
        mode="publish",
        field="published_on",
        date=published_on,
        action="publier la délibération",
        wrong_mode=(PUBLISH_OLD_ACT, "display"),
        already=ALREADY_PUBLISHED,
    )


def deliberation_record_display(
    *, deliberation: Deliberation, displayed_on: datetime.date, user
) -> Deliberation:
    """The act's display (affichage) was noted on `displayed_on` (acts adopted before 1 July
    2022); the act then appears on the public page as well."""
    return _record_publication(
        deliberation,
        user,
        mode="display",
        field="displayed_on",
        date=displayed_on,
        action="constater l'affichage",
        wrong_mode=(DISPLAY_NEW_ACT, "publish"),
        already=ALREADY_DISPLAYED,
    )


@transaction.atomic
def _record_publication(
    deliberation: Deliberation,
    user,
    *,
    mode: str,
    field: str,
    date: datetime.date,
    action: str,
    wrong_mode: tuple[str, str],
    already: str,
) -> Deliberation:
    """Publication or display, whichever the act's date calls for (publication_mode); a
    second record of the same date changes nothing, of another date is refused."""
    _require_secretariat(user, action)
    deliberation = _locked(deliberation)
    _require_act(deliberation)
    if publication_mode(deliberation) != mode:
        raise ValidationError(wrong_mode[0], code=wrong_mode[1])
    recorded = getattr(deliberation, field)
    if recorded is not None:
        if recorded == date:
            return deliberation
        raise ValidationError({field: already.format(date=short_date(recorded))})
    _check_act_date(deliberation, date, field)
    setattr(deliberation, field, date)
    return _update_executory(deliberation, user)


@transaction.atomic
def session_publish_act_list(*, session: Session, published_on: datetime.date, user) -> Session:
    """The list of the session's deliberations was published (CGCT L2121-25)."""
    _require_secretariat(user, "publier la liste des délibérations")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.act_list_published_on is not None:
        raise ValidationError(
            {
                "published_on": ACT_LIST_ALREADY_PUBLISHED.format(
                    date=short_date(session.act_list_published_on)
                )
            }
        )
    if not session.deliberations.filter(status__in=FROZEN_STATUSES).exists():
        raise ValidationError(ACT_LIST_NOTHING_VOTED, code="empty")
    if published_on < session.date:
        raise ValidationError(
            {
                "published_on": DATE_BEFORE_SESSION.format(
                    date=short_date(published_on), session=long_date(session.date)
                )
            }
        )
    _not_in_future(published_on, "published_on")
    session.act_list_published_on = published_on
    return save_validated(session, user)


# Corrections (issue 14 item 3): before the act leaves the authority, a vote or an executory
# date recorded by mistake is corrected, with its reason; afterwards only a new deliberation.


def correction_refusal(deliberation: Deliberation) -> str | None:
    """Why the vote of this deliberation can no longer be corrected (None: it can)."""
    if deliberation.status not in FROZEN_STATUSES:
        return CORRECTION_NOT_VOTED
    if deliberation.is_sent_out:
        return CORRECTION_SENT_OUT
    for subsidy in deliberation.subsidies.all():
        refusal = subsidy_services.subsidy_executory_correction_refusal(subsidy)
        if refusal and deliberation.executory_date is not None:
            return refusal
    return None


def _vote_summary(deliberation: Deliberation) -> str:
    if deliberation.unanimous:
        counts = "à l'unanimité"
    else:
        counts = (
            f"{deliberation.votes_for} pour, {deliberation.votes_against} contre, "
            f"{deliberation.abstentions} abstentions"
        )
    names = deliberation.non_participant_names
    recorded = timezone.localtime(deliberation.voted_at).strftime("%d/%m/%Y %H:%M")
    missing = f" ; n'ont pas pris part : {', '.join(names)}" if names else ""
    return f"{counts}{missing} (enregistré le {recorded})"


def _record_correction(deliberation, *, kind, before, after, reason, user) -> None:
    correction = VoteCorrection(
        deliberation=deliberation,
        kind=kind,
        before=before,
        after=after,
        reason=reason,
        corrected_by=user,
    )
    save_validated(correction, user)


@transaction.atomic
def deliberation_correct_vote(
    *,
    deliberation: Deliberation,
    user,
    reason: str,
    unanimous: bool = False,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    non_participants: Iterable[str] = (),
    non_participating_members: Iterable[ElectedMember] = (),
    interested_voters: dict | None = None,
) -> Deliberation:
    """Correct a vote recorded by mistake, while the act is neither transmitted nor
    published: the counts, the non-participants and the date it was recorded (now); the
    result (adopted or rejected) stays. The text and PDF are made again; the correction is
    kept (VoteCorrection: before, after, who, when, why)."""
    _require_secretariat(user, "corriger le vote")
    deliberation = _locked(deliberation)
    refusal = correction_refusal(deliberation)
    if refusal:
        raise ValidationError(refusal, code="correction")
    if not reason.strip():
        raise ValidationError({"reason": CORRECTION_REASON_REQUIRED})
    _check_vote_date(deliberation)
    vote = _vote_fields(unanimous, votes_for, votes_against, abstentions)
    adopted = unanimous or vote["votes_for"] > vote["votes_against"]
    if adopted != (deliberation.status == DeliberationStatus.ADOPTED):
        raise ValidationError(
            CORRECTION_CHANGES_RESULT.format(status=deliberation.get_status_display().lower()),
            code="vote",
        )
    if isinstance(non_participants, str):
        non_participants = non_participants.splitlines()
    members = list(non_participating_members)
    interested_voters = dict(interested_voters or {})
    _check_participation(deliberation, vote, members, interested_voters)
    before = _vote_summary(deliberation)
    deliberation.non_participating_members.set(members)
    # The confirmations follow the corrected vote: those no longer true are removed (the
    # history keeps them), the new ones recorded.
    for record in deliberation.interested_voters.all():
        delete_logged(record, user)
    for member, member_reason in interested_voters.items():
        record = InterestedVoter(
            deliberation=deliberation,
            member=member,
            reason=member_reason.strip(),
            confirmed_by=user,
        )
        save_validated(record, user)
    for name, value in vote.items():
        setattr(deliberation, name, value)
    deliberation.non_participants = _non_participant_names(members, non_participants)
    deliberation.voted_at = timezone.now()
    deliberation.voted_by = user
    deliberation.revision += 1
    _freeze(deliberation)
    save_validated(deliberation, user)
    _record_correction(
        deliberation,
        kind=CorrectionKind.VOTE,
        before=before,
        after=_vote_summary(deliberation),
        reason=reason.strip(),
        user=user,
    )
    return deliberation


@transaction.atomic
def deliberation_correct_executory(
    *, deliberation: Deliberation, date: datetime.date, user, reason: str
) -> Deliberation:
    """Correct an executory date typed by mistake (an act voted before the application was
    used), while nothing was signed or paid on it: the date is checked as when it was
    typed, the PDF certified again, the files' date corrected, the correction kept."""
    _require_secretariat(user, "corriger la date exécutoire")
    deliberation = _locked(deliberation)
    refusal = correction_refusal(deliberation)
    if refusal:
        raise ValidationError(refusal, code="correction")
    if deliberation.executory_date is None or not deliberation.executory_manual_reason:
        raise ValidationError(CORRECTION_NOT_MANUAL, code="computed")
    if not reason.strip():
        raise ValidationError({"reason": CORRECTION_REASON_REQUIRED})
    _check_manual_executory(deliberation, date, deliberation.executory_manual_reason)
    before = short_date(deliberation.executory_date)
    deliberation.executory_date = date
    deliberation.revision += 1
    _store_pdf(deliberation, rendering.build_pdf(deliberation, deliberation.html))
    save_validated(deliberation, user)
    for subsidy in deliberation.subsidies.all():
        subsidy_services.subsidy_correct_executory(subsidy=subsidy, date=date, user=user)
    _record_correction(
        deliberation,
        kind=CorrectionKind.EXECUTORY,
        before=before,
        after=short_date(date),
        reason=reason.strip(),
        user=user,
    )
    return deliberation


# The act after the vote (issue 11)


def act_authority(deliberation: Deliberation):
    """The authority whose act this is (its name, SIREN, département for the @CTES
    exchange): its session's authority, else the default one."""
    return deliberation.session.authority_or_default
