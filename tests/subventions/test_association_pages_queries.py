"""The staff pages of the association space read their rows in a constant number of
queries (issue 15's acceptance: 5 rows cost what 500 cost): the exchanges inbox and the
association accounts to confirm (« Comptes association »)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from subventions.enums import ApplicationStatus, InformationRequestStatus, MembershipStatus, Role
from subventions.models import Application, FileMessage, InformationRequest, Membership
from tests.subventions.factories import BeneficiaryFactory, SubsidyFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _inbox_rows(count: int, start: int, instructor, association_user) -> None:
    subsidies = SubsidyFactory.create_batch(2)
    now = timezone.now()
    InformationRequest.objects.bulk_create(
        InformationRequest(
            subsidy=subsidies[i % 2],
            asked_by=instructor,
            subject=f"Pièce {start + i}",
            body="Merci de joindre le budget.",
            deadline=datetime.date(2031, 1, 1),
            status=InformationRequestStatus.OPEN,
        )
        for i in range(count)
    )
    FileMessage.objects.bulk_create(
        FileMessage(
            subsidy=subsidies[i % 2],
            author=association_user,
            from_association=True,
            body=f"Réponse {start + i}",
        )
        for i in range(count)
    )
    Application.objects.bulk_create(
        Application(
            beneficiary=subsidies[i % 2].beneficiary,
            year=2021,
            project_title=f"Projet {start + i}",
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
        )
        for i in range(count)
    )


def test_the_exchanges_inbox_reads_5_or_500_rows_in_the_same_queries(client, make_user):
    instructor = make_user(Role.INSTRUCTOR)
    association_user = get_user_model().objects.create_user("asso", email="asso@example.org")
    client.force_login(instructor)
    url = reverse("subventions:exchanges_inbox")
    _inbox_rows(5, 0, instructor, association_user)
    few, page = queries(client, url)
    assert "Pièce 4" in page and "Réponse 4" in page and "Projet 4" in page
    _inbox_rows(495, 5, instructor, association_user)
    many, page = queries(client, url)
    # Each part shows its first rows and says how many there are in all.
    assert page.count("premières lignes sur 500") == 3
    # At most one COUNT more per part once it is cut, whatever the number of rows.
    assert many <= few + 4


def _pending(count: int, start: int) -> None:
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"membre-{start + i}", email=f"membre-{start + i}@example.org")
        for i in range(count)
    )
    beneficiaries = [BeneficiaryFactory(), BeneficiaryFactory()]
    Membership.objects.bulk_create(
        Membership(
            user=user,
            beneficiary=beneficiaries[i % 2],
            role_in_association="Trésorière",
            status=MembershipStatus.PENDING,
        )
        for i, user in enumerate(users)
    )


def test_the_accounts_to_confirm_read_5_or_500_rows_in_the_same_queries(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("subventions:membership_list")
    _pending(5, 0)
    few, page = queries(client, url)
    assert "membre-4@example.org" in page
    _pending(495, 5)
    many, page = queries(client, url)
    assert "Page 1 sur 20" in page  # the accounts to confirm come by pages
    assert many == few
