"""After each step of a deliberation, the page says what comes next and who does it
(issue 15, item 10): placed on a session, voted, transmitted, acknowledged, displayed or
published, executory; rejected or withdrawn, nothing more."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from deliberations import members as member_services
from deliberations import services
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation
from deliberations.next_steps import next_step

pytestmark = pytest.mark.django_db


def said(response) -> str:
    """The page's text, spaces normalised, apostrophes straight."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page).replace("’", "'")


@pytest.fixture
def as_secretariat(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def classification(secretariat):
    return member_services.classification_save(
        user=secretariat, code="7.5", label="Subventions", version_date=datetime.date(2021, 1, 1)
    )


def test_each_step_of_an_act_says_what_comes_next_and_who_does_it(
    as_secretariat, session, make_subsidy, classification, settings
):
    settings.ACTS_IN_APPLICATION_SINCE = datetime.date(2021, 1, 1)  # transmitted, displayed
    subsidy = make_subsidy()
    placed = as_secretariat.post(
        reverse("deliberations:session_place", args=[session.pk]),
        {"inscrire-subsidies": [subsidy.pk]},
        follow=True,
    )
    assert "est inscrite à la séance" in said(placed)
    assert (
        "Prochaine étape : le responsable de service ou le secrétariat des assemblées "
        "complète le texte si besoin ; après la séance, le secrétariat des assemblées "
        "enregistre le vote." in said(placed)
    )
    deliberation = Deliberation.objects.get()

    def step(name, data):
        url = reverse(f"deliberations:deliberation_{name}", args=[deliberation.pk])
        response = as_secretariat.post(url, data, follow=True)
        assert response.redirect_chain, said(response)
        return said(response)

    voted = step("vote", {"result": "adopt", "unanimous": "on"})
    assert "Vote enregistré" in voted
    assert (
        "Prochaine étape : le secrétariat des assemblées transmet la délibération en "
        "préfecture et constate son affichage ; elle est exécutoire à la plus tardive des "
        "deux dates." in voted
    )
    transmitted = step("transmit", {"sent_on": "2021-04-03", "classification": classification.pk})
    assert (
        "Prochaine étape : le secrétariat des assemblées enregistre l'accusé de réception de "
        "la préfecture, puis constate son affichage." in transmitted
    )
    acknowledged = step(
        "acknowledge",
        {"act_id": "059-200093201-20210402-21B0001-DE", "received_on": "2021-04-06"},
    )
    assert "Prochaine étape : le secrétariat des assemblées constate son affichage." in (
        acknowledged
    )
    displayed = step("publish", {"date": "2021-04-07"})
    assert "exécutoire depuis le 07/04/2021" in displayed
    assert (
        "Prochaine étape : la délibération est exécutoire ; le secrétariat des assemblées "
        "prépare et envoie les conventions des dossiers qui en demandent, le signataire les "
        "signe, et les finances versent les subventions selon leur échéancier." in displayed
    )


def test_an_old_act_may_have_its_executory_date_typed(
    as_secretariat, make_subsidy, make_deliberation, settings
):
    settings.ACTS_IN_APPLICATION_SINCE = datetime.date(2022, 1, 1)
    deliberation = make_deliberation([make_subsidy()])
    url = reverse("deliberations:deliberation_vote", args=[deliberation.pk])
    voted = said(as_secretariat.post(url, {"result": "adopt", "unanimous": "on"}, follow=True))
    assert "le secrétariat des assemblées saisit la date exécutoire de cet acte" in voted
    url = reverse("deliberations:deliberation_executory", args=[deliberation.pk])
    typed = said(
        as_secretariat.post(url, {"date": "2021-04-06", "reason": "Acte ancien"}, follow=True)
    )
    assert "Prochaine étape : la délibération est exécutoire" in typed


def test_an_act_adopted_after_july_2022_is_published_online(secretariat, make_subsidy, settings):
    settings.ACTS_IN_APPLICATION_SINCE = datetime.date(2021, 1, 1)
    session = services.session_create(
        user=secretariat, body=Body.COUNCIL, date=datetime.date(2023, 3, 10), time=datetime.time(9)
    )
    deliberation = services.deliberation_create(
        user=secretariat, subsidies=[make_subsidy()], session=session
    )
    deliberation = services.deliberation_adopt(
        deliberation=deliberation, user=secretariat, unanimous=True
    )
    assert "transmet la délibération en préfecture et la publie en ligne" in next_step(deliberation)


def test_a_draft_not_placed_a_rejected_and_a_withdrawn_act(
    secretariat, make_subsidy, make_deliberation
):
    draft = make_deliberation([make_subsidy()], placed=False)
    assert next_step(draft).startswith(
        "Prochaine étape : le secrétariat des assemblées inscrit la délibération à l'ordre du "
        "jour d'une séance"
    )
    rejected = make_deliberation([make_subsidy(purpose="Autre action")])
    rejected = services.deliberation_reject(deliberation=rejected, user=secretariat, unanimous=True)
    assert rejected.status == DeliberationStatus.REJECTED
    assert next_step(rejected).startswith("La délibération est rejetée : il n'y a plus d'étape")
    withdrawn = services.deliberation_withdraw(
        deliberation=make_deliberation([make_subsidy(purpose="Troisième action")]),
        user=secretariat,
    )
    assert withdrawn.status == DeliberationStatus.WITHDRAWN
    assert "peuvent être inscrits dans une autre délibération" in next_step(withdrawn)
