"""Staff list pages at 100 000 subsidies over 20 000 beneficiaries: time, size and queries
of each list (plain, filtered by a beneficiary, searched, last page) rendered in-process by
Django's test client, next to a bare view rendering 25 subsidy rows with a minimal
template (ratio = bare time ÷ page time, 1.0 = as cheap as the bare view). Not a test: run
it by hand; the official figures come from `make bench` (gunicorn, requests/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_lists.py [--rows 100000] [--keep]

Needs PostgreSQL: it creates its own database (bench_lists) on the server DATABASE_URL
names, migrates it and bulk-creates the rows (bulk_create: this measures the lists, not
the data entry); --keep reuses the database of a previous run and keeps it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_LISTS_DB", "bench_lists")


def server_url(database: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL doit désigner un serveur PostgreSQL (postgres://…).")
    return urlunsplit(parts._replace(path=f"/{database}"))


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        return bool(
            connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]
            ).fetchone()
        )


parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100_000)
parser.add_argument("--keep", action="store_true", help="reuse and keep the database")
parser.add_argument("--repeat", type=int, default=7)
ARGS = parser.parse_args()

REUSE = ARGS.keep and database_exists()
if not REUSE:
    admin_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {BENCH_DB}")
# Solid-state storage, as on the servers: random reads cost about what sequential ones do
# (PostgreSQL's default, 4, was set for spinning disks; docs/deploiement.md says the same).
admin_sql(f"ALTER DATABASE {BENCH_DB} SET random_page_cost = 1.1")
os.environ["DATABASE_URL"] = server_url(BENCH_DB)
os.environ["DJANGO_DEBUG"] = "False"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")

import logging

import django

django.setup()
logging.disable(logging.WARNING)

from django.test.utils import setup_test_environment

# The test client keeps each response's context (the last page's number).
setup_test_environment()

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, reset_queries
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.models import Agreement, AgreementTemplate
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from subventions.enums import Role, SubsidyStatus
from subventions.models import Beneficiary, PolicyArea, Subsidy
from tests.subventions.factories import luhn_siret

BATCH = 5000
YEARS = (2019, 2020, 2021, 2022, 2023)
PER_DELIBERATION = 500


def build(rows: int) -> None:
    areas = [PolicyArea.objects.create(label=f"POLITIQUE {n}") for n in range(8)]
    beneficiaries = Beneficiary.objects.bulk_create(
        (
            Beneficiary(
                legal_name=f"Association {'solidaire' if n % 50 == 0 else 'sportive'} n° {n}",
                short_name=f"A{n}",
                name_with_article=f"l'association {n}",
                siret=luhn_siret(n),
                rna=f"W59{n:07d}",
                city="Lille" if n % 3 else "Roubaix",
            )
            for n in range(rows // 5)
        ),
        batch_size=BATCH,
    )
    subsidies = Subsidy.objects.bulk_create(
        (
            Subsidy(
                reference=f"SUB-{YEARS[n % 5]}-{n:06d}",
                beneficiary=beneficiaries[n % len(beneficiaries)],
                year=YEARS[n % 5],
                policy_area=areas[n % len(areas)],
                title=f"Programme d'actions, dossier {n}",
                purpose=f"Animation et promotion du dossier {n}",
                amount_requested=Decimal("30000") + n,
                amount_proposed=Decimal("30000") + n,
                amount_awarded=Decimal("30000") + n,
                status=SubsidyStatus.VOTED,
            )
            for n in range(rows)
        ),
        batch_size=BATCH,
    )
    sessions = [
        Session.objects.create(
            body=Body.BUREAU, date=datetime.date(year, 4, 2), time=datetime.time(14)
        )
        for year in YEARS
    ]
    deliberations = Deliberation.objects.bulk_create(
        Deliberation(
            number=f"{str(YEARS[n % 5])[2:]} B {n + 1:04d}",
            session=sessions[n % 5],
            policy_area=areas[0],
            title=f"Lot {n}",
        )
        for n in range(-(-rows // PER_DELIBERATION))
    )
    DeliberationSubsidy.objects.bulk_create(
        (
            DeliberationSubsidy(deliberation=deliberations[n // PER_DELIBERATION], subsidy=s)
            for n, s in enumerate(subsidies)
        ),
        batch_size=BATCH,
    )
    Deliberation.objects.update(
        status=DeliberationStatus.ADOPTED,
        voted_at=timezone.make_aware(datetime.datetime(2021, 4, 2, 14)),
        executory_date=datetime.date(2021, 4, 2),
    )
    template = AgreementTemplate.objects.create(name="Banc d'essai", visas="Vu la loi.")
    Agreement.objects.bulk_create(
        (
            Agreement(
                number=f"CONV-{subsidy.year}-{n:06d}",
                subsidy=subsidy,
                template=template,
                start_date=datetime.date(2021, 1, 1),
                end_date=datetime.date(2021, 12, 31),
                status=AgreementStatus.READY,
            )
            for n, subsidy in enumerate(subsidies)
            if n % 2 == 0
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


BARE = engines["django"].from_string(
    "<table>{% for s in rows %}<tr><td>{{ s.reference }}</td><td>{{ s.beneficiary.legal_name }}"
    "</td><td>{{ s.year }}</td><td>{{ s.amount_awarded }}</td></tr>{% endfor %}</table>"
)


def bare() -> HttpResponse:
    rows = Subsidy.objects.select_related("beneficiary").order_by("-year", "reference")[:25]
    return HttpResponse(BARE.render({"rows": rows}))


def timed(call) -> tuple[float, int, int]:
    """Median seconds over ARGS.repeat calls (after one warm-up), bytes, queries."""
    call()
    times = []
    for _ in range(ARGS.repeat):
        start = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.status_code
    return statistics.median(times), len(response.content), len(captured)


def main() -> None:
    if not REUSE:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(ARGS.rows)
        print(f"Jeu de données : {ARGS.rows} dossiers en {time.perf_counter() - started:.0f} s")
    user, _ = User.objects.get_or_create(username="bench-lecteur", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=Role.READER))
    client = Client()
    client.force_login(user)
    beneficiary = Beneficiary.objects.order_by("pk")[100].pk

    def last_page(path, query=None):
        response = client.get(path, query or {})
        return response.context["page"].paginator.num_pages

    pages = {
        "dossiers": "/dossiers/",
        "bénéficiaires": "/beneficiaires/",
        "délibérations": "/deliberations/",
        "conventions": "/conventions/",
    }
    variants = {
        "simple": {},
        "filtrée": {"beneficiary": beneficiary},
        "recherche": {"q": "solidaire"},
    }
    bare_time, bare_size, bare_queries = timed(bare)
    print(f"{'page':<32}{'ms':>9}{'ratio':>8}{'octets':>10}{'requêtes':>10}")
    label = "vue nue (25 dossiers)"
    print(f"{label:<32}{bare_time * 1000:>9.1f}{1:>8.2f}{bare_size:>10}{bare_queries:>10}")
    for name, path in pages.items():
        for variant, query in variants.items():
            if name == "bénéficiaires" and variant == "filtrée":
                query = {"legal_form": "association"}
            seconds, size, queries = timed(lambda path=path, query=query: client.get(path, query))
            print(
                f"{name + ' ' + variant:<32}{seconds * 1000:>9.1f}{bare_time / seconds:>8.2f}"
                f"{size:>10}{queries:>10}"
            )
        last = {"page": last_page(path)}
        seconds, size, queries = timed(lambda path=path, last=last: client.get(path, last))
        print(
            f"{name + ' dernière page':<32}{seconds * 1000:>9.1f}{bare_time / seconds:>8.2f}"
            f"{size:>10}{queries:>10}"
        )
    reset_queries()
    if not ARGS.keep:
        connection.close()
        admin_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


main()
