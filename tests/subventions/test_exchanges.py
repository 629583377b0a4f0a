"""Information requests and messages on a file (issue 16): asked by the instructor,
answered by the association from its space; « incomplet » until answered; e-mails to the
other side; refusals in French with nothing saved."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.files import PDF_NOT_PDF
from subventions import exchanges
from subventions.enums import InformationRequestStatus, Role
from subventions.models import FileMessage, InformationRequest, Membership
from subventions.views_exchanges import INBOX_LIMIT
from tests.portail.conftest import *  # noqa: F403 (the association accounts)
from tests.subventions.conftest import pdf_bytes
from tests.subventions.factories import SubsidyFactory

IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR, email="instructeur@example.org")


@pytest.fixture
def subsidy(association, instructor):
    return SubsidyFactory(beneficiary=association, under_review=True, instructor=instructor)


def ask(subsidy, user, **fields):
    fields = {"subject": "Statuts à jour", "body": "Merci de joindre vos statuts.", **fields}
    fields.setdefault("deadline", IN_A_MONTH)
    return exchanges.information_request_create(subsidy=subsidy, user=user, **fields)


def test_a_request_makes_the_file_incomplete_until_answered(
    subsidy, instructor, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(subsidy, instructor)
    assert subsidy.is_incomplete
    assert [message.to for message in mail.outbox] == [[account.email]] or account.email in (
        mail.outbox[0].to
    )
    assert "Statuts à jour" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = exchanges.information_request_answer(
            information_request=request,
            user=account,
            body="Les voici.",
            attachment=ContentFile(pdf_bytes(), name="statuts.pdf"),
        )
    request.refresh_from_db()
    assert request.status == InformationRequestStatus.ANSWERED
    assert request.answered_at is not None
    assert not subsidy.is_incomplete
    assert answer.from_association and answer.information_request == request
    assert answer.attachment_name == "statuts.pdf"
    assert mail.outbox[0].to == ["instructeur@example.org"]
    assert request.history.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"subject": " "}, "subject", exchanges.SUBJECT_REQUIRED),
        ({"body": ""}, "body", exchanges.BODY_REQUIRED),
        (
            {"deadline": timezone.localdate()},
            "deadline",
            exchanges.DEADLINE_PAST.format(date=timezone.localdate().strftime("%d/%m/%Y")),
        ),
    ],
)
def test_a_bad_request_is_refused_on_its_field(subsidy, instructor, fields, field, message):
    with pytest.raises(ValidationError) as refusal:
        ask(subsidy, instructor, **fields)
    assert refusal.value.message_dict[field] == [message]
    assert not InformationRequest.objects.exists()


def test_only_instructors_ask(subsidy, make_user, account):
    for user in (make_user(Role.FINANCE), account):
        with pytest.raises(ValidationError, match=exchanges.INSTRUCTORS_ONLY):
            ask(subsidy, user)
    assert not InformationRequest.objects.exists()


def test_another_association_cannot_answer(subsidy, instructor, make_account):
    request = ask(subsidy, instructor)
    stranger = make_account(SubsidyFactory().beneficiary)
    with pytest.raises(ValidationError, match=exchanges.NOT_YOUR_FILE):
        exchanges.information_request_answer(
            information_request=request, user=stranger, body="Bonjour"
        )
    assert not FileMessage.objects.exists()
    assert subsidy.is_incomplete


def test_an_answer_with_a_file_that_is_not_a_pdf_is_refused(subsidy, instructor, account):
    request = ask(subsidy, instructor)
    with pytest.raises(ValidationError, match="n'est pas un PDF"):
        exchanges.information_request_answer(
            information_request=request,
            user=account,
            body="Voici",
            attachment=ContentFile(b"MZ\x90\x00 not a pdf", name="statuts.pdf"),
        )
    assert PDF_NOT_PDF  # the message the refusal quotes
    assert not FileMessage.objects.exists()
    request.refresh_from_db()
    assert request.is_open


def test_a_request_is_answered_once(subsidy, instructor, account):
    request = ask(subsidy, instructor)
    exchanges.information_request_answer(information_request=request, user=account, body="1")
    with pytest.raises(ValidationError, match=exchanges.REQUEST_NOT_OPEN):
        exchanges.information_request_answer(information_request=request, user=account, body="2")
    assert FileMessage.objects.count() == 1


def test_messages_go_both_ways(subsidy, instructor, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exchanges.file_message_create(subsidy=subsidy, user=instructor, body="Bonjour")
        exchanges.file_message_create(subsidy=subsidy, user=account, body="Merci")
    first, second = FileMessage.objects.order_by("pk")
    assert not first.from_association and second.from_association
    assert account.email in mail.outbox[0].to
    assert mail.outbox[1].to == ["instructeur@example.org"]
    with pytest.raises(ValidationError) as refusal:
        exchanges.file_message_create(subsidy=subsidy, user=account, body="   ")
    assert refusal.value.message_dict["body"] == [exchanges.MESSAGE_REQUIRED]


def test_no_request_on_a_closed_file(instructor, association):
    withdrawn = SubsidyFactory(beneficiary=association, withdrawn=True)
    with pytest.raises(ValidationError, match="on ne demande plus de compléments"):
        ask(withdrawn, instructor)


# Staff pages


def test_the_staff_form_refuses_bad_input_in_french(client, subsidy, instructor):
    client.force_login(instructor)
    url = reverse("subventions:subsidy_information_request", args=[subsidy.pk])
    response = client.post(url, {"subject": "", "body": "x", "deadline": "2020-13-45"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ce champ est obligatoire" in content
    assert "Saisissez une date valide" in content
    assert not InformationRequest.objects.exists()


def test_the_subsidy_page_shows_the_exchanges_and_incomplete(client, subsidy, instructor, account):
    request = ask(subsidy, instructor)
    exchanges.file_message_create(subsidy=subsidy, user=instructor, body="Un mot du service")
    client.force_login(instructor)
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert "Incomplet" in page
    assert "Statuts à jour" in page and "Un mot du service" in page
    response = client.post(
        reverse("subventions:subsidy_information_request", args=[subsidy.pk]),
        {"subject": "RIB", "body": "Votre RIB", "deadline": IN_A_MONTH.isoformat()},
    )
    assert response.status_code == 302
    assert InformationRequest.objects.count() == 2
    client.post(reverse("subventions:information_request_close", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == InformationRequestStatus.CLOSED


def test_the_inbox_lists_open_requests_and_answers(client, subsidy, instructor, account):
    request = ask(subsidy, instructor, subject="Budget détaillé")
    ask(subsidy, instructor, subject="Liste des dirigeants")
    exchanges.information_request_answer(
        information_request=request, user=account, body="Voici le budget"
    )
    client.force_login(instructor)
    page = client.get(reverse("subventions:exchanges_inbox")).content.decode()
    assert "Liste des dirigeants" in page
    assert "Voici le budget" in page


def test_an_association_account_gets_403_on_the_staff_pages(client, subsidy, account):
    client.force_login(account)
    for url in (
        reverse("subventions:exchanges_inbox"),
        reverse("subventions:subsidy_information_request", args=[subsidy.pk]),
        reverse("subventions:subsidy_message_create", args=[subsidy.pk]),
    ):
        assert client.get(url).status_code == 403


def _fill_inbox(subsidy, instructor, account, count: int) -> None:
    """`count` open requests and `count` answers received, written in bulk."""
    requests = InformationRequest.objects.bulk_create(
        InformationRequest(
            subsidy=subsidy,
            asked_by=instructor,
            subject=f"Pièce {i}",
            body="Merci.",
            deadline=IN_A_MONTH,
        )
        for i in range(count)
    )
    FileMessage.objects.bulk_create(
        FileMessage(
            subsidy=subsidy,
            author=account,
            from_association=True,
            body=f"Réponse {i}",
            information_request=request,
        )
        for i, request in enumerate(requests)
    )


def test_the_inbox_costs_the_same_and_shows_a_bounded_page_whatever_the_tables_size(
    client, subsidy, instructor, account
):
    client.force_login(instructor)
    url = reverse("subventions:exchanges_inbox")
    _fill_inbox(subsidy, instructor, account, 5)
    client.get(url)  # warm the caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Pièce 4" in page and "premières lignes" not in page
    _fill_inbox(subsidy, instructor, account, 500)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) <= len(few) + 2  # the totals of the parts cut short
    assert page.count("Pièce ") <= 2 * INBOX_LIMIT
    assert "Affichage des 50 premières lignes sur 505." in page


def test_the_accounts_to_confirm_come_by_pages(client, association, make_user):
    """500 requests to confirm: one page of them, as many queries as for 5."""
    from django.contrib.auth import get_user_model

    from core.views import PAGE_SIZE
    from subventions.enums import MembershipStatus

    def requests(start: int, count: int) -> None:
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"asso{i}", email=f"asso{i}@example.org")
            for i in range(start, start + count)
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                beneficiary=association,
                role_in_association="trésorier",
                status=MembershipStatus.PENDING,
            )
            for user in users
        )

    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("subventions:membership_list")
    requests(0, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).content.decode().count("asso4@example.org") >= 1
    requests(5, 500)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) <= len(few) + 1  # the count of the paginator
    assert page.count('btn-success">Confirmer') == PAGE_SIZE
    assert "Page 1 sur 21" in page
    last = client.get(url, {"page": 21}).content.decode()
    assert last.count('btn-success">Confirmer') == 505 - 20 * PAGE_SIZE
