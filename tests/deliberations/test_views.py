"""Staff pages of sessions and deliberations: what a clerk sees and what is saved."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from deliberations import services
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, Session
from subventions.enums import Role, SubsidyStatus
from tests.deliberations.conftest import FAKE_PDF

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


@pytest.fixture
def as_secretariat(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    """An adopted deliberation granting 35 000 € to the APES (an agreement is due)."""
    deliberation = make_deliberation([make_subsidy()])
    return services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)


# Sessions


def test_session_list_shows_upcoming_sessions_first(client, make_user, secretariat):
    today = datetime.date.today()
    for days in (-30, 40, 10):
        services.session_create(
            user=secretariat,
            body="B",
            date=today + datetime.timedelta(days=days),
            time=datetime.time(10),
        )
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("deliberations:session_list"))
    upcoming = [s.date for s in response.context["upcoming"]]
    assert upcoming == sorted(upcoming) and len(upcoming) == 2
    assert [s.date for s in response.context["past"]] == [today - datetime.timedelta(days=30)]
    assert "Nouvelle séance" not in text(response)


def test_session_create_and_bad_input(as_secretariat):
    url = reverse("deliberations:session_create")
    response = as_secretariat.post(url, {"body": "B", "date": "", "time": "14:00"})
    assert "Ce champ est obligatoire" in text(response)
    assert not Session.objects.exists()
    response = as_secretariat.post(url, {"body": "B", "date": "2021-04-02", "time": "14:00"})
    session = Session.objects.get()
    assert response["Location"] == reverse("deliberations:session_detail", args=[session.pk])
    again = as_secretariat.post(url, {"body": "B", "date": "2021-04-02", "time": "14:00"})
    assert "Une séance de cette instance existe déjà" in text(again)
    assert Session.objects.count() == 1


def test_session_update_refused_once_numbered(
    as_secretariat, session, make_deliberation, make_subsidy
):
    make_deliberation([make_subsidy()])
    url = reverse("deliberations:session_update", args=[session.pk])
    response = as_secretariat.post(url, {"body": "C", "date": "2021-04-02", "time": "14:00"})
    assert services.SESSION_NUMBERED in text(response)
    session.refresh_from_db()
    assert session.body == "B"


def test_session_page_shows_the_agenda_and_the_text(client, make_user, adopted):
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("deliberations:session_detail", args=[adopted.session_id]))
    page = text(response)
    assert "21 B 0001" in page
    assert "35 000 €" in page
    assert "Par conséquent" in page  # the generated text's preview
    assert "Générer toutes les conventions" not in page  # a reader does not run it


def test_place_proposed_subsidy_on_the_session(as_secretariat, session, make_subsidy):
    subsidy = make_subsidy()
    url = reverse("deliberations:session_place", args=[session.pk])
    assert subsidy.reference in text(as_secretariat.get(url))
    response = as_secretariat.post(url, {"inscrire-subsidies": [subsidy.pk]})
    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    assert deliberation.number == "21 B 0001"
    assert list(deliberation.subsidies.all()) == [subsidy]


def test_place_bad_input_saves_nothing(as_secretariat, session, make_subsidy):
    subsidy = make_subsidy()
    url = reverse("deliberations:session_place", args=[session.pk])
    nothing = as_secretariat.post(url, {"inscrire-title": "Sans subvention"})
    assert "Ce champ est obligatoire" in text(nothing)
    wrong = as_secretariat.post(
        url, {"inscrire-subsidies": [subsidy.pk], "inscrire-number": "2021-12"}
    )
    assert "Le numéro doit avoir la forme « 21 B 0110 »" in text(wrong)
    assert not Deliberation.objects.exists()


# Deliberation pages


def test_deliberation_page_and_frozen_pdf(client, make_user, adopted):
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("deliberations:deliberation_detail", args=[adopted.pk]))
    assert "21 B 0001" in text(page)
    assert "à l'unanimité" in text(page)
    pdf = client.get(reverse("deliberations:deliberation_pdf", args=[adopted.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == FAKE_PDF


def test_a_tampered_pdf_is_not_served(client, make_user, adopted):
    with open(adopted.pdf.path, "wb") as handle:
        handle.write(b"%PDF-1.7 changed\n")
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("deliberations:deliberation_pdf", args=[adopted.pk]), follow=True)
    assert "ne correspond plus à son empreinte SHA-256" in text(response)


def test_deliberation_list_and_subsidy_page_link_the_deliberation(client, make_user, adopted):
    client.force_login(make_user(Role.READER))
    url = reverse("deliberations:deliberation_detail", args=[adopted.pk])
    assert url in client.get(reverse("deliberations:deliberation_list")).content.decode()
    subsidy = adopted.subsidies.get()
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert url in page


def test_free_sections_edit_and_refusals(
    client, head_of_service, make_user, make_deliberation, make_subsidy
):
    deliberation = make_deliberation([make_subsidy()])
    url = reverse("deliberations:deliberation_text", args=[deliberation.pk])
    client.force_login(make_user(Role.INSTRUCTOR))
    assert client.get(url).status_code == 403
    client.force_login(head_of_service)
    empty = client.post(url, {"title": "", "context": "Contexte"})
    assert "Ce champ est obligatoire" in text(empty)
    deliberation.refresh_from_db()
    assert deliberation.context != "Contexte"
    response = client.post(url, {"title": "Soutien à l'APES", "context": "Un contexte neuf."})
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.context == "Un contexte neuf."


def test_free_sections_of_an_adopted_deliberation_no_longer_change(
    client, head_of_service, adopted
):
    client.force_login(head_of_service)
    url = reverse("deliberations:deliberation_text", args=[adopted.pk])
    response = client.post(url, {"title": "Autre", "context": "Autre"})
    assert "son texte ne se modifie plus" in text(response)
    adopted.refresh_from_db()
    assert adopted.title != "Autre"


def test_vote_form(as_secretariat, make_deliberation, make_subsidy):
    deliberation = make_deliberation([make_subsidy()])
    url = reverse("deliberations:deliberation_vote", args=[deliberation.pk])
    missing = as_secretariat.post(url, {"result": "adopt"})
    assert services.VOTE_REQUIRED in text(missing)
    both = as_secretariat.post(url, {"result": "adopt", "unanimous": "on", "votes_for": "3"})
    assert services.VOTE_BOTH in text(both)
    minority = as_secretariat.post(
        url, {"result": "adopt", "votes_for": "2", "votes_against": "5", "abstentions": "1"}
    )
    assert "ne donne pas de majorité" in text(minority)
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.DRAFT
    response = as_secretariat.post(
        url,
        {
            "result": "adopt",
            "votes_for": "40",
            "votes_against": "2",
            "abstentions": "3",
            "non_participants": "Mme Dupont\nM. Martin",
        },
    )
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.ADOPTED
    assert deliberation.non_participant_names == ["Mme Dupont", "M. Martin"]
    assert deliberation.subsidies.get().status == SubsidyStatus.VOTED


def test_vote_page_of_an_unplaced_draft_says_why(as_secretariat, make_deliberation, make_subsidy):
    deliberation = make_deliberation([make_subsidy()], placed=False)
    page = as_secretariat.get(reverse("deliberations:deliberation_vote", args=[deliberation.pk]))
    assert services.NOT_PLACED in text(page)


def test_executory_date(as_secretariat, adopted):
    url = reverse("deliberations:deliberation_executory", args=[adopted.pk])
    early = as_secretariat.post(url, {"date": "2021-03-01", "reason": "Acte ancien"})
    assert "ne peut précéder la séance" in text(early)
    bad = as_secretariat.post(url, {"date": "2 avril"})
    assert "Saisissez une date valide" in text(bad)
    adopted.refresh_from_db()
    assert adopted.executory_date is None
    missing = as_secretariat.post(url, {"date": "2021-04-06"})
    assert "Ce champ est obligatoire" in text(missing)
    assert (
        as_secretariat.post(url, {"date": "2021-04-06", "reason": "Acte ancien"}).status_code == 302
    )
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 6)
    again = as_secretariat.get(url)
    assert "déjà exécutoire" in text(again)
