"""Writes of the exchanges on a file (issue 16): the instructor asks the association for
missing documents or information by a deadline; the association answers in its space;
both sides write messages kept on the file. Each write notifies the other side by e-mail.

The file is « incomplet » while a request is open (Subsidy.is_incomplete).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import check_pdf, check_upload_size
from core.services import save_validated

from . import roles
from .account_checks import account_acts_for
from .enums import InformationRequestStatus, SubsidyStatus
from .models import FileMessage, InformationRequest, Subsidy
from .notifications import association_recipients, notify, staff_recipients

INSTRUCTORS_ONLY = "Seuls les instructeurs et les chefs de service écrivent aux associations."
NOT_YOUR_FILE = "Vous n'agissez pas pour l'association de ce dossier."
FILE_NOT_OPEN = (
    "Le dossier {reference} est au statut « {status} » : on ne demande plus de compléments."
)
DEADLINE_PAST = "La date limite ({date}) est déjà passée : choisissez une date à venir."
REQUEST_NOT_OPEN = "Cette demande de compléments n'attend plus de réponse."
REQUEST_ALREADY_CLOSED = "Cette demande de compléments est déjà close."
REQUEST_OF_ANOTHER_FILE = "Cette demande de compléments concerne un autre dossier."
ANSWER_REQUIRED = "Écrivez votre réponse."
MESSAGE_REQUIRED = "Écrivez votre message."
SUBJECT_REQUIRED = "Indiquez l'objet de la demande."
BODY_REQUIRED = "Précisez ce qui manque."

SUBJECT_TO_ASSOCIATION = "Dossier {reference} : {subject}"
SUBJECT_ANSWER = "Dossier {reference} : réponse de l'association"
SUBJECT_MESSAGE = "Dossier {reference} : nouveau message"

# A file that no longer moves takes no request.
CLOSED_STATUSES = (SubsidyStatus.CLOSED, SubsidyStatus.WITHDRAWN, SubsidyStatus.REJECTED)


def _require_instructor(user) -> None:
    if not roles.allowed(user, "ask_information"):
        raise ValidationError(INSTRUCTORS_ONLY, code="role")


def _require_account(user, subsidy: Subsidy) -> None:
    if not account_acts_for(user, subsidy.beneficiary):
        raise ValidationError(NOT_YOUR_FILE, code="role")


def _attachment_checked(attachment):
    """An attachment is a PDF, checked by its content (core.files), 20 MB at most."""
    if attachment is None:
        return None
    check_upload_size(attachment)
    attachment.seek(0)
    check_pdf(attachment.read())
    attachment.seek(0)
    return attachment


@transaction.atomic
def information_request_create(
    *, subsidy: Subsidy, user, subject: str, body: str, deadline: datetime.date
) -> InformationRequest:
    """Ask the association for missing documents or information by `deadline`: the file
    is « incomplet » until it answers; the association is told by e-mail."""
    _require_instructor(user)
    subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    if subsidy.status in CLOSED_STATUSES:
        raise ValidationError(
            FILE_NOT_OPEN.format(reference=subsidy.reference, status=subsidy.get_status_display()),
            code="status",
        )
    errors = {}
    if not subject.strip():
        errors["subject"] = SUBJECT_REQUIRED
    if not body.strip():
        errors["body"] = BODY_REQUIRED
    if deadline is not None and deadline <= timezone.localdate():
        errors["deadline"] = DEADLINE_PAST.format(date=deadline.strftime("%d/%m/%Y"))
    if errors:
        raise ValidationError(errors)
    request = save_validated(
        InformationRequest(
            subsidy=subsidy,
            asked_by=user,
            subject=subject.strip(),
            body=body.strip(),
            deadline=deadline,
        ),
        user,
    )
    notify(
        to=association_recipients(subsidy),
        subject=SUBJECT_TO_ASSOCIATION.format(reference=subsidy.reference, subject=request.subject),
        template="subventions/email/information_request",
        context={"subsidy": subsidy, "request": request},
    )
    return request


@transaction.atomic
def information_request_answer(
    *, information_request: InformationRequest, user, body: str, attachment=None
) -> FileMessage:
    """The association answers a request (text, and a PDF if it has one): the request is
    answered, the file no longer « incomplet »; the instructor is told by e-mail."""
    information_request = InformationRequest.objects.select_for_update().get(
        pk=information_request.pk
    )
    subsidy = information_request.subsidy
    _require_account(user, subsidy)
    if not information_request.is_open:
        raise ValidationError(REQUEST_NOT_OPEN, code="status")
    if not body.strip():
        raise ValidationError({"body": ANSWER_REQUIRED})
    _attachment_checked(attachment)
    message = _message(
        subsidy=subsidy,
        user=user,
        body=body,
        attachment=attachment,
        from_association=True,
        information_request=information_request,
    )
    information_request.status = InformationRequestStatus.ANSWERED
    information_request.answered_at = timezone.now()
    save_validated(information_request, user)
    notify(
        to=staff_recipients(subsidy, information_request.asked_by),
        subject=SUBJECT_ANSWER.format(reference=subsidy.reference),
        template="subventions/email/information_answer",
        context={"subsidy": subsidy, "request": information_request, "message": message},
    )
    return message


@transaction.atomic
def information_request_close(*, information_request: InformationRequest, user):
    """The instructor closes a request: without an answer (received another way), or
    once the association's answer is read (it leaves their « À faire »)."""
    _require_instructor(user)
    information_request = InformationRequest.objects.select_for_update().get(
        pk=information_request.pk
    )
    if information_request.status == InformationRequestStatus.CLOSED:
        raise ValidationError(REQUEST_ALREADY_CLOSED, code="status")
    information_request.status = InformationRequestStatus.CLOSED
    return save_validated(information_request, user)


def _message(*, subsidy, user, body, attachment, from_association, information_request=None):
    message = FileMessage(
        subsidy=subsidy,
        author=user,
        body=body.strip(),
        from_association=from_association,
        information_request=information_request,
    )
    if attachment is not None:
        message.attachment_name = attachment.name[-200:]
        message.attachment.save(attachment.name, attachment, save=False)
    return save_validated(message, user)


@transaction.atomic
def file_message_create(*, subsidy: Subsidy, user, body: str, attachment=None) -> FileMessage:
    """A message on the file, from the instructor or from the association (whichever the
    user is), kept for both sides; the other side is told by e-mail."""
    staff = roles.allowed(user, "ask_information")
    if not staff:
        _require_account(user, subsidy)
    if not body.strip():
        raise ValidationError({"body": MESSAGE_REQUIRED})
    _attachment_checked(attachment)
    message = _message(
        subsidy=subsidy, user=user, body=body, attachment=attachment, from_association=not staff
    )
    notify(
        to=association_recipients(subsidy) if staff else staff_recipients(subsidy),
        subject=SUBJECT_MESSAGE.format(reference=subsidy.reference),
        template="subventions/email/file_message",
        context={"subsidy": subsidy, "message": message},
    )
    return message
