"""Association accounts: sign-up, e-mail confirmation, login by e-mail or identifier,
login link, password reset, link to an association."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from subventions.enums import MembershipStatus, Role
from subventions.memberships import (
    ALREADY_LINKED,
    BENEFICIARY_UNKNOWN,
    NOT_PENDING,
    REFUSAL_REASON_REQUIRED,
    beneficiaries_for_account,
    membership_confirm,
    membership_invite,
    membership_refuse,
)
from subventions.models import Beneficiary, Membership, PortalAccount
from subventions.validators import RNA_INVALID, SIRET_INVALID
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Camille",
    "last_name": "Durand",
    "email": "camille@asso.example",
    "password1": "Un-mot-de-passe-solide-42",
    "password2": "Un-mot-de-passe-solide-42",
}


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).replace("http://testserver", "")


def test_sign_up_sends_a_confirmation_link_that_activates_and_logs_in(client):
    response = client.post("/association/inscription/", SIGNUP)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="camille@asso.example")
    assert not user.is_active and not user.is_staff
    assert PortalAccount.objects.get(user=user).email_confirmed_at is None
    assert len(mail.outbox) == 1
    assert "Confirmez votre adresse" in mail.outbox[0].subject
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"] == "/association/rattachement/"
    user.refresh_from_db()
    assert user.is_active
    assert PortalAccount.objects.get(user=user).email_confirmed
    assert client.get("/association/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "adresse de courriel valide"),
        ({"password2": "autre chose"}, "password2", "Les deux mots de passe ne sont pas"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "entièrement numérique"),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
    ],
)
def test_sign_up_bad_inputs_are_said_on_the_field_and_nothing_is_saved(
    client, changes, field, message
):
    response = client.post("/association/inscription/", {**SIGNUP, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert "Le formulaire comporte" in response.content.decode()
    assert not get_user_model().objects.filter(email="camille@asso.example").exists()
    assert mail.outbox == []


def test_an_address_already_used_is_refused(client, account):
    response = client.post("/association/inscription/", {**SIGNUP, "email": account.email})
    assert "Un compte existe déjà" in response.context["form"].errors["email"][0]
    assert get_user_model().objects.filter(email=account.email).count() == 1


def test_a_tampered_confirmation_link_is_refused(client):
    client.post("/association/inscription/", SIGNUP)
    response = client.get(_link(mail.outbox[0])[:-3] + "xyz/")
    assert response.status_code == 400
    assert "pas valable" in response.content.decode()
    assert not get_user_model().objects.get(email="camille@asso.example").is_active


@pytest.mark.parametrize("typed", ["membre@asso.example", "MEMBRE@asso.example"])
def test_login_by_email(client, make_account, association, typed):
    make_account(association, email="membre@asso.example")
    response = client.post("/association/connexion/", {"username": typed, "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == "/association/"


def test_login_by_identifier(client, make_account, association):
    user = make_account(association)
    user.username = "apes"
    user.save()
    response = client.post("/association/connexion/", {"username": "apes", "password": "pw"})
    assert response.status_code == 302


def test_a_wrong_password_is_said_in_french(client, account):
    response = client.post(
        "/association/connexion/", {"username": account.email, "password": "faux"}
    )
    assert response.status_code == 200
    assert "mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_link_logs_in_once(client, account):
    client.post("/association/connexion/lien/", {"email": account.email})
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    client.logout()
    assert client.get(link).status_code == 400  # single use


def test_login_link_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/association/connexion/lien/", {"email": "x@y.example"}, follow=True)
    assert "Si un compte existe" in response.content.decode()
    assert mail.outbox == []


def test_login_link_is_never_sent_to_a_staff_account(client, make_user):
    make_user(Role.INSTRUCTOR, email="agent@ville.example")
    client.post("/association/connexion/lien/", {"email": "agent@ville.example"})
    assert mail.outbox == []


def test_password_reset_uses_the_portal_pages(client, account):
    response = client.post("/association/mot-de-passe/", {"email": account.email})
    assert response["Location"] == "/association/mot-de-passe/envoye/"
    link = _link(mail.outbox[0])
    assert link.startswith("/association/mot-de-passe/")
    page = client.get(link, follow=True)
    assert "Nouveau mot de passe" in page.content.decode()


def test_sign_up_is_rate_limited(client):
    codes = [
        client.post("/association/inscription/", {**SIGNUP, "email": f"a{n}@x.example"}).status_code
        for n in range(7)
    ]
    assert codes[:5] == [302] * 5
    assert codes[-1] == 429


# Linking an account to an association


def test_membership_request_for_a_known_association_waits_for_a_clerk(
    client, make_account, make_user
):
    beneficiary = BeneficiaryFactory(rna="W595012345")
    user = make_account()
    client.force_login(user)
    response = client.post(
        "/association/rattachement/", {"rna": "w595012345", "role_in_association": "trésorier"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.beneficiary == beneficiary
    assert membership.status == MembershipStatus.PENDING
    assert not beneficiaries_for_account(user).exists()
    page = client.get("/association/").content.decode()
    assert "en attente" in page.lower()
    clerk = make_user(Role.INSTRUCTOR)
    membership_confirm(membership=membership, user=clerk)
    assert list(beneficiaries_for_account(user)) == [beneficiary]


def test_an_unknown_association_needs_its_name(client, make_account):
    client.force_login(make_account())
    response = client.post(
        "/association/rattachement/", {"rna": "W595099999", "role_in_association": "président"}
    )
    assert response.context["form"].errors["legal_name"] == [BENEFICIARY_UNKNOWN]
    assert not Membership.objects.exists()
    response = client.post(
        "/association/rattachement/",
        {"rna": "W595099999", "role_in_association": "président", "legal_name": "Les Amis"},
    )
    assert response.status_code == 302
    assert Beneficiary.objects.get(rna="W595099999").legal_name == "Les Amis"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"siret": "12345678901234"}, "siret", SIRET_INVALID),
        ({"rna": "X12"}, "rna", RNA_INVALID),
        ({}, "siret", "Indiquez le SIRET ou le numéro RNA"),
        ({"rna": "W595012345", "role_in_association": ""}, "role_in_association", "obligatoire"),
    ],
)
def test_membership_request_bad_inputs(client, make_account, data, field, message):
    client.force_login(make_account())
    response = client.post(
        "/association/rattachement/", {"role_in_association": "président", **data}
    )
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Membership.objects.exists()


def test_asking_twice_is_refused(client, account, association):
    client.force_login(account)
    response = client.post(
        "/association/rattachement/",
        {"siret": association.siret, "role_in_association": "président"},
    )
    assert ALREADY_LINKED in response.context["form"].non_field_errors()


def test_a_refusal_needs_its_reason_and_only_a_pending_request_is_decided(
    make_account, make_user, association
):
    user = make_account(association, status=MembershipStatus.PENDING)
    membership = Membership.objects.get(user=user)
    clerk = make_user(Role.INSTRUCTOR)
    with pytest.raises(Exception, match=REFUSAL_REASON_REQUIRED):
        membership_refuse(membership=membership, user=clerk, reason=" ")
    membership_refuse(membership=membership, user=clerk, reason="Inconnu du bureau.")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REFUSED
    with pytest.raises(Exception, match=NOT_PENDING.split("«")[0]):
        membership_confirm(membership=membership, user=clerk)


def test_a_reader_cannot_confirm(make_account, make_user, association):
    user = make_account(association, status=MembershipStatus.PENDING)
    with pytest.raises(Exception, match="Seuls les instructeurs"):
        membership_confirm(
            membership=Membership.objects.get(user=user), user=make_user(Role.READER)
        )


def test_an_invitation_creates_a_confirmed_link(make_user, association):
    clerk = make_user(Role.INSTRUCTOR)
    membership = membership_invite(
        beneficiary=association,
        email="new@asso.example",
        role_in_association="trésorière",
        invited_by=clerk,
    )
    assert membership.status == MembershipStatus.CONFIRMED
    assert membership.invited_by == clerk
    assert membership.history.first().history_user == clerk
    assert list(beneficiaries_for_account(membership.user)) == [association]


def test_the_portal_login_locks_out_like_the_staff_login(client, account, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post("/association/connexion/", {"username": account.email, "password": "x"})
    response = client.post("/association/connexion/", {"username": account.email, "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
