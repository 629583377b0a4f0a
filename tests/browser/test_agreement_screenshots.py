"""`make screenshots`: the demo agreements' staff page and the pages of their PDF, as PNG.

One set per authority of the demo: the commune's agreement (« les Amis du Vieux Moulin »,
the Maire, the Conseil municipal) and the MEL's (the APES). Runs only when
SUBVENTIONS_SCREENSHOTS names the folder to write (docs/screenshots/ from the Makefile).
"""

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from conventions import rendering
from conventions.models import Agreement
from pilotage.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in

OUTPUT = os.environ.get("SUBVENTIONS_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OUTPUT, reason="make screenshots (SUBVENTIONS_SCREENSHOTS) only"),
]


def agreements() -> dict[str, Agreement]:
    """The demo's agreements by name: « commune » (when the demo has it) and « mel »."""
    found = {}
    for agreement in Agreement.objects.select_related("subsidy__beneficiary"):
        name = agreement.subsidy.beneficiary.name_with_article
        if name.startswith("les Amis du Vieux Moulin"):
            found["commune"] = agreement
        elif name == "l'APES" and agreement.subsidy.year == 2021:
            found["mel"] = agreement
    return found


def test_agreement_screenshots(page, settings, live_reference_data):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    folder = Path(OUTPUT)
    folder.mkdir(parents=True, exist_ok=True)
    log_in(page, "secretariat", DEMO_PASSWORD)
    for name, agreement in agreements().items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/conventions/convention/{agreement.pk}/")
        staff_page = folder / f"convention-{name}-page-1280.png"
        page.screenshot(path=staff_page, full_page=True)
        print(staff_page)
        pdf = folder / f"convention-{name}.pdf"
        pdf.write_bytes(rendering.render_pdf(agreement))
        # One PNG per page of the PDF: convention-<name>-pdf-1.png, -2.png …
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", str(pdf), str(folder / f"convention-{name}-pdf")],
            check=True,
        )
        pdf.unlink()
        for png in sorted(folder.glob(f"convention-{name}-pdf-*.png")):
            print(png)
