"""Writes of the register of elected members (issue 11): members, their interests, the
attendance of each session, the prefecture's classification of acts.

Keyword-only, one transaction each, validated before saving (core.services.save_validated),
the history signed by the user; a refusal raises ValidationError with a French reason
(the constants below) and leaves the database as it was.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import assign, delete_logged, save_validated
from subventions.roles import allowed

from .enums import AttendanceStatus
from .models import (
    PROXY_NOT_PRESENT,
    PROXY_TWICE,
    ActClassification,
    Attendance,
    ElectedMember,
    Interest,
    Session,
)

MEMBERS_ONLY = "Réservé au Secrétariat des assemblées : {action}."
NOT_IN_OFFICE = "{member} ne siège pas dans cette instance : il ne figure pas sur la feuille."
CONVENED_AFTER_SESSION = "La convocation ({convened}) ne peut suivre la séance ({session})."
OFFICER_NOT_PRESENT = "Le {role} de séance ({member}) doit être présent à la séance."


def _require(user, action: str, what: str) -> None:
    if not allowed(user, action):
        raise ValidationError(MEMBERS_ONLY.format(action=what), code="permission")


# Members and interests


@transaction.atomic
def member_save(*, user, member: ElectedMember | None = None, **fields) -> ElectedMember:
    """Create (no `member`) or edit an elected member."""
    _require(user, "manage_elected_members", "le registre des élus")
    return save_validated(assign(member or ElectedMember(), fields), user)


@transaction.atomic
def interest_save(*, user, interest: Interest | None = None, **fields) -> Interest:
    """Create (no `interest`) or edit an interest of a member."""
    _require(user, "manage_elected_members", "les intérêts des élus")
    return save_validated(assign(interest or Interest(), fields), user)


@transaction.atomic
def interest_delete(*, user, interest: Interest) -> None:
    _require(user, "manage_elected_members", "les intérêts des élus")
    delete_logged(interest, user)


@transaction.atomic
def classification_save(
    *, user, classification: ActClassification | None = None, **fields
) -> ActClassification:
    """Create or edit a subject of the prefecture's nomenclature (« 7.5 Subventions »)."""
    _require(user, "manage_elected_members", "la classification des actes")
    return save_validated(assign(classification or ActClassification(), fields), user)


def interested_members(beneficiary_ids: Iterable[int], day: datetime.date) -> dict:
    """{member: [interests]}: the members holding, on `day`, an interest in one of the
    beneficiaries (CGCT L2131-11, « conseillers intéressés »)."""
    interests = Interest.objects.filter(beneficiary_id__in=list(beneficiary_ids)).select_related(
        "member", "beneficiary"
    )
    found: dict = {}
    for interest in interests:
        if interest.is_current(day):
            found.setdefault(interest.member, []).append(interest)
    return found


# Attendance


def attendance_rows(session: Session) -> list[Attendance]:
    """The session's sheet: its recorded lines, then (unsaved) a « present » line for each
    member in office of the body who is not on it yet."""
    rows = list(session.attendances.select_related("member", "proxy_holder"))
    listed = {row.member_id for row in rows}
    for member in ElectedMember.objects.in_office(session.body):
        if member.pk not in listed:
            rows.append(Attendance(session=session, member=member))
    rows.sort(key=lambda row: (row.member.last_name, row.member.first_name, row.member.pk))
    return rows


def _check_sheet(session: Session, lines: dict) -> None:
    """lines: {member: (status, proxy_holder)}. Every proxy held by a member present, and
    by one member at most once (CGCT L2121-20)."""
    errors = []
    holders: dict = {}
    for member, (status, holder) in lines.items():
        if status != AttendanceStatus.REPRESENTED or holder is None:
            continue
        holder_status = lines.get(holder, (None, None))[0]
        if holder_status != AttendanceStatus.PRESENT:
            errors.append(PROXY_NOT_PRESENT.format(holder=holder))
        holders.setdefault(holder, []).append(member)
    for holder, members in holders.items():
        if len(members) > 1:
            errors.append(PROXY_TWICE.format(holder=holder))
    if errors:
        raise ValidationError(errors, code="proxy")


@transaction.atomic
def attendance_record(*, session: Session, user, lines: dict) -> list[Attendance]:
    """Record the sheet at once: lines {member: (status, proxy_holder or None)}.

    The whole sheet is checked before anything is written (a proxy holder present and
    holding one proxy); each line's history is signed by the user.
    """
    _require(user, "manage_sessions", "la feuille de présence")
    session = Session.objects.select_for_update().get(pk=session.pk)
    _check_sheet(session, lines)
    existing = {row.member_id: row for row in session.attendances.all()}
    saved = []
    for member, (status, holder) in lines.items():
        row = existing.get(member.pk) or Attendance(session=session, member=member)
        if row.pk and row.status == status and row.proxy_holder_id == getattr(holder, "pk", None):
            saved.append(row)
            continue
        row.status = status
        row.proxy_holder = holder if status == AttendanceStatus.REPRESENTED else None
        saved.append(save_validated(row, user))
    return saved


@transaction.atomic
def attendance_save(*, user, attendance: Attendance) -> Attendance:
    """One line edited on its own (the admin): the sheet it belongs to checked again."""
    _require(user, "manage_sessions", "la feuille de présence")
    session = Session.objects.select_for_update().get(pk=attendance.session_id)
    lines = {
        row.member: (row.status, row.proxy_holder)
        for row in session.attendances.select_related("member", "proxy_holder")
        if row.pk != attendance.pk
    }
    lines[attendance.member] = (attendance.status, attendance.proxy_holder)
    _check_sheet(session, lines)
    return save_validated(attendance, user)


@transaction.atomic
def attendance_delete(*, user, attendance: Attendance) -> None:
    _require(user, "manage_sessions", "la feuille de présence")
    if attendance.session.attendances.filter(proxy_holder=attendance.member).exists():
        raise ValidationError(PROXY_NOT_PRESENT.format(holder=attendance.member), code="proxy")
    delete_logged(attendance, user)


@transaction.atomic
def session_record_officers(
    *,
    session: Session,
    user,
    convened_on: datetime.date | None,
    president: ElectedMember | None,
    secretary: ElectedMember | None,
) -> Session:
    """The convocation date, the president and the secretary of the session."""
    _require(user, "manage_sessions", "la séance")
    session = Session.objects.select_for_update().get(pk=session.pk)
    errors = {}
    if convened_on and convened_on > session.date:
        errors["convened_on"] = CONVENED_AFTER_SESSION.format(
            convened=f"{convened_on:%d/%m/%Y}", session=f"{session.date:%d/%m/%Y}"
        )
    statuses = dict(session.attendances.values_list("member_id", "status"))
    for field, role, member in (
        ("president", "président", president),
        ("secretary", "secrétaire", secretary),
    ):
        if member is not None and statuses and statuses.get(member.pk) != AttendanceStatus.PRESENT:
            errors[field] = OFFICER_NOT_PRESENT.format(role=role, member=member)
    if errors:
        raise ValidationError(errors)
    session.convened_on = convened_on
    session.president = president
    session.secretary = secretary
    return save_validated(session, user)
