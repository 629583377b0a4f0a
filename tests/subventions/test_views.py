"""Staff pages: login, password reset, the file page and its lifecycle actions."""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from core.models import TransitionLog
from subventions.enums import Role, SubsidyStatus
from subventions.services import subsidy_transition
from tests.subventions.factories import (
    AuthorityFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text with its spaces (no-break ones included) made plain."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def login_as(client, make_user, role, **fields):
    user = make_user(role, **fields)
    client.force_login(user)
    return user


# Login, logout, password reset


def test_login_page_is_french_and_logs_in_to_the_dashboard(client, make_user):
    lea = make_user(Role.READER, username="lea")
    page = client.get(reverse("login"))
    assert 'lang="fr"' in page.content.decode()
    assert "Nom d’utilisateur" in text(page)
    assert "Mot de passe oublié ?" in text(page)
    response = client.post(reverse("login"), {"username": lea.username, "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_is_said_in_french(client, make_user):
    make_user(Role.READER)
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in text(response)


def test_password_reset_sends_a_french_email(client, make_user):
    make_user(Role.INSTRUCTOR, email="ines@mel.example", first_name="Inès")
    response = client.post(reverse("password_reset"), {"email": "ines@mel.example"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.subject == "Subventions : choisir un nouveau mot de passe"
    assert "Bonjour Inès" in message.body
    link = re.search(r"http://testserver(/compte/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]


def test_the_root_is_the_dashboard_behind_the_login(client):
    response = client.get("/")
    assert response["Location"] == f"{reverse('login')}?next=/"


# File page


@pytest.fixture
def apes_file():
    AuthorityFactory()
    subsidy = SubsidyFactory(
        under_review=True,
        amount_requested=Decimal("35000"),
        projected_budget=Decimal("753091"),
    )
    CoFundingFactory(
        subsidy=subsidy,
        amount=Decimal("284000"),
        partners=[FundingPartnerFactory(name_with_article="l'Etat (DIRECCTE)")],
    )
    SubsidyFactory(beneficiary=subsidy.beneficiary, year=2020, voted=True)
    return subsidy


def test_file_page_shows_amounts_shares_and_other_years(client, make_user, apes_file):
    login_as(client, make_user, Role.READER)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    page = text(response)
    assert "753 091 €" in page
    assert "l'Etat (DIRECCTE) (sollicité) 284 000 € 37,7 %" in page
    assert "la MEL (en instruction) 35 000 € 4,6 %" in page
    (other,) = response.context["other_years"]
    assert other.year == 2020
    assert reverse("subventions:subsidy_detail", args=[other.pk]) in response.content.decode()


def test_file_page_offers_the_actions_of_the_role_with_reasons(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    actions = {action: reason for action, _label, reason in response.context["actions"]}
    # No proposed amount nor budget line yet: « Proposer au vote » is shown disabled.
    assert set(actions) == {"send_back", "propose", "withdraw"}
    assert "Le montant proposé doit être renseigné." in actions["propose"]
    assert actions["send_back"] is None
    page = response.content.decode()
    assert reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"]) in page
    assert reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"]) not in page


def test_an_instructor_is_not_offered_the_head_of_service_actions(client, make_user, apes_file):
    login_as(client, make_user, Role.INSTRUCTOR)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    assert [action for action, _l, _r in response.context["actions"]] == ["withdraw"]


def test_an_action_is_confirmed_then_logged_with_its_comment(client, make_user, apes_file):
    head = login_as(client, make_user, Role.HEAD_OF_SERVICE, first_name="Romain")
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"])
    confirm = client.get(url)
    assert "Confirmer : renvoyer en brouillon" in text(confirm)
    response = client.post(url, {"comment": "Pièces manquantes"}, follow=True)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.DRAFT
    step = TransitionLog.objects.get(subsidy=apes_file)
    assert (step.user, step.comment) == (head, "Pièces manquantes")
    page = text(response)
    assert "Renvoyer en brouillon : fait." in page
    assert "En instruction → Brouillon" in page
    assert "« Pièces manquantes »" in page


def test_a_refused_action_shows_its_reason(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"])
    assert "Le montant proposé doit être renseigné." in text(client.get(url))
    response = client.post(url, {"comment": ""}, follow=True)
    assert "Le montant proposé doit être renseigné." in text(response)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.UNDER_REVIEW


def test_an_action_of_another_role_is_forbidden(client, make_user, apes_file):
    login_as(client, make_user, Role.FINANCE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"])
    response = client.post(url)
    assert response.status_code == 403
    assert "réservée au rôle" in text(response)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.UNDER_REVIEW


def test_an_unknown_action_is_not_found(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "delete"])
    assert client.get(url).status_code == 404


def test_a_state_change_in_between_is_refused_with_its_reason(client, make_user, apes_file):
    head = login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"])
    client.get(url)
    subsidy_transition(subsidy=apes_file, action="send_back", user=head)
    response = client.post(url, follow=True)
    assert "impossible : le dossier est au statut « Brouillon »" in text(response)


# Beneficiary page


def test_beneficiary_page_totals_by_year(client, make_user, apes_file):
    login_as(client, make_user, Role.READER)
    SubsidyFactory(beneficiary=apes_file.beneficiary, year=2021, amount_requested=Decimal("1500.5"))
    response = client.get(
        reverse("subventions:beneficiary_detail", args=[apes_file.beneficiary_id])
    )
    years = response.context["years"]
    assert [group.year for group in years] == [2021, 2020]
    assert years[0].requested == Decimal("36500.50")
    assert years[1].awarded == Decimal("35000")
    assert "Total 2021 36 500,50 €" in text(response)


def test_beneficiary_page_queries_do_not_grow_with_files(
    client, make_user, apes_file, django_assert_max_num_queries
):
    login_as(client, make_user, Role.READER)
    SubsidyFactory.create_batch(20, beneficiary=apes_file.beneficiary)
    with django_assert_max_num_queries(12):
        client.get(reverse("subventions:beneficiary_detail", args=[apes_file.beneficiary_id]))
