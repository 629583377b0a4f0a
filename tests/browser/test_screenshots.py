"""`make screenshots`: every staff page of the demo data, as PNG, at 1280 and 390 px.

The pages are those of the URL walk (tests/browser/walk.py), so a page added to the
project is photographed without touching this file; ALIASES gives the main ones the
names the README shows, URLS the address a page is better shown at (the dashboard on the
demo's year). Runs only when SUBVENTIONS_SCREENSHOTS names the folder to write
(docs/screenshots/ from the Makefile).
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from pilotage.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in
from tests.browser.walk import staff_pages

OUTPUT = os.environ.get("SUBVENTIONS_SCREENSHOTS")
WIDTHS = {"large": 1280, "mobile": 390}

# Walked page name → the file name the README links to.
ALIASES = {
    "dashboard": "tableau-de-bord",
    "subventions-subsidy-list": "liste-dossiers",
    "subventions-subsidy-detail": "dossier",
    "deliberations-session-detail": "seance",
    "deliberations-deliberation-detail": "deliberation",
    "conventions-agreement-list": "liste-conventions",
    "conventions-agreement-detail": "convention",
    "deliberations-public-act-list": "actes-publies",
    "deliberations-public-act-detail": "acte-public",
    "todo": "a-faire",
    "search": "recherche",
    "session-calendar": "calendrier-seances",
    "charts": "graphiques",
    "subventions-exchanges-inbox": "echanges",
    "subventions-membership-list": "comptes-association",
}
# Walked page name → a better address for its picture.
URLS = {
    "dashboard": "/?year=2021",
    "search": "/recherche/?q=apes",
    "charts": "/tableau-de-bord/graphiques/?year=2021",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OUTPUT, reason="make screenshots (SUBVENTIONS_SCREENSHOTS) only"),
]


def test_screenshots(page, settings, live_reference_data):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    folder = Path(OUTPUT)
    folder.mkdir(parents=True, exist_ok=True)
    current = None
    for name, url, username in sorted(staff_pages(), key=lambda item: item[2]):
        if username != current:
            page.context.clear_cookies()
            log_in(page, username, DEMO_PASSWORD)
            current = username
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(URLS.get(name, url))
            page.wait_for_load_state("networkidle")
            path = folder / f"{ALIASES.get(name, name)}-{width}.png"
            page.screenshot(path=path, full_page=True)
            print(f"{path} ({label}, {username})")
