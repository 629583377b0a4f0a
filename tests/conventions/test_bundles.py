"""« Dossier complet »: the ZIP of APES 2021 and of its session, each file's SHA-256 checked
against the manifest."""

import csv
import datetime
import hashlib
import html
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions import bundle_views, bundles
from conventions.enums import BundleStatus
from conventions.models import Bundle
from core.formatting import typography
from deliberations.models import Deliberation
from subventions.enums import Role

pytestmark = pytest.mark.django_db


def check_manifest(content: bytes) -> list[dict]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert names[-1] == bundles.MANIFEST
    manifest = list(
        csv.DictReader(
            io.StringIO(archive.read(bundles.MANIFEST).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [row["Fichier"] for row in manifest] == names[:-1]
    for row in manifest:
        data = archive.read(row["Fichier"])
        assert hashlib.sha256(data).hexdigest() == row["SHA-256"]
        assert len(data) == int(row["Taille (octets)"])
    return manifest


def test_the_complete_file_of_apes_2021(client, demo, make_user):
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("subventions:subsidy_detail", args=[demo.pk])).content.decode()
    url = reverse("conventions:subsidy_bundle", args=[demo.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert demo.reference in response["Content-Disposition"]
    manifest = check_manifest(response.content)
    names = [row["Fichier"] for row in manifest]
    assert names[0].startswith("01-demande-")
    assert any(name.startswith("02-deliberation-21B0110") for name in names), names
    assert any(name.startswith("03-CONV-2021-") for name in names)
    assert "04-versements.csv" in names
    assert names[-1] == "06-historique.csv"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read(names[0]).startswith(b"%PDF-")
    history = archive.read("06-historique.csv").decode("utf-8-sig")
    assert "Votée" in history


def test_the_complete_file_of_the_session_is_built_in_the_background(
    client, demo, make_user, django_capture_on_commit_callbacks
):
    reader = make_user(Role.READER)
    client.force_login(reader)
    session = Deliberation.objects.get(number="21 B 0110").session
    page = client.get(reverse("deliberations:session_detail", args=[session.pk]))
    start = reverse("conventions:session_bundle_start", args=[session.pk])
    assert start in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    bundle = Bundle.objects.get()
    assert response["Location"] == reverse("conventions:bundle_detail", args=[bundle.pk])
    # Celery runs eagerly in the tests: the ZIP is ready once the request has committed.
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.DONE
    assert bundle.done == bundle.total > 0
    page = client.get(response["Location"]).content.decode()
    download = reverse("conventions:bundle_download", args=[bundle.pk])
    assert download in page
    response = client.get(download)
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == bundle.sha256
    names = [row["Fichier"] for row in check_manifest(content)]
    assert any(name.startswith("actes/deliberation-21B0110") for name in names), names
    assert any(name.startswith("conventions/CONV-2021-") for name in names)


def test_bundles_need_a_login(client, demo):
    response = client.get(reverse("conventions:subsidy_bundle", args=[demo.pk]))
    assert response.status_code == 302


def _session():
    return Deliberation.objects.get(number="21 B 0110").session


def test_two_clerks_asking_for_the_session_file_at_once_share_one_build(
    client, demo, make_user, django_capture_on_commit_callbacks
):
    start = reverse("conventions:session_bundle_start", args=[_session().pk])
    client.force_login(make_user(Role.READER))
    with django_capture_on_commit_callbacks(execute=False):  # no worker has taken it yet
        first = client.post(start)
        second = client.post(start)
    bundle = Bundle.objects.get()
    assert first["Location"] == second["Location"]
    assert bundle.status == BundleStatus.PENDING


def test_a_build_whose_worker_was_killed_is_said_interrupted_and_relaunched(
    client, demo, make_user, settings, django_capture_on_commit_callbacks
):
    settings.SUBVENTIONS_BATCH_STALE_AFTER = 600
    reader = make_user(Role.READER)
    with django_capture_on_commit_callbacks(execute=False):
        bundle = bundles.bundle_start(session=_session(), user=reader)
    # What a worker killed in the middle leaves: « en cours », one document gathered
    # twenty minutes ago, no file.
    quiet = timezone.now() - datetime.timedelta(minutes=20)
    Bundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.RUNNING, done=1, progressed_at=quiet
    )
    client.force_login(reader)
    url = reverse("conventions:bundle_detail", args=[bundle.pk])
    page = html.unescape(client.get(url).content.decode())
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.FAILED
    assert (
        typography(
            bundles.STALE.format(minutes=20, plural="s", done=1, done_plural="", total=bundle.total)
        )
        in page
    )
    assert "Préparation interrompue" in page
    download = reverse("conventions:bundle_download", args=[bundle.pk])
    # The download link stays hidden (shown by the page's script only once ready).
    assert '<div data-field="ready" hidden>' in page
    assert client.get(download).status_code == 404
    restart = reverse("conventions:bundle_restart", args=[bundle.pk])
    assert restart in page
    assert client.get(restart).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restart)
    assert response["Location"] == url
    bundle.refresh_from_db()
    assert (bundle.status, bundle.error) == (BundleStatus.DONE, "")
    content = b"".join(client.get(download).streaming_content)
    assert hashlib.sha256(content).hexdigest() == bundle.sha256
    check_manifest(content)
    # A finished build is not relaunched.
    page = html.unescape(client.post(restart, follow=True).content.decode())
    assert typography(bundles.NOT_RESTARTABLE.format(status="prêt à télécharger")) in page


def test_a_build_failing_midway_keeps_no_half_zip_and_a_message_delivered_again_resumes(
    demo, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    reader = make_user(Role.READER)
    with django_capture_on_commit_callbacks(execute=False):
        bundle = bundles.bundle_start(session=_session(), user=reader)
    calls = []
    render = bundles.rendering.render_pdf

    def crash_on_the_agreement(document):
        calls.append(document)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(bundles.rendering, "render_pdf", crash_on_the_agreement)
    failed = bundles.bundle_build(bundle.pk)
    assert failed.status == BundleStatus.FAILED and calls
    assert not failed.file and not failed.sha256
    assert "n'a pas pu être constitué" in failed.error
    monkeypatch.setattr(bundles.rendering, "render_pdf", render)
    # A build still moving is not taken by a second worker.
    Bundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.RUNNING, progressed_at=timezone.now(), finished_at=None, error=""
    )
    assert bundles.bundle_build(bundle.pk).status == BundleStatus.RUNNING
    # Its message delivered again long after the worker died: built from the start.
    Bundle.objects.filter(pk=bundle.pk).update(
        progressed_at=timezone.now() - datetime.timedelta(hours=2)
    )
    done = bundles.bundle_build(bundle.pk)
    assert done.status == BundleStatus.DONE and done.done == done.total


def test_the_bundle_page_follows_itself_until_the_zip_is_ready(client, demo, make_user):
    """While the ZIP is built the page polls its JSON status view (static/js/job-progress.js;
    « Actualiser » without JavaScript); the status needs a login and a role (issue 15)."""
    reader = make_user(Role.READER)
    session = Deliberation.objects.get(number="21 B 0110").session
    bundle = Bundle.objects.create(session=session, created_by=reader, total=8, done=2)
    client.force_login(reader)
    page = client.get(reverse("conventions:bundle_detail", args=[bundle.pk])).text
    status_url = reverse("conventions:bundle_status", args=[bundle.pk])
    assert f'data-status-url="{status_url}"' in page
    assert "js/job-progress.js" in page
    assert ">Actualiser</a>" in page
    assert 'role="status" aria-live="polite" data-field="announce"></p>' in page
    status = client.get(status_url).json()
    assert status["summary"] == "En attente\u00a0: 2 documents rassemblés sur 8."
    assert (status["percent"], status["finished"]) == (25, False)
    assert status["bar_label"] == "2 sur 8"
    Bundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.DONE, done=8, file="dossiers-complets/x.zip", sha256="f" * 64
    )
    status = client.get(status_url).json()
    assert status["ready"] and status["message"] == typography(bundle_views.BUNDLE_READY)
    assert "f" * 64 in status["detail"]
    Bundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.FAILED, file="", sha256="", error="Le PDF 21 B 0110 manque."
    )
    status = client.get(status_url).json()
    assert status["failed"] and not status["ready"]
    assert status["error"] == typography("Le PDF 21 B 0110 manque.")
    client.logout()
    assert client.get(status_url).status_code == 302
    client.force_login(make_user())  # no role
    assert client.get(status_url).status_code == 403
