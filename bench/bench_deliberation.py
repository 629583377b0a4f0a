"""Median time to generate a deliberation: the demo one as text and as PDF, and a
200-subsidy deliberation as PDF. Not a test: run it by hand.

    .venv/bin/python bench/bench_deliberation.py [--runs 5]

Works on a throwaway SQLite database in a temporary folder (migrated, load_demo, then
200 proposed subsidies built through the services): the project's database is untouched.
"""

import argparse
import atexit
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-deliberation-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from deliberations import rendering, services
from deliberations.models import Deliberation
from subventions import services as subsidy_services
from subventions.models import BudgetLine, PolicyArea

SUBSIDIES = 200


def median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def page_count(content: bytes) -> str:
    """Pages of a PDF, read by pdfinfo (poppler-utils) when it is installed."""
    if not shutil.which("pdfinfo"):
        return "? (pdfinfo absent)"
    path = WORKDIR / "count.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return match[1] if match else "?"


def many_subsidies(users, count: int) -> Deliberation:
    """A Bureau deliberation granting `count` proposed subsidies, built through the services."""
    instructor, head = users["instructeur"], users["responsable"]
    policy_area = PolicyArea.objects.get()
    budget_line = BudgetLine.objects.get(year=2021)
    subsidies = []
    for n in range(count):
        beneficiary = subsidy_services.beneficiary_create(
            user=instructor,
            legal_name=f"Association de banc d'essai {n}",
            short_name=f"BANC{n}",
            name_with_article=f"l'association BANC{n}",
            rna=f"W{n:09d}",
        )
        subsidy = subsidy_services.subsidy_create(
            user=instructor,
            beneficiary=beneficiary,
            year=2021,
            policy_area=policy_area,
            title=f"Soutien à BANC{n}",
            purpose=f"Programme d'actions 2021 de BANC{n}",
            amount_requested=Decimal("10000") + n,
            amount_proposed=Decimal("10000") + n,
            budget_line=budget_line,
        )
        subsidy_services.subsidy_submit(subsidy=subsidy, user=instructor)
        subsidy_services.subsidy_propose(subsidy=subsidy, user=head)
        subsidies.append(subsidy)
    demo_session = Deliberation.objects.get(number="21 B 0110").session
    return services.deliberation_create(
        user=users["secretariat"],
        subsidies=subsidies,
        title=f"SUBVENTIONS A {count} ASSOCIATIONS",
        session=demo_session,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="mesures par cas (médiane)")
    runs = parser.parse_args().runs

    from django.conf import settings

    settings.DEBUG = True  # load_demo refuses to run otherwise
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    from pilotage.demo import load_users

    demo = Deliberation.objects.get(number="21 B 0110")
    big = many_subsidies(load_users(), SUBSIDIES)

    def text(deliberation):
        return rendering.build_text(rendering.deliberation_context(deliberation))

    def pdf(deliberation):
        html = rendering.build_html(rendering.deliberation_context(deliberation))
        return rendering.build_pdf(deliberation, html)

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        text(big)
    pages = page_count(pdf(big))

    print(f"Médianes sur {runs} mesures (génération complète, sans le texte figé) :")
    print(f"  21 B 0110, texte            : {median_seconds(lambda: text(demo), runs * 4):.4f} s")
    print(f"  21 B 0110, PDF              : {median_seconds(lambda: pdf(demo), runs):.3f} s")
    print(f"  {SUBSIDIES} subventions, PDF       : {median_seconds(lambda: pdf(big), runs):.3f} s")
    print(f"  {SUBSIDIES} subventions, texte     : {median_seconds(lambda: text(big), runs):.4f} s")
    print(f"  requêtes SQL du texte ({SUBSIDIES} subventions) : {len(queries)}")
    print(f"  pages du PDF ({SUBSIDIES} subventions) : {pages}")
    print(
        f"  21 B 0110, PDF figé servi   : "
        f"{median_seconds(lambda: rendering.render_pdf(demo), runs):.4f} s"
    )


if __name__ == "__main__":
    main()
