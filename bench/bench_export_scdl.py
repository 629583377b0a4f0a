"""SCDL export of 100 000 subsidies: time and peak memory of `export_scdl`, next to
PostgreSQL's own `COPY (SELECT …) TO STDOUT WITH CSV` of the same rows, as a ratio. Not a
test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_export_scdl.py [--rows 100000]

Needs PostgreSQL: it creates its own database (bench_scdl) on the server DATABASE_URL
names, migrates it, bulk-creates the rows (bulk_create, not the services: this measures
the export, not the data entry), measures, then drops the database.

The COPY runs the export's own query (the same rows, joins and subqueries, selected by
`scdl.publishable()`), so the ratio is what Python adds: building, checking and writing
the SCDL rows.
"""

import argparse
import atexit
import datetime
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-scdl-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
BENCH_DB = "bench_scdl"


def server_url(database: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL doit désigner un serveur PostgreSQL (postgres://…).")
    return urlunsplit(parts._replace(path=f"/{database}"))


def admin_sql(statement: str) -> None:
    """Run a statement on the server's « postgres » database (CREATE / DROP DATABASE)."""
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)


parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100_000)
ARGS = parser.parse_args()

admin_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
admin_sql(f"CREATE DATABASE {BENCH_DB}")
os.environ["DATABASE_URL"] = server_url(BENCH_DB)
os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(WORKDIR / "private")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.models import Agreement, AgreementTemplate
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from pilotage.opendata import scdl
from subventions.enums import PaymentTerms, SubsidyStatus
from subventions.models import Authority, Beneficiary, Payment, PolicyArea, Subsidy
from tests.subventions.factories import luhn_siret

BATCH = 5000
PER_DELIBERATION = 1000


