"""Staff pages of sessions and deliberations, the batch generation of a session's
agreements and the list of agreements: what a clerk sees and what is saved."""

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions import batch, services
from conventions.enums import AgreementStatus, DeliberationStatus
from conventions.models import Agreement, BatchJob, BatchJobStatus, Deliberation, Session
from subventions.enums import Role, SubsidyStatus
from tests.conventions.conftest import FAKE_PDF

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
    response = client.get(reverse("conventions:session_list"))
    upcoming = [s.date for s in response.context["upcoming"]]
    assert upcoming == sorted(upcoming) and len(upcoming) == 2
    assert [s.date for s in response.context["past"]] == [today - datetime.timedelta(days=30)]
    assert "Nouvelle séance" not in text(response)


def test_session_create_and_bad_input(as_secretariat):
    url = reverse("conventions:session_create")
    response = as_secretariat.post(url, {"body": "B", "date": "", "time": "14:00"})
    assert "Ce champ est obligatoire" in text(response)
    assert not Session.objects.exists()
    response = as_secretariat.post(url, {"body": "B", "date": "2021-04-02", "time": "14:00"})
    session = Session.objects.get()
    assert response["Location"] == reverse("conventions:session_detail", args=[session.pk])
    again = as_secretariat.post(url, {"body": "B", "date": "2021-04-02", "time": "14:00"})
    assert "Une séance de cette instance existe déjà" in text(again)
    assert Session.objects.count() == 1


def test_session_update_refused_once_numbered(
    as_secretariat, session, make_deliberation, make_subsidy
):
    make_deliberation([make_subsidy()])
    url = reverse("conventions:session_update", args=[session.pk])
    response = as_secretariat.post(url, {"body": "C", "date": "2021-04-02", "time": "14:00"})
    assert services.SESSION_NUMBERED in text(response)
    session.refresh_from_db()
    assert session.body == "B"


def test_session_page_shows_the_agenda_and_the_text(client, make_user, adopted):
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("conventions:session_detail", args=[adopted.session_id]))
    page = text(response)
    assert "21 B 0001" in page
    assert "35 000 €" in page
    assert "Par conséquent" in page  # the generated text's preview
    assert "Générer toutes les conventions" not in page  # a reader does not run it


def test_place_proposed_subsidy_on_the_session(as_secretariat, session, make_subsidy):
    subsidy = make_subsidy()
    url = reverse("conventions:session_place", args=[session.pk])
    assert subsidy.reference in text(as_secretariat.get(url))
    response = as_secretariat.post(url, {"inscrire-subsidies": [subsidy.pk]})
    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    assert deliberation.number == "21 B 0001"
    assert list(deliberation.subsidies.all()) == [subsidy]


