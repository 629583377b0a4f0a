"""The staff side of the association accounts: requests to confirm or refuse, and the
invitation from a beneficiary's page."""

import re

import pytest
from django.core import mail

from subventions.enums import MembershipStatus, Role
from subventions.memberships import REFUSAL_REASON_REQUIRED, beneficiaries_for_account
from subventions.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(make_account, association):
    user = make_account(association, status=MembershipStatus.PENDING)
    return Membership.objects.get(user=user)


def test_a_clerk_sees_and_confirms_a_pending_request(client, make_user, pending):
    clerk = make_user(Role.INSTRUCTOR)
    client.force_login(clerk)
    page = client.get("/comptes-association/").content.decode()
    assert pending.user.email in page
    response = client.post(f"/comptes-association/{pending.pk}/confirmer/", follow=True)
    assert "agit désormais pour" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.CONFIRMED
    assert pending.confirmed_by == clerk
    assert list(beneficiaries_for_account(pending.user)) == [pending.beneficiary]


def test_a_refusal_without_reason_is_said_on_the_field(client, make_user, pending):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(f"/comptes-association/{pending.pk}/refuser/", {"reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING
    client.post(f"/comptes-association/{pending.pk}/refuser/", {"reason": "Inconnu."})
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.REFUSED
    assert REFUSAL_REASON_REQUIRED  # the service's own message, tested in test_accounts


@pytest.mark.parametrize("role", [Role.READER, Role.FINANCE, Role.SIGNATORY])
def test_other_roles_cannot_decide(client, make_user, pending, role):
    client.force_login(make_user(role))
    assert client.get("/comptes-association/").status_code == 403
    assert client.post(f"/comptes-association/{pending.pk}/confirmer/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING


def test_an_invitation_sends_a_link_that_activates_the_account(client, make_user, association):
    client.force_login(make_user(Role.INSTRUCTOR))
    page = client.get(f"/beneficiaires/{association.pk}/").content.decode()
    assert "Inviter une personne" in page
    response = client.post(
        f"/beneficiaires/{association.pk}/inviter/",
        {"email": "tresoriere@asso.example", "role_in_association": "trésorière"},
    )
    assert response.status_code == 302
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    response = client.get(link.replace("http://testserver", ""))
    assert response["Location"] == "/association/"
    assert client.get("/association/").status_code == 200
    assert association.legal_name in client.get("/association/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "pas-une-adresse", "role_in_association": "x"}, "email"),
        ({"email": "a@b.example", "role_in_association": ""}, "role_in_association"),
    ],
)
def test_invitation_bad_inputs(client, make_user, association, data, field):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(f"/beneficiaires/{association.pk}/inviter/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Membership.objects.exists()
    assert mail.outbox == []


def test_a_staff_address_cannot_be_invited(client, make_user, association):
    clerk = make_user(Role.INSTRUCTOR, email="agent@ville.example")
    client.force_login(clerk)
    response = client.post(
        f"/beneficiaires/{association.pk}/inviter/",
        {"email": "agent@ville.example", "role_in_association": "x"},
    )
    assert "compte d'agent" in " ".join(response.context["form"].errors["email"])
    assert not Membership.objects.exists()