def drop_database() -> None:
    connection.close()
    admin_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def build(rows: int) -> None:
    """`rows` subsidies voted by Bureau deliberations, each with its agreement signed by
    both parties and one or two payments."""
    Authority.objects.create(
        name="Métropole Européenne de Lille",
        name_with_article="la MEL",
        siret="20009320100016",
        address="2 boulevard des Cités Unies",
        postal_code="59040",
        city="Lille",
        president_name="Damien Castelain",
        seat_city="Lille",
        administrative_court="Tribunal administratif de Lille",
    )
    area = PolicyArea.objects.create(label="BANC D'ESSAI")
    beneficiaries = Beneficiary.objects.bulk_create(
        Beneficiary(
            legal_name=f"Association de banc d'essai numéro {n}",
            name_with_article=f"l'association {n}",
            siret=luhn_siret(n),
            rna=f"W59{n:07d}",
        )
        for n in range(rows // 10)
    )
    subsidies = Subsidy.objects.bulk_create(
        (
            Subsidy(
                reference=f"SUB-2021-{n:06d}",
                beneficiary=beneficiaries[n % len(beneficiaries)],
                year=2021,
                policy_area=area,
                title=f"Programme d'actions 2021, dossier {n}",
                purpose=f"Programme d'actions 2021 du dossier {n} : animation et promotion",
                amount_requested=Decimal("30000") + n,
                amount_proposed=Decimal("30000") + n,
                amount_awarded=Decimal("30000") + n,
                payment_terms=PaymentTerms.STAGGERED if n % 4 == 0 else PaymentTerms.SINGLE,
                status=SubsidyStatus.AGREEMENT_SIGNED,
            )
            for n in range(rows)
        ),
        batch_size=BATCH,
    )
    session = Session.objects.create(
        body=Body.BUREAU, date=datetime.date(2021, 4, 2), time=datetime.time(14)
    )
    deliberations = Deliberation.objects.bulk_create(
        Deliberation(
            number=f"21 B {n + 1:04d}", session=session, policy_area=area, title=f"Lot {n}"
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
    # Adopted in one UPDATE, once their subsidies are listed (freezing triggers).
    Deliberation.objects.update(
        status=DeliberationStatus.ADOPTED,
        voted_at=timezone.make_aware(datetime.datetime(2021, 4, 2, 14)),
        executory_date=datetime.date(2021, 4, 2),
    )
    template = AgreementTemplate.objects.create(name="Banc d'essai", visas="Vu la loi.")
    Agreement.objects.bulk_create(
        (
            Agreement(
                number=f"CONV-2021-{n:06d}",
                subsidy=subsidy,
                template=template,
                start_date=datetime.date(2021, 1, 1),
                end_date=datetime.date(2021, 12, 31),
                status=AgreementStatus.IN_FORCE,
                beneficiary_signed_on=datetime.date(2021, 4, 20),
                authority_signed_on=datetime.date(2021, 5, 3) + datetime.timedelta(n % 200),
                signed_pdf_sha256="0" * 64,
            )
            for n, subsidy in enumerate(subsidies)
        ),
        batch_size=BATCH,
    )

    def payments():
        for n, subsidy in enumerate(subsidies):
            first = datetime.date(2021, 6, 1) + datetime.timedelta(n % 150)
            yield Payment(
                subsidy=subsidy, date=first, amount=Decimal("10000"), mandate_number=f"A{n}"
            )
            if n % 4 == 0:
                yield Payment(
                    subsidy=subsidy,
                    date=first + datetime.timedelta(90),
                    amount=Decimal("10000"),
                    mandate_number=f"B{n}",
                )

    Payment.objects.bulk_create((payment for payment in _with_year(payments())), batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _with_year(payments):
    # bulk_create skips save(), which sets the mandate's year.
    for payment in payments:
        payment.year = payment.date.year
        yield payment


def export(target: Path, *args: str) -> float:
    start = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("export_scdl", "--output", str(target), *args, stdout=devnull, stderr=devnull)
    return time.perf_counter() - start


def export_peak(target: Path, *args: str) -> int:
    """Peak Python memory (tracemalloc) of a run of the export, in bytes."""
    tracemalloc.start()
    export(target, *args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def copy_csv(target: Path) -> float:
    """PostgreSQL's COPY of the export's own query, to a file."""
    sql, params = scdl.publishable().values(*scdl.FIELDS).query.sql_with_params()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params) if params else sql
        with open(target, "wb") as out, raw.copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy:
            for data in copy:
                out.write(data)
    return time.perf_counter() - start


def data_lines(path: Path, header: bool) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle) - (1 if header else 0)


def main() -> None:
    print(f"Base {BENCH_DB} : migration…", flush=True)
    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0, stdout=devnull)
    start = time.perf_counter()
    build(ARGS.rows)
    print(f"{ARGS.rows} subventions créées (bulk_create) en {time.perf_counter() - start:.1f} s")

    scdl_file, copy_file = WORKDIR / "export.csv", WORKDIR / "copy.csv"
    export(scdl_file)  # warm-up: caches, query plans
    copy_csv(copy_file)
    export_seconds = min(export(scdl_file) for _ in range(2))
    copy_seconds = min(copy_csv(copy_file) for _ in range(2))
    peak = export_peak(scdl_file)
    # A tenth of the rows (signed over 20 of the 200 days): the peak should hardly move.
    small_peak = export_peak(WORKDIR / "small.csv", "--until", "2021-05-22")
    small_rows = data_lines(WORKDIR / "small.csv", header=True)

    exported, copied = data_lines(scdl_file, header=True), data_lines(copy_file, header=False)
    assert exported == copied == ARGS.rows, (exported, copied)
    print(
        f"export_scdl        : {export_seconds:6.2f} s  ({exported / export_seconds:,.0f} lignes/s)"
    )
    print(f"PostgreSQL COPY    : {copy_seconds:6.2f} s  ({copied / copy_seconds:,.0f} lignes/s)")
    print(f"rapport            : {export_seconds / copy_seconds:6.1f} × le COPY")
    print(f"mémoire de pointe  : {peak / 2**20:6.1f} Mio (tracemalloc, export seul)")
    print(f"  pour {small_rows} lignes : {small_peak / 2**20:6.1f} Mio")
    print(
        f"taille des fichiers: SCDL {scdl_file.stat().st_size / 2**20:.1f} Mio, "
        f"COPY {copy_file.stat().st_size / 2**20:.1f} Mio"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        drop_database()
