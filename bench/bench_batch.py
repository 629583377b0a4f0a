"""« Générer toutes les conventions de la séance » for 200 agreements, with one Celery
worker then with two, side by side; the speed-up as a ratio (issue 13: two workers
≥ 1.8× one). Not a test: run it by hand, on an otherwise idle machine.

    .venv/bin/python bench/bench_batch.py [--subsidies 200]

Needs PostgreSQL and Redis: a throwaway database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/sub_h4_bench) is created, migrated, filled and
dropped; the broker is BENCH_BROKER_URL (by default redis://127.0.0.1:6379/4, emptied).
Each worker is `celery -A metropole worker --pool=solo` (one process, one task at a
time). Each configuration starts fresh workers, warms them up on a small session (fonts,
imports), then times a session of `--subsidies` agreements from the launch to the job's
end, real PDFs included.
"""

import argparse
import atexit
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-batch-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sub_h4_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["CELERY_BROKER_URL"] = BROKER_URL
os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(WORKDIR / "private")
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropole.settings.local")


def recreate_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


recreate_database()

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from conventions import batch  # noqa: E402
from conventions.models import BatchJob  # noqa: E402
from deliberations import rendering as deliberation_rendering  # noqa: E402
from deliberations import services as deliberation_services  # noqa: E402
from deliberations.enums import Body  # noqa: E402
from subventions.enums import Role  # noqa: E402
from tests.subventions.factories import (  # noqa: E402
    AuthorityFactory,
    BeneficiaryFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)


def adopted_session(user, policy_area, beneficiary, count: int, day: int):
    """A Bureau session with one adopted deliberation granting `count` subsidies."""
    session = deliberation_services.session_create(
        user=user, body=Body.BUREAU, date=datetime.date(2021, 4, day), time=datetime.time(14)
    )
    subsidies = [
        SubsidyFactory(
            proposed=True,
            beneficiary=beneficiary,
            policy_area=policy_area,
            year=2021,
            amount_requested=Decimal("35000"),
        )
        for _ in range(count)
    ]
    deliberation = deliberation_services.deliberation_create(
        user=user, subsidies=subsidies, session=session, title=f"{count} subventions"
    )
    deliberation_services.deliberation_adopt(deliberation=deliberation, user=user, unanimous=True)
    return session


def start_workers(count: int, label: str) -> list[subprocess.Popen]:
    processes = []
    for index in range(count):
        log = open(WORKDIR / f"{label}-{index}.log", "wb")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "metropole", "worker", "--pool=solo"]
                + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"]
                + [f"--hostname=bench-{label}-{index}@%h"],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return processes


def stop_workers(processes) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(session, user) -> float:
    """Seconds from the launch to the job's end (every PDF built)."""
    start = time.perf_counter()
    job = batch.batch_job_start(session=session, user=user)
    while True:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if job.status != "terminee" or job.created != job.total:
        raise SystemExit(f"Le traitement {job.pk} a échoué : {job.errors[:3]}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subsidies", type=int, default=200)
    count = parser.parse_args().subsidies

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BROKER_URL).flushdb()
    # The deliberation's own PDF is not what is measured here.
    deliberation_rendering.build_pdf = lambda deliberation, body_html: b"%PDF-1.7 bench\n"
    user = Group.objects.get(name=Role.ASSEMBLY_SECRETARIAT).user_set.model.objects.create_user(
        username="bench", password="bench", is_staff=True
    )
    user.groups.add(Group.objects.get(name=Role.ASSEMBLY_SECRETARIAT))
    AuthorityFactory()
    policy_area = PolicyAreaFactory(label="DEVELOPPEMENT ECONOMIQUE ET EMPLOI")
    beneficiary = BeneficiaryFactory(short_name="APES", name_with_article="l'APES")
    sessions = {
        workers: (
            adopted_session(user, policy_area, beneficiary, 4, day),
            adopted_session(user, policy_area, beneficiary, count, day + 1),
        )
        for workers, day in ((1, 5), (2, 12))
    }

    results = {}
    for workers, (warm_up, measured) in sessions.items():
        processes = start_workers(workers, f"{workers}w")
        try:
            run(warm_up, user)
            results[workers] = run(measured, user)
        finally:
            stop_workers(processes)

    one, two = results[1], results[2]
    print(f"Lot de {count} conventions (PDF compris), du lancement à la fin du traitement :")
    print(f"  1 worker  : {one:7.1f} s  ({count / one:5.2f} conventions/s)")
    print(f"  2 workers : {two:7.1f} s  ({count / two:5.2f} conventions/s)")
    print(f"  accélération : {one / two:.2f}× (cible ≥ 1,8×)")
    print(f"  traitements : {BatchJob.objects.count()} terminés")


if __name__ == "__main__":
    try:
        main()
    finally:
        connections.close_all()
        redis.Redis.from_url(BROKER_URL).flushdb()
        drop_database()
