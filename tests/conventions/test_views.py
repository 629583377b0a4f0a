"""Staff pages of the agreements: the batch generation of a session's agreements and the
list of agreements, what a clerk sees and what is saved."""

import html
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions import batch
from conventions.enums import AgreementStatus, BatchJobStatus
from conventions.models import Agreement, BatchJob
from deliberations import services
from subventions.enums import Role

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


# Batch generation of the session's agreements


@pytest.fixture
def fast_agreement_pdf(monkeypatch):
    calls = []
    monkeypatch.setattr(batch.rendering, "build_pdf", lambda agreement: calls.append(agreement.pk))
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
        "interrupted": False,
        "summary": "1 convention créée, 0 régénérée, 0 signée laissée telle quelle, 0 erreur.",
        "errors": [],
    }
    page = as_secretariat.get(reverse("deliberations:session_detail", args=[adopted.session_id]))
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
    # The history keeps every state of the job (launched, started, finished), by whom.
    assert [(r.history_type, r.status, r.history_user) for r in job.history.order_by("pk")] == [
        ("+", BatchJobStatus.PENDING, secretariat),
        ("~", BatchJobStatus.RUNNING, secretariat),
        ("~", BatchJobStatus.FAILED, secretariat),
    ]


def test_batch_permission_and_nothing_to_do(client, make_user, session, secretariat):
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("conventions:session_agreements", args=[session.pk])
    assert client.post(url).status_code == 403
    client.force_login(secretariat)
    response = client.post(url, follow=True)
    assert batch.NOTHING_TO_GENERATE.format(threshold="23 000 €") in text(response)
    assert not BatchJob.objects.exists()


def test_the_confirmation_page_states_the_agreement_threshold_in_force(
    as_secretariat, session, settings
):
    settings.AGREEMENT_THRESHOLD = Decimal("50000")
    page = as_secretariat.get(reverse("conventions:session_agreements", args=[session.pk]))
    assert "accordant plus de 50\u00a0000\u00a0€" in page.content.decode()


# Agreements list


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
    lines = csv.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and mine.number in lines[1]
