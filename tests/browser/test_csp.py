"""Every kind of page under production's Content-Security-Policy: the `page` fixture fails
the test on any violation (tests/browser/conftest.py). The pages that had inline scripts
or styles are all here: dashboard bars, the batch progress bar, the refused transitions'
reasons, the admin's lifecycle actions and schedule, a beneficiary's history in the admin,
the API docs (Swagger UI), two-factor enrolment and the error pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conventions.enums import BatchJobStatus
from conventions.models import BatchJob
from deliberations.models import Deliberation
from pilotage.demo import DEMO_PASSWORD
from subventions.models import Subsidy
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pages_break_no_content_security_policy(page, settings, live_reference_data):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    subsidy = Subsidy.objects.get(year=2021, beneficiary__short_name="APES")
    deliberation = Deliberation.objects.get(number="21 B 0110")
    BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=deliberation.session,
        total=4,
        done=1,
        created=1,
        status=BatchJobStatus.RUNNING,
        created_by=deliberation.voted_by,
    )
    log_in(page, "admin", DEMO_PASSWORD)
    urls = [
        "/?year=2021",
        f"/dossiers/{subsidy.pk}/",
        f"/seances/{deliberation.session_id}/",
        f"/deliberations/{deliberation.pk}/",
        "/page-inexistante/",
        "/admin/",
        f"/admin/subventions/subsidy/{subsidy.pk}/change/",
        reverse("admin:subventions_subsidy_schedule", args=[subsidy.pk]),
        f"/admin/subventions/beneficiary/{subsidy.beneficiary_id}/change/",
        f"/admin/deliberations/deliberation/{deliberation.pk}/change/",
        "/compte/double-authentification/",
        "/api/docs/",
        "/api/subventions/",
    ]
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # The API docs drew the operations (their init script is a file, not inline).
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    # The dashboard's bars are drawn (SVG widths, no style attribute).
    page.goto("/?year=2021")
    assert page.locator("svg.bar-track rect").count() > 0
