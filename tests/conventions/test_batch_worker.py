"""« Générer toutes les conventions de la séance » with a real Celery worker on Redis,
killed in the middle of the batch, then replaced: every agreement exists once.

Runs on PostgreSQL (the worker, another process, must see the test database: it gets
DATABASE_URL pointing at the test database's name) with Redis at 127.0.0.1:6379, db 4
(CELERY_TEST_BROKER_URL to change it).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from conventions import batch
from conventions.enums import BatchItemOutcome, BatchJobStatus
from conventions.models import Agreement, BatchItem, BatchJob
from deliberations import services
from metropole.celery import app

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/4")
ROOT = Path(__file__).resolve().parents[2]
SUBSIDIES = 30


def redis_client():
    import redis

    return redis.Redis.from_url(BROKER, socket_connect_timeout=1)


@pytest.fixture(autouse=True)
def reference_data(live_reference_data):
    pass


@pytest.fixture
def broker(settings, tmp_path):
    """Tasks go to Redis instead of running in the test (eager) for this test only."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    try:
        redis_client().flushdb()  # this test's own Redis database: nothing left from before
    except Exception:
        pytest.skip(f"needs Redis at {BROKER}")
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    reset_connections()  # a pool opened earlier in this process talks to another broker
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.update(saved)
    reset_connections()
    redis_client().flushdb()


def reset_connections():
    """Forget the app's broker connections and producers: the next task is sent to the
    broker_url configured then."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def workers(tmp_path):
    """start() → a `celery -A metropole worker` on the test database; killed at the end."""
    started = []
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    url = f"postgres://{credentials}@{host}/{quote(database['NAME'], safe='')}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "metropole.settings.local",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        # A message held by a killed worker comes back after this many seconds.
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(django_settings.PRIVATE_MEDIA_ROOT),
    }

    def start(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "metropole", "worker", "--pool=solo"]
            + ["--without-gossip", "--without-mingle", "--loglevel=INFO", f"--hostname={name}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.close()


def wait_for(condition, timeout: float, what: str, logs: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    outputs = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{outputs}")


def test_a_worker_killed_mid_batch_is_replaced_and_every_agreement_exists_once(
    broker, workers, make_subsidy, make_deliberation, secretariat, settings, tmp_path
):
    subsidies = [make_subsidy() for _ in range(SUBSIDIES)]
    deliberation = make_deliberation(subsidies, title="Trente subventions")
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    job = batch.batch_job_start(session=deliberation.session, user=secretariat)
    assert BatchItem.objects.filter(job=job).count() == SUBSIDIES

    first = workers("premier")
    job_row = BatchJob.objects.filter(pk=job.pk)
    wait_for(lambda: job_row.get().done >= 5, 90, "five agreements", tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    job.refresh_from_db()
    assert job.status == BatchJobStatus.RUNNING and job.done < SUBSIDIES

    # No progress for the set time: the job is marked failed (as when someone looks at
    # it), then restarted; only what is missing is queued again.
    settings.SUBVENTIONS_BATCH_STALE_AFTER = 1
    time.sleep(1.5)
    assert batch.fail_stale_jobs() == [job]
    job.refresh_from_db()
    assert job.is_interrupted and "Traitement interrompu" in batch.interruption(job)
    done_before = job.done
    batch.batch_job_restart(job=job, user=secretariat)
    settings.SUBVENTIONS_BATCH_STALE_AFTER = 600

    workers("second")
    wait_for(lambda: job_row.get().is_finished, 120, "the job to finish", tmp_path)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.created, job.errors) == (
        BatchJobStatus.DONE,
        SUBSIDIES,
        SUBSIDIES,
        SUBSIDIES,
        [],
    )
    assert job.done > done_before
    # Every subsidy has its agreement, once; no number was taken twice or lost.
    assert Agreement.objects.count() == SUBSIDIES
    assert set(Agreement.objects.values_list("subsidy_id", flat=True)) == set(
        deliberation.subsidies.values_list("pk", flat=True)
    )
    assert sorted(Agreement.objects.values_list("number", flat=True)) == [
        f"CONV-2021-{n:04d}" for n in range(1, SUBSIDIES + 1)
    ]
    assert not BatchItem.objects.exclude(outcome=BatchItemOutcome.CREATED).exists()
    # Each state of the job is in its history.
    assert [r.status for r in job.history.order_by("history_id")] == [
        BatchJobStatus.PENDING,
        BatchJobStatus.RUNNING,
        BatchJobStatus.FAILED,
        BatchJobStatus.RUNNING,
        BatchJobStatus.DONE,
    ]
