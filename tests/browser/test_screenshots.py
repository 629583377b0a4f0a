"""`make screenshots`: the main staff pages of the demo data, as PNG, at 1280 and 390 px.

Runs only when SUBVENTIONS_SCREENSHOTS names the folder to write (docs/screenshots/ from
the Makefile); the README shows the pictures.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from conventions.enums import BatchJobStatus
from conventions.models import BatchJob
from deliberations.models import Deliberation
from pilotage.demo import DEMO_PASSWORD
from subventions.models import Subsidy
from tests.browser.conftest import log_in

OUTPUT = os.environ.get("SUBVENTIONS_SCREENSHOTS")
WIDTHS = {"large": 1280, "mobile": 390}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OUTPUT, reason="make screenshots (SUBVENTIONS_SCREENSHOTS) only"),
]


def pages() -> dict[str, str]:
    subsidy = Subsidy.objects.get(year=2021, beneficiary__short_name="APES")
    deliberation = Deliberation.objects.get(number="21 B 0110")
    BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=deliberation.session,
        total=1,
        done=1,
        created=0,
        status=BatchJobStatus.DONE,
        created_by=deliberation.voted_by,
        finished_at=timezone.now(),
    )
    return {
        "tableau-de-bord": "/?year=2021",
        "liste-dossiers": "/dossiers/",
        "dossier": f"/dossiers/{subsidy.pk}/",
        "seance": f"/seances/{deliberation.session_id}/",
        "deliberation": f"/deliberations/{deliberation.pk}/",
        "liste-conventions": "/conventions/",
        "convention": f"/conventions/convention/{subsidy.agreement.pk}/",
        # Issue 11: the public page « Actes publiés » and the permanent address of an act.
        "actes-publies": "/actes/",
        "acte-public": "/actes/21B0110/",
    }


def test_screenshots(page, settings, live_reference_data):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    folder = Path(OUTPUT)
    folder.mkdir(parents=True, exist_ok=True)
    log_in(page, "secretariat", DEMO_PASSWORD)
    for name, url in pages().items():
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
            print(f"{folder / f'{name}-{width}.png'} ({label})")
