"""The page of a session's complete file follows the building of its ZIP by itself
(static/js/job-progress.js polling the JSON status view, under the strict CSP), then shows
the download link and announces it in its live region (issue 15)."""

import datetime

import pytest
from django.urls import reverse

from conventions.enums import BundleStatus
from conventions.models import Bundle
from deliberations import services
from deliberations.enums import Body
from deliberations.models import Session
from subventions.enums import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bundle_page_updates_itself_and_announces_the_zip(page, make_user):
    expect = pytest.importorskip("playwright.sync_api").expect
    reader = make_user(Role.READER)
    secretariat = make_user(Role.ASSEMBLY_SECRETARIAT)
    session = services.session_create(
        user=secretariat, body=Body.BUREAU, date=datetime.date(2021, 4, 2), time=datetime.time(14)
    )
    bundle = Bundle.objects.create(session=session, created_by=reader, total=4, done=1)
    log_in(page, reader.username)
    page.goto(reverse("conventions:bundle_detail", args=[bundle.pk]))
    download = page.get_by_role("link", name="Télécharger le dossier complet (ZIP)")
    assert download.is_hidden()
    assert page.get_by_role("link", name="Actualiser").is_visible()
    assert "1 document rassemblé sur 4" in page.locator("main").inner_text()
    # The background task moves on, then finishes: the page follows without a reload.
    Bundle.objects.filter(pk=bundle.pk).update(status=BundleStatus.RUNNING, done=3)
    expect(page.locator('[data-field="summary"]')).to_contain_text("3 documents rassemblés")
    assert page.locator('[role="progressbar"]').get_attribute("aria-valuenow") == "75"
    Bundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.DONE, done=4, file="dossiers-complets/x.zip", sha256="e" * 64
    )
    announce = page.locator('[role="status"][data-field="announce"]')
    expect(announce).to_have_text("Le dossier complet est prêt : vous pouvez le télécharger.")
    assert download.is_visible()
    assert page.get_by_role("link", name="Actualiser").is_hidden()
    assert "e" * 64 in page.locator("main").inner_text()
    assert Session.objects.get() == session
