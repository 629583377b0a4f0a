"""Large XLSX exports (issue 13, item 2): built by a background task with its progress,
kept in the private storage, downloaded only by the user who asked."""

import html
import io

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.formatting import typography
from subventions import downloads, exports
from subventions.enums import ExportJobStatus, Role
from subventions.models import ExportJob
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """Three rows count as a large export."""
    settings.SUBVENTIONS_EXPORT_SYNC_MAX_ROWS = 2
    SubsidyFactory.create_batch(3, year=2021)
    SubsidyFactory(year=2020)


@pytest.fixture
def reader(make_user):
    return make_user(Role.READER)


def ask(client, django_capture_on_commit_callbacks, query=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(reverse("subventions:subsidy_export", args=["xlsx"]), query or {})


def test_a_large_xlsx_is_built_in_the_background_then_downloaded(
    client, reader, large, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    response = ask(client, django_capture_on_commit_callbacks, {"year": "2021"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subventions:export_job", args=[job.pk])
    assert (job.requested_by, job.listing, job.query) == (reader, "subventions", "year=2021")
    assert job.status == ExportJobStatus.DONE  # the task ran (eager)
    assert job.file.name.startswith("exports/")

    page = client.get(response["Location"])
    text = html.unescape(page.content.decode())
    assert typography("L'export compte 3 lignes : il est préparé en tâche de fond.") in text
    assert typography("Terminé : 3 lignes écrites sur 3.") in text
    assert reverse("subventions:export_job_file", args=[job.pk]) in text

    download = client.get(reverse("subventions:export_job_file", args=[job.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="subventions.xlsx"'
    sheet = load_workbook(io.BytesIO(download.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4  # the header and the three files of 2021, not the 2020 one
    assert {row[1] for row in rows[1:]} == {2021}


def test_a_small_xlsx_and_any_csv_come_at_once(client, reader, settings):
    settings.SUBVENTIONS_EXPORT_SYNC_MAX_ROWS = 2
    SubsidyFactory.create_batch(2)
    client.force_login(reader)
    assert client.get(reverse("subventions:subsidy_export", args=["xlsx"])).status_code == 200
    SubsidyFactory()
    assert client.get(reverse("subventions:subsidy_export", args=["csv"])).status_code == 200
    assert not ExportJob.objects.exists()


def test_only_the_user_who_asked_opens_the_export(
    client, reader, make_user, large, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    ask(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    urls = [
        reverse("subventions:export_job", args=[job.pk]),
        reverse("subventions:export_job_file", args=[job.pk]),
    ]
    client.force_login(make_user(Role.READER))  # same role, another person
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert downloads.NOT_YOUR_EXPORT in html.unescape(response.content.decode())
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_an_export_is_refused_once_its_user_has_lost_every_role(
    client, reader, large, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    ask(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    reader.groups.clear()
    response = client.get(reverse("subventions:export_job_file", args=[job.pk]))
    assert response.status_code == 403


def test_an_unfinished_export_has_no_file_yet_and_its_page_follows_it(client, reader):
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=10, done=4)
    client.force_login(reader)
    page = client.get(reverse("subventions:export_job", args=[job.pk]))
    text = html.unescape(page.content.decode())
    assert typography("En attente : 4 lignes écrites sur 10.") in text
    assert 'data-finished="false"' in text
    assert "js/job-progress.js" in text
    assert client.get(reverse("subventions:export_job_file", args=[job.pk])).status_code == 404
    assert client.get(reverse("subventions:export_job", args=[job.pk + 1])).status_code == 404


def test_the_task_reports_its_progress_and_runs_once(reader, large, monkeypatch):
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=4)
    seen = []
    original = exports.exports.xlsx_write

    def spy(*args, progress, **kwargs):
        def noting(done):
            progress(done)
            seen.append(ExportJob.objects.get(pk=job.pk).done)

        return original(*args, progress=noting, **kwargs)

    monkeypatch.setattr(exports.exports, "XLSX_PROGRESS_EVERY", 1)
    monkeypatch.setattr(exports.exports, "xlsx_write", spy)
    done = exports.export_job_run(job_id=job.pk)
    assert seen == [1, 2, 3, 4]
    assert (done.status, done.done, done.total) == (ExportJobStatus.DONE, 4, 4)
    assert done.finished_at is not None
    name = done.file.name
    again = exports.export_job_run(job_id=job.pk)  # a message delivered twice
    assert again.file.name == name


def test_a_failed_export_says_so_in_french(client, reader):
    job = ExportJob.objects.create(listing="inconnue", requested_by=reader)
    failed = exports.export_job_run(job_id=job.pk)
    assert failed.status == ExportJobStatus.FAILED and failed.finished_at
    client.force_login(reader)
    page = html.unescape(
        client.get(reverse("subventions:export_job", args=[job.pk])).content.decode()
    )
    assert typography(exports.JOB_FAILED) in page


def test_a_finished_export_has_its_date_and_a_done_one_its_file(reader):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(
            listing="subventions", requested_by=reader, status=ExportJobStatus.FAILED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(
            listing="subventions",
            requested_by=reader,
            status=ExportJobStatus.DONE,
            finished_at=timezone.now(),
        )


def _killed_midway(job: ExportJob, *, minutes: int) -> None:
    """What a worker killed while writing leaves: the job « en cours », its progress
    frozen `minutes` ago, no file."""
    quiet = timezone.now() - timezone.timedelta(minutes=minutes)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.RUNNING, done=2, progressed_at=quiet, created_at=quiet
    )


def test_an_export_whose_worker_was_killed_is_said_interrupted_then_relaunched(
    client, reader, large, settings, django_capture_on_commit_callbacks
):
    settings.SUBVENTIONS_BATCH_STALE_AFTER = 600
    job = ExportJob.objects.create(
        listing="subventions", requested_by=reader, total=4, query="year=2021"
    )
    _killed_midway(job, minutes=15)
    client.force_login(reader)
    url = reverse("subventions:export_job", args=[job.pk])
    page = html.unescape(client.get(url).content.decode())
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.finished_at is not None
    assert (
        typography(
            "L'export s'est interrompu : aucune progression depuis 15 minutes "
            "(2 lignes écrites sur 4). Relancez-le."
        )
        in page
    )
    assert 'data-finished="true"' in page  # the page stops reloading itself
    restart = reverse("subventions:export_job_restart", args=[job.pk])
    assert restart in page
    assert client.get(reverse("subventions:export_job_file", args=[job.pk])).status_code == 404

    assert client.get(restart).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restart)
    assert response["Location"] == url
    job.refresh_from_db()
    assert (job.status, job.done, job.error) == (ExportJobStatus.DONE, 3, "")
    download = client.get(reverse("subventions:export_job_file", args=[job.pk]))
    assert len(list(load_workbook(io.BytesIO(download.getvalue())).active.iter_rows())) == 4


def test_a_running_export_is_neither_relaunched_nor_built_twice(client, reader, large):
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=4)
    _killed_midway(job, minutes=1)  # still moving: within the stale delay
    client.force_login(reader)
    client.get(reverse("subventions:export_job", args=[job.pk]))
    response = client.post(reverse("subventions:export_job_restart", args=[job.pk]), follow=True)
    assert typography(exports.NOT_RESTARTABLE.format(status="en cours")) in html.unescape(
        response.content.decode()
    )
    assert exports.export_job_run(job_id=job.pk).status == ExportJobStatus.RUNNING
    # The same message delivered again once the worker is long dead: built, from the start.
    _killed_midway(job, minutes=60)
    done = exports.export_job_run(job_id=job.pk)
    assert (done.status, done.done) == (ExportJobStatus.DONE, 4)


def test_only_the_user_who_asked_relaunches_an_export(client, reader, make_user):
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=4)
    _killed_midway(job, minutes=60)
    client.force_login(make_user(Role.READER))
    assert client.post(reverse("subventions:export_job_restart", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ExportJobStatus.RUNNING


def test_the_export_page_follows_itself_and_says_when_the_file_is_ready(client, reader, make_user):
    """The page polls its JSON status view (for its requester only); without JavaScript an
    « Actualiser » link reloads it; a live region announces the end (issue 15)."""
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=10, done=4)
    client.force_login(reader)
    status_url = reverse("subventions:export_job_status", args=[job.pk])
    page = html.unescape(client.get(reverse("subventions:export_job", args=[job.pk])).text)
    assert f'data-status-url="{status_url}"' in page
    assert f'<a href="{reverse("subventions:export_job", args=[job.pk])}">Actualiser</a>' in page
    assert 'role="status" aria-live="polite" data-field="announce"' in page
    assert client.get(status_url).json() == {
        "status": "en_attente",
        "summary": "En attente\u00a0: 4 lignes écrites sur 10.",
        "percent": 40,
        "bar_label": "40\u00a0%",
        "finished": False,
        "ready": False,
        "failed": False,
        "error": "",
        "message": "",
        "detail": "",
    }
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.DONE, done=10, file="exports/x.xlsx", finished_at=timezone.now()
    )
    done = client.get(status_url).json()
    assert done["finished"] and done["ready"] and done["percent"] == 100
    assert done["message"] == typography(downloads.EXPORT_READY)
    page = client.get(reverse("subventions:export_job", args=[job.pk])).text
    assert "job-progress.js" not in page  # finished: nothing to follow
    # Another user's export: refused, its state included.
    client.force_login(make_user(Role.READER))
    assert client.get(status_url).status_code == 403
    client.logout()
    assert client.get(status_url).status_code == 302


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_reference_data")
def test_the_progress_is_seen_by_other_connections_as_it_is_noted(reader, large, monkeypatch):
    """The page that follows the export, and the workers that look for a killed one, read
    the progress from other connections: it must commit as it is noted, not when the rows
    have all been read (core.streaming.read_ahead reads in a transaction)."""
    job = ExportJob.objects.create(listing="subventions", requested_by=reader, total=4)
    other = connections.create_connection("default")
    seen = []
    original = exports.exports.xlsx_write

    def spy(*args, progress, **kwargs):
        def noting(done):
            progress(done)
            with other.cursor() as cursor:
                cursor.execute("SELECT done FROM subventions_exportjob WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone()[0])

        return original(*args, progress=noting, **kwargs)

    monkeypatch.setattr(exports.exports, "XLSX_PROGRESS_EVERY", 1)
    monkeypatch.setattr(exports.exports, "xlsx_write", spy)
    try:
        exports.export_job_run(job_id=job.pk)
    finally:
        other.close()
    assert seen == [1, 2, 3, 4]
