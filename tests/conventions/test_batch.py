"""The batch generation of a session's agreements, task by task (eager Celery): a task
delivered twice does its work once, a job without progress is marked failed, and a
restart generates only what is missing."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions import batch
from conventions.enums import BatchItemOutcome, BatchJobStatus
from conventions.models import Agreement, AgreementTemplate, BatchItem, BatchJob
from core.models import TransitionLog
from deliberations import services
from subventions.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdfs(monkeypatch):
    """The agreements whose PDF the batch built (the rendering itself is tested elsewhere)."""
    calls = []
    monkeypatch.setattr(batch.rendering, "build_pdf", lambda agreement: calls.append(agreement.pk))
    return calls


@pytest.fixture
def three(make_subsidy, make_deliberation, secretariat):
    """An adopted deliberation granting three subsidies that each call for an agreement."""
    deliberation = make_deliberation([make_subsidy() for _ in range(3)], title="Trois")
    return services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)


def launch(session, user, django_capture_on_commit_callbacks, *, run: bool) -> BatchJob:
    with django_capture_on_commit_callbacks(execute=run):
        job = batch.batch_job_start(session=session, user=user)
    job.refresh_from_db()
    return job


def items(job):
    return list(job.items.order_by("position"))


def test_a_second_delivery_of_a_task_changes_nothing(
    three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    first = items(job)[0]
    assert batch.generate_item(first.pk) == BatchItemOutcome.CREATED
    agreement = Agreement.objects.get()
    assert batch.generate_item(first.pk) == BatchItemOutcome.CREATED
    assert list(Agreement.objects.values_list("pk", "number")) == [(agreement.pk, agreement.number)]
    assert pdfs == [agreement.pk]
    job.refresh_from_db()
    assert (job.status, job.done, job.created) == (BatchJobStatus.RUNNING, 1, 1)


def test_a_task_killed_after_creating_the_agreement_counts_it_once_as_created(
    three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    first = items(job)[0]
    batch._prepare(first.pk)  # the worker dies here, before the PDF and the outcome
    first.refresh_from_db()
    assert first.outcome == BatchItemOutcome.PENDING and first.created_agreement
    assert batch.generate_item(first.pk) == BatchItemOutcome.CREATED
    assert Agreement.objects.count() == 1


def test_a_job_without_progress_is_marked_failed_and_says_why(
    three, secretariat, pdfs, settings, django_capture_on_commit_callbacks, client
):
    settings.SUBVENTIONS_BATCH_STALE_AFTER = 600
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    batch.generate_item(items(job)[0].pk)
    # Still moving: left alone.
    assert batch.fail_stale_jobs() == []
    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    BatchJob.objects.filter(pk=job.pk).update(progressed_at=eleven_minutes_ago)
    assert batch.fail_stale_jobs() == [job]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.is_interrupted) == (
        BatchJobStatus.FAILED,
        1,
        3,
        True,
    )
    assert job.finished_at is not None
    assert batch.interruption(job) == batch.STALE.format(minutes=11, plural="s", done=1, total=3)
    # A job no worker ever took is failed too, from its launch date.
    job.delete()
    pending = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    BatchJob.objects.filter(pk=pending.pk).update(created_at=eleven_minutes_ago)
    assert batch.fail_stale_jobs() == [pending]
    # Someone starting the batch again is not told it is « déjà en cours ».
    Agreement.objects.all().delete()
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=True)
    assert job.status == BatchJobStatus.DONE


def test_a_job_marked_interrupted_then_completed_by_a_worker_back_is_finished(
    three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    BatchJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert batch.fail_stale_jobs() == [job]
    for item in items(job):  # the queued messages, delivered at last
        batch.generate_item(item.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.created, job.is_interrupted) == (
        BatchJobStatus.DONE,
        3,
        3,
        False,
    )


def test_a_restart_generates_only_what_is_missing(
    three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=False)
    first, second, third = items(job)
    batch.generate_item(first.pk)
    kept = Agreement.objects.get()
    with pytest.raises(Exception, match="interrompu ou terminé avec des erreurs"):
        batch.batch_job_restart(job=job, user=secretariat)  # running: not restartable
    BatchJob.objects.filter(pk=job.pk).update(
        progressed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    batch.fail_stale_jobs()
    pdfs.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch.batch_job_restart(job=job, user=secretariat)
    job.refresh_from_db()
    assert (job.status, job.done, job.created, job.errors) == (BatchJobStatus.DONE, 3, 3, [])
    assert Agreement.objects.count() == 3
    assert Agreement.objects.filter(pk=kept.pk, number=kept.number).exists()
    assert sorted(pdfs) == sorted(
        Agreement.objects.filter(subsidy__in=[second.subsidy, third.subsidy]).values_list(
            "pk", flat=True
        )
    )
    assert [log.action for log in TransitionLog.objects.filter(batch_job=job).order_by("pk")] == [
        "start",
        "fail",
        "restart",
        "finish",
    ]


def test_a_restart_retries_the_subsidies_in_error(
    three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    active = list(AgreementTemplate.objects.filter(is_active=True).values_list("pk", flat=True))
    AgreementTemplate.objects.update(is_active=False)
    job = launch(three.session, secretariat, django_capture_on_commit_callbacks, run=True)
    assert (job.status, job.done, len(job.errors), job.is_interrupted) == (
        BatchJobStatus.FAILED,
        3,
        3,
        False,
    )
    AgreementTemplate.objects.filter(pk__in=active).update(is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        batch.batch_job_restart(job=job, user=secretariat)
    job.refresh_from_db()
    assert (job.status, job.created, job.errors) == (BatchJobStatus.DONE, 3, [])
    assert set(BatchItem.objects.values_list("outcome", flat=True)) == {BatchItemOutcome.CREATED}


# The pages: the list of jobs, a job's page with « Reprendre », the admin


def interrupted(session, user, django_capture_on_commit_callbacks) -> BatchJob:
    job = launch(session, user, django_capture_on_commit_callbacks, run=False)
    batch.generate_item(items(job)[0].pk)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    BatchJob.objects.filter(pk=job.pk).update(progressed_at=an_hour_ago)
    return job


def page_text(response) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


def test_the_jobs_pages_show_an_interrupted_job_and_restart_it(
    three, secretariat, make_user, client, pdfs, django_capture_on_commit_callbacks
):
    job = interrupted(three.session, secretariat, django_capture_on_commit_callbacks)
    reader = make_user(Role.READER)
    client.force_login(reader)
    # Looking is enough for a lost worker to show: the job is marked interrupted.
    listing = client.get(reverse("conventions:batch_job_list"))
    assert listing.status_code == 200
    assert "Interrompu" in page_text(listing) and "1 sur 3" in page_text(listing)
    job.refresh_from_db()
    assert job.is_interrupted
    detail = client.get(reverse("conventions:batch_job_detail", args=[job.pk]))
    assert "Traitement interrompu : aucune progression depuis 60 minutes" in page_text(detail)
    assert "Reprendre le traitement" not in page_text(detail)  # a reader cannot
    restart_url = reverse("conventions:batch_job_restart", args=[job.pk])
    assert client.post(restart_url).status_code == 403
    session_page = client.get(reverse("deliberations:session_detail", args=[three.session_id]))
    assert reverse("conventions:batch_job_detail", args=[job.pk]) in session_page.text

    client.force_login(secretariat)
    detail = client.get(reverse("conventions:batch_job_detail", args=[job.pk]))
    assert "Reprendre le traitement" in page_text(detail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restart_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created) == (BatchJobStatus.DONE, 3)
    detail = page_text(client.get(reverse("conventions:batch_job_detail", args=[job.pk])))
    assert "Terminée" in detail and "Reprise : 2 subventions à traiter." in detail
    assert "Convention créée" in detail and "Démarrage" in detail


def test_the_jobs_pages_need_a_staff_login(client, make_user, three, secretariat):
    job = BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS, session=three.session, created_by=secretariat
    )
    for url in [
        reverse("conventions:batch_job_list"),
        reverse("conventions:batch_job_detail", args=[job.pk]),
        reverse("conventions:batch_job_status", args=[job.pk]),
    ]:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user())  # staff without a role
    assert client.get(reverse("conventions:batch_job_list")).status_code == 403


def test_the_admin_lists_the_jobs_with_their_progress(
    admin_client, three, secretariat, pdfs, django_capture_on_commit_callbacks
):
    job = interrupted(three.session, secretariat, django_capture_on_commit_callbacks)
    listing = admin_client.get(reverse("admin:conventions_batchjob_changelist"))
    assert listing.status_code == 200
    assert "Interrompu" in listing.text and "1 sur 3" in listing.text
    change = admin_client.get(reverse("admin:conventions_batchjob_change", args=[job.pk]))
    assert change.status_code == 200
    assert reverse("conventions:batch_job_detail", args=[job.pk]) in change.text
    assert "Convention créée" in change.text


def test_a_message_queued_before_the_upgrade_still_runs_its_job(three, secretariat, pdfs):
    """A job launched by the previous version (one task for the whole session, no items):
    its message, delivered after the upgrade, queues the job's items and finishes it."""
    job = BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=three.session,
        total=3,
        created_by=secretariat,
    )
    batch.generate_session_agreements(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.created) == (BatchJobStatus.DONE, 3, 3)
    assert Agreement.objects.count() == 3