def test_place_bad_input_saves_nothing(as_secretariat, session, make_subsidy):
    subsidy = make_subsidy()
    url = reverse("conventions:session_place", args=[session.pk])
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
    page = client.get(reverse("conventions:deliberation_detail", args=[adopted.pk]))
    assert "21 B 0001" in text(page)
    assert "à l'unanimité" in text(page)
    pdf = client.get(reverse("conventions:deliberation_pdf", args=[adopted.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == FAKE_PDF


def test_a_tampered_pdf_is_not_served(client, make_user, adopted):
    with open(adopted.pdf.path, "wb") as handle:
        handle.write(b"%PDF-1.7 changed\n")
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("conventions:deliberation_pdf", args=[adopted.pk]), follow=True)
    assert "ne correspond plus à son empreinte SHA-256" in text(response)


def test_deliberation_list_and_subsidy_page_link_the_deliberation(client, make_user, adopted):
    client.force_login(make_user(Role.READER))
    url = reverse("conventions:deliberation_detail", args=[adopted.pk])
    assert url in client.get(reverse("conventions:deliberation_list")).content.decode()
    subsidy = adopted.subsidies.get()
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert url in page


def test_free_sections_edit_and_refusals(
    client, head_of_service, make_user, make_deliberation, make_subsidy
):
    deliberation = make_deliberation([make_subsidy()])
    url = reverse("conventions:deliberation_text", args=[deliberation.pk])
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
    url = reverse("conventions:deliberation_text", args=[adopted.pk])
    response = client.post(url, {"title": "Autre", "context": "Autre"})
    assert "son texte ne se modifie plus" in text(response)
    adopted.refresh_from_db()
    assert adopted.title != "Autre"


def test_vote_form(as_secretariat, make_deliberation, make_subsidy):
    deliberation = make_deliberation([make_subsidy()])
    url = reverse("conventions:deliberation_vote", args=[deliberation.pk])
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
    page = as_secretariat.get(reverse("conventions:deliberation_vote", args=[deliberation.pk]))
    assert services.NOT_PLACED in text(page)


def test_executory_date(as_secretariat, adopted):
    url = reverse("conventions:deliberation_executory", args=[adopted.pk])
    early = as_secretariat.post(url, {"date": "2021-03-01"})
    assert "ne peut précéder la séance" in text(early)
    bad = as_secretariat.post(url, {"date": "2 avril"})
    assert "Saisissez une date valide" in text(bad)
    adopted.refresh_from_db()
    assert adopted.executory_date is None
    assert as_secretariat.post(url, {"date": "2021-04-06"}).status_code == 302
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 6)
    again = as_secretariat.get(url)
    assert "déjà exécutoire" in text(again)


# Batch generation of the session's agreements


@pytest.fixture
def fast_agreement_pdf(monkeypatch):
    calls = []
    monkeypatch.setattr(
        batch.agreement_rendering, "build_pdf", lambda agreement: calls.append(agreement.pk)
    )
    return calls


def test_batch_generates_the_agreements_eagerly(
    as_secretariat,
    adopted,
    make_subsidy,
    make_deliberation,
    secretariat,
    fast_agreement_pdf,
    django_capture_on_commit_callbacks,
):
    # A second deliberation below the threshold: no agreement due.
    small = make_deliberation([make_subsidy(amount="12000", beneficiary=None, year=2022)])
    services.deliberation_adopt(deliberation=small, user=secretariat, unanimous=True)
    url = reverse("conventions:session_agreements", args=[adopted.session_id])
    confirm = as_secretariat.get(url)
    assert "Confirmer : générer 1 convention" in text(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_secretariat.post(url)
    assert response.status_code == 302
    job = BatchJob.objects.get()
    assert (job.status, job.total, job.done, job.created, job.percent) == (
        BatchJobStatus.DONE,
        1,
        1,
        1,
        100,
    )
    agreement = Agreement.objects.get()
    assert agreement.subsidy == adopted.subsidies.get()
    assert fast_agreement_pdf == [agreement.pk]
    status = as_secretariat.get(reverse("conventions:batch_job_status", args=[job.pk]))
    assert json.loads(status.content) == {
        "id": job.pk,
        "status": "terminee",
        "status_label": "Terminée",
        "total": 1,
        "done": 1,
        "created": 1,
        "skipped": 0,
        "percent": 100,
        "percent_label": "100\u00a0%",
        "finished": True,
        "summary": "1 convention créée, 0 régénérée, 0 signée laissée telle quelle, 0 erreur.",
        "errors": [],
    }
    page = as_secretariat.get(reverse("conventions:session_detail", args=[adopted.session_id]))
    assert ">100\u00a0%</div>" in page.content.decode()  # DESIGN.md §8: a no-break space
    assert "1 convention créée" in text(page)


def test_batch_regenerates_but_never_touches_a_signed_agreement(
    adopted, secretariat, fast_agreement_pdf, django_capture_on_commit_callbacks
):
    from tests.conventions.factories import AgreementFactory

    signed = AgreementFactory(subsidy=adopted.subsidies.get(), in_force=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = batch.batch_job_start(session=adopted.session, user=secretariat)
    job.refresh_from_db()
    assert (job.done, job.skipped, job.created) == (1, 1, 0)
    assert fast_agreement_pdf == []
    assert Agreement.objects.get() == signed


def test_batch_records_refusals_and_goes_on(
    adopted, secretariat, fast_agreement_pdf, django_capture_on_commit_callbacks
):
    from conventions.models import AgreementTemplate

    AgreementTemplate.objects.update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = batch.batch_job_start(session=adopted.session, user=secretariat)
    job.refresh_from_db()
    assert job.status == BatchJobStatus.FAILED
    assert job.done == 1 and "Aucun modèle de convention" in job.errors[0]
    # The history keeps the job as launched and as finished, by whom.
    assert [(r.history_type, r.status, r.history_user) for r in job.history.order_by("pk")] == [
        ("+", BatchJobStatus.PENDING, secretariat),
        ("~", BatchJobStatus.FAILED, secretariat),
    ]


def test_batch_permission_and_nothing_to_do(client, make_user, session, secretariat):
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("conventions:session_agreements", args=[session.pk])
    assert client.post(url).status_code == 403
    client.force_login(secretariat)
    response = client.post(url, follow=True)
    assert batch.NOTHING_TO_GENERATE in text(response)
    assert not BatchJob.objects.exists()


def test_the_confirmation_page_states_the_agreement_threshold_in_force(
    as_secretariat, session, settings
):
    settings.AGREEMENT_THRESHOLD = Decimal("50000")
    page = as_secretariat.get(reverse("conventions:session_agreements", args=[session.pk]))
    assert "accordant plus de 50\u00a0000\u00a0€" in page.content.decode()


# Agreements list and dashboard


def test_agreement_list_filters_and_export(client, make_user, adopted):
    from tests.conventions.factories import AgreementFactory

    mine = AgreementFactory(subsidy=adopted.subsidies.get(), ready=True)
    AgreementFactory()
    client.force_login(make_user(Role.READER))
    url = reverse("conventions:agreement_list")
    assert len(client.get(url).context["rows"]) == 2
    by_session = client.get(url, {"session": adopted.session_id})
    assert list(by_session.context["rows"]) == [mine]
    searched = client.get(url, {"q": "apes", "status": AgreementStatus.READY})
    assert list(searched.context["rows"]) == [mine]
    csv = client.get(reverse("conventions:agreement_export", args=["csv"]), {"q": "apes"})
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and mine.number in lines[1]


def test_dashboard_counts_agreements_to_sign_and_links_the_list(client, make_user):
    from tests.conventions.factories import AgreementFactory

    AgreementFactory(ready=True)
    AgreementFactory()  # a draft: not yet to sign
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("dashboard"))
    assert response.context["figures"].agreements_to_sign == 1
    link = re.search(r'href="(/conventions/\?status=[^"]+)"', response.content.decode()).group(1)
    listed = client.get(html.unescape(link))
    assert len(listed.context["rows"]) == 1
