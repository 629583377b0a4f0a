"""Median time to generate the APES 2021 agreement PDF through the application, and the
same HTML rendered by bare WeasyPrint, side by side; the framework's overhead as a ratio.
Not a test: run it by hand.

    .venv/bin/python bench/bench_agreement.py [--runs 7]

"Application" = context from the database, template version rendered in the restricted
engine, layout, WeasyPrint with the local URL fetcher, and the signature box looked up in
the layout. "Bare WeasyPrint" = the very same HTML string, already rendered, given to
weasyprint.HTML(...).write_pdf() with the same fetcher (the stylesheet must load).

Works on a throwaway SQLite database in a temporary folder (migrated, load_demo): the
project's database is untouched.
"""

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-agreement-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(WORKDIR / "private")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")

import django

django.setup()

from django.core.management import call_command
from django.template.loader import render_to_string
from weasyprint import HTML

from conventions import rendering as agreement_rendering
from conventions.models import Agreement
from core.pdf import BASE_URL, LocalFetcher
from pilotage import demo


def median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    call_command("migrate", verbosity=0)
    demo.load()
    agreement = Agreement.objects.select_related("subsidy").get(subsidy__year=2021)
    html = render_to_string(
        agreement_rendering.AGREEMENT_PDF, agreement_rendering.agreement_html_context(agreement)
    )

    def application():
        # A fresh instance each time: nothing cached between runs.
        document = Agreement.objects.get(pk=agreement.pk)
        return agreement_rendering.build_agreement_pdf(document).content

    def bare():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf()

    application(), bare()  # warm-up: fonts, imports
    app_seconds = median_seconds(application, runs)
    bare_seconds = median_seconds(bare, runs)
    print(f"Convention APES 2021 — médiane sur {runs} exécutions")
    print(f"{'application (données → PDF)':<40} {app_seconds * 1000:8.0f} ms")
    print(f"{'WeasyPrint seul (même HTML)':<40} {bare_seconds * 1000:8.0f} ms")
    print(f"{'rapport application / WeasyPrint':<40} {app_seconds / bare_seconds:8.2f}")


if __name__ == "__main__":
    main()
