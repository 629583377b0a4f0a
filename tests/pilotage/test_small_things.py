"""Small things a clerk notices (issue 15, item 10), on the demo data: the history dated
when the events happened, « Délibération du Bureau » on pages, one year parameter, what
comes next after a transition, no action offered before it makes sense."""

import datetime
import html

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core import workflow
from core.models import TransitionLog
from deliberations.models import Deliberation
from subventions.enums import Role, SubsidyStatus
from subventions.models import Subsidy
from subventions.next_steps import NEXT_STEPS, next_step
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db


def test_the_demo_history_is_dated_when_the_events_happened(demo):
    subsidy = demo
    dates = [row.history_date for row in subsidy.history.all()]
    assert dates and all(
        datetime.date(2020, 11, 30) <= timezone.localdate(when) <= datetime.date(2021, 4, 30)
        for when in dates
    ), dates
    assert timezone.localdate(subsidy.history.earliest("history_date").history_date) == (
        datetime.date(2020, 11, 30)
    )
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Subsidy), object_id=subsidy.pk
    )
    vote = logs.get(action="vote")
    assert timezone.localdate(vote.at) == datetime.date(2021, 4, 2)
    # Nothing of the 2020–2021 case is dated the day the demo was loaded.
    today = timezone.localdate()
    apes_2020 = Subsidy.objects.get(year=2020, beneficiary=subsidy.beneficiary)
    for row in apes_2020.history.all():
        assert timezone.localdate(row.history_date) < datetime.date(2022, 1, 1) < today


def test_pages_write_deliberation_du_bureau_and_the_act_keeps_its_capitals(client, demo):
    client.force_login(get_user_model().objects.get(username="lecteur"))
    act = Deliberation.objects.get(number="21 B 0110")
    page = html.unescape(
        client.get(reverse("deliberations:deliberation_detail", args=[act.pk])).text
    )
    assert "Délibération du Bureau" in page
    assert "DU BUREAU" not in page


def test_the_year_has_one_query_parameter_and_the_old_ones_redirect(client, make_user):
    client.force_login(make_user(Role.READER))
    response = client.get("/?exercice=2021")
    assert response.status_code == 301
    assert response["Location"] == "/?year=2021"
    response = client.get("/dossiers/?annee=2020&status=votee")
    assert response["Location"] == "/dossiers/?status=votee&year=2020"
    page = client.get("/?year=2021").text
    assert 'name="year"' in page
    assert "Tableau de bord — exercice 2021" in page


def test_every_status_says_what_comes_next_and_who_does_it():
    assert set(NEXT_STEPS) == set(SubsidyStatus)
    assert "responsable de service" in next_step(SubsidyStatus.UNDER_REVIEW)
    assert "secrétariat des assemblées" in next_step(SubsidyStatus.PROPOSED)
    assert "finances" in next_step(SubsidyStatus.AGREEMENT_SIGNED)


def test_after_a_transition_the_page_says_what_comes_next(client, make_user):
    subsidy = SubsidyFactory(purpose="Programme 2021")
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("subventions:subsidy_transition", args=[subsidy.pk, "submit"])
    response = client.post(url, {"comment": ""}, follow=True)
    text = html.unescape(response.text)
    assert "Le dossier est maintenant au statut « En instruction »" in text.replace("\u00a0", " ")
    assert "le responsable de service propose le dossier au vote" in text


def test_withdrawing_an_act_from_the_agenda_is_offered_only_once_it_is_on_one(demo):
    secretariat = get_user_model().objects.get(username="secretariat")
    placed = Deliberation.objects.get(number="21 B 0110")
    act = Deliberation(policy_area=placed.policy_area, title="Un projet")  # a draft
    offered = [action for action, _label, _reason in workflow.offered(act, secretariat)]
    assert "withdraw" not in offered
    assert "n'est inscrite à l'ordre du jour d'aucune séance" in workflow.refusal(
        act, "withdraw", secretariat
    )
    act.session = placed.session
    offered = [action for action, _label, _reason in workflow.offered(act, secretariat)]
    assert "withdraw" in offered


def test_the_pages_the_admin_and_the_api_docs_link_the_favicon(client, make_user):
    client.force_login(make_user(Role.READER))
    for url in ("/dossiers/", "/admin/", "/api/docs/"):
        page = client.get(url).text
        assert "img/favicon.svg" in page and "img/favicon.ico" in page, url
    docs = client.get("/api/docs/").text
    assert "Retour à l'application Subventions" in html.unescape(docs)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").text
    assert "drf_create_token" in schema
