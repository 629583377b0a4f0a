"""`make bench`: the application against bare yardsticks, measured in the same run, on
PostgreSQL, at 10 000 then 100 000 subsidies (issue 13's targets, PASS or FAIL).

    make bench                       # or: .venv/bin/python -m bench.run [--quick]

DATABASE_URL names the bench's own database (by default
postgres://postgres@127.0.0.1:5432/subventions_bench): it is dropped and created again,
so its name must contain « bench ». Redis (BENCH_BROKER_URL, by default
redis://127.0.0.1:6379/3, emptied) carries the batch's Celery messages.

Each figure is a ratio of two things measured in this run, in alternation (A, B, A, B …),
so that the machine's load weighs on both:
- staff pages (plain, filtered, searched, last page), the dashboard and a subsidy's page
  against a bare Django view of 25 rows with a minimal template (bench.views), on the
  same gunicorn (2 workers, production settings, bench.settings adds the bare URLs):
  requests per second of a bounded load loop (2 threads, localhost);
- the staff CSV against a bare streamed CSV of the same rows and columns;
- the SCDL export (open data URL) against PostgreSQL's COPY of its own query;
- the agreement PDF and a 200-subsidy deliberation PDF against bare WeasyPrint on the
  same HTML (same fetcher, same PDF/A variant): the median of the ratios of pairs run
  one after the other, enough pairs for each side to run seconds (pdf_figures);
- « Générer toutes les conventions » of 200 agreements with one then two Celery workers
  (started and warmed up before the clock starts), in alternation, BATCH_ROUNDS times:
  the fastest run of each;
- the peak memory (ru_maxrss) of a process serving each export, at both sizes.
"""

import argparse
import gc
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/subventions_bench"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/3")
WORKDIR = Path(tempfile.mkdtemp(prefix="subventions-bench-"))

# One environment for this process, gunicorn, the workers and the export probes.
ENVIRONMENT = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "False",
    "DJANGO_STATIC_ROOT": str(WORKDIR / "static"),
    "DJANGO_MEDIA_ROOT": str(WORKDIR / "media"),
    "DJANGO_PRIVATE_MEDIA_ROOT": str(WORKDIR / "private"),
    "DJANGO_LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
SIZES = (10_000, 100_000)
# What `--only` may choose: the staff pages, the exports (peak memory, CSV against the bare
# CSV, SCDL against COPY), the PDFs, the batch of agreements.
PARTS = ("pages", "exports", "pdf", "lot")
QUICK_SIZES = (1_000, 5_000)


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


def recreate_database() -> None:
    import psycopg

    name = database_name()
    if not urlsplit(DATABASE_URL).scheme.startswith("postgres"):
        sys.exit("make bench mesure sur PostgreSQL : DATABASE_URL doit être postgres://…")
    if "bench" not in name:
        sys.exit(
            f"La base « {name} » serait effacée : donnez à DATABASE_URL une base dont le nom "
            "contient « bench » (par défaut subventions_bench)."
        )
    admin = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


os.environ.update(ENVIRONMENT)
# This process launches the batch: its messages go to Redis. The server and the export
# probes keep Celery eager (a background export then runs in its request).
os.environ["CELERY_BROKER_URL"] = BROKER_URL
sys.path.insert(0, str(ROOT))


def child_environment(*, broker: bool = False) -> dict:
    environment = {**os.environ, **ENVIRONMENT}
    if not broker:
        environment.pop("CELERY_BROKER_URL", None)
    return environment


def log(message: str) -> None:
    print(message, flush=True)


# The server and the load loop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn, 2 sync workers, production settings plus the bare URLs."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        command = [str(Path(PYTHON).parent / "gunicorn"), "metropole.wsgi:application"]
        command += ["--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "600"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_environment(),
            stdout=open(WORKDIR / "gunicorn.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/_bench/liste/seances/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn ne répond pas (journal : {WORKDIR / 'gunicorn.log'})")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def request(port: int, path: str, cookie: str = "", *, first_byte: list | None = None):
    """(status, body size) of one GET; `first_byte` receives the seconds to the first byte."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    start = time.perf_counter()
    try:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        size = len(response.read(1))
        if first_byte is not None:
            first_byte.append(time.perf_counter() - start)
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size
    finally:
        connection.close()


def body(port: int, path: str, cookie: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"GET {path} : {response.status}")
        return response.read().decode()
    finally:
        connection.close()


def load(port: int, path: str, cookie: str, seconds: float, threads: int = 2) -> tuple[int, float]:
    """(requests done, elapsed seconds) by `threads` clients for about `seconds` (each
    client finishes its request in flight; at least one each)."""
    counts, failures = [0] * threads, []

    def client(index: int) -> None:
        deadline = time.perf_counter() + seconds
        while True:
            status, _ = request(port, path, cookie)
            if status != 200:
                failures.append(status)
                return
            counts[index] += 1
            if time.perf_counter() >= deadline:
                return

    start = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise SystemExit(f"GET {path} : réponse {failures[0]}")
    return sum(counts), time.perf_counter() - start


def compare(port, cookie, page: str, bare: str, repeats: int, seconds: float) -> dict:
    """Requests/s of `page` and of `bare`, measured in alternation, `repeats` pairs. The
    ratio is the median of the pairs' ratios: a slow moment of the machine that falls on
    one window (page or bare) moves one pair, not the figure."""
    rates = {page: [], bare: []}
    for _ in range(repeats):
        for path in (page, bare):
            done, elapsed = load(port, path, cookie, seconds)
            rates[path].append(done / elapsed)
    ratios = [mine / yardstick for mine, yardstick in zip(rates[page], rates[bare], strict=True)]
    return {
        "page": statistics.median(rates[page]),
        "bare": statistics.median(rates[bare]),
        "ratio": statistics.median(ratios),
    }


# What is measured


LISTS = (
    # (label, URL, bare list, filtered query, searched query)
    ("Subventions", "/dossiers/", "subventions", "year=2023&status=conventionnee", "q=Roubaix"),
    (
        "Bénéficiaires",
        "/beneficiaires/",
        "beneficiaires",
        "year=2023&legal_form=association",
        "q=Roubaix",
    ),
    ("Conventions", "/conventions/", "conventions", "year=2023&status=en_vigueur", "q=Roubaix"),
    (
        "Délibérations",
        "/deliberations/",
        "deliberations",
        "year=2023&status=adoptee",
        "q=ASSOCIATIONS",
    ),
    ("Séances", "/seances/", "seances", None, None),
)
LAST_LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*>\s*Derni[èe]re', re.IGNORECASE)
EXPORTS = (
    ("CSV des subventions", "/dossiers/export/csv/"),
    ("XLSX des subventions", "/dossiers/export/xlsx/"),
    ("CSV des bénéficiaires", "/beneficiaires/export/csv/"),
    ("CSV des conventions", "/conventions/export/csv/"),
    ("SCDL (données ouvertes)", "/donnees-ouvertes/subventions.csv"),
)


def last_page(port: int, cookie: str, path: str) -> str:
    """The list's last page, as its own « Dernière » link says (whatever the paging)."""
    match = LAST_LINK.search(body(port, path, cookie))
    return urljoin(path, unescape(match[1])) if match else path


def page_cases(port: int, cookie: str) -> list[tuple[str, str, str]]:
    """(label, URL, bare URL) of every page measured."""
    from subventions.models import Subsidy

    cases = []
    for label, path, bare, filtered, searched in LISTS:
        bare_path = f"/_bench/liste/{bare}/"
        cases.append((f"{label} : liste", path, bare_path))
        if filtered:
            cases.append((f"{label} : filtrée", f"{path}?{filtered}", bare_path))
        if searched:
            cases.append((f"{label} : recherche", f"{path}?{searched}", bare_path))
        cases.append((f"{label} : dernière page", last_page(port, cookie, path), bare_path))
    cases.append(("Tableau de bord", "/", "/_bench/liste/subventions/"))
    subsidy = Subsidy.objects.filter(year=2023).order_by("reference").first()
    cases.append(
        ("Fiche d'une subvention", f"/dossiers/{subsidy.pk}/", "/_bench/liste/subventions/")
    )
    return cases


def bench_user_cookie() -> str:
    """A reader's session (no second factor for that role), as the browser would hold it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from subventions.enums import Role

    user, _ = get_user_model().objects.get_or_create(
        username="banc-essai", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=Role.READER))
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


PROBE = """
import os, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="banc-essai"))
start = time.perf_counter()
response = client.get(sys.argv[1])
size = 0
if response.streaming:
    for chunk in response.streaming_content:
        size += len(chunk)
else:
    size = len(response.content)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(response.status_code, size, time.perf_counter() - start, peak)
"""


def export_peak(path: str) -> dict:
    """Peak resident memory (MiB) of a fresh process that serves the export once (its
    high-water mark, Django and the application's imports included)."""
    result = subprocess.run(
        [PYTHON, "-c", PROBE, path],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    status, size, seconds, peak_kib = result.stdout.split()[-4:]
    return {
        "status": int(status),
        "bytes": int(size),
        "seconds": float(seconds),
        "peak": int(peak_kib) / 1024,
    }


def download(port, cookie, path) -> tuple[float, float, int]:
    """(seconds, seconds to first byte, bytes) of a whole download."""
    first = []
    start = time.perf_counter()
    status, size = request(port, path, cookie, first_byte=first)
    if status != 200:
        raise SystemExit(f"GET {path} : réponse {status}")
    return time.perf_counter() - start, first[0], size


def copy_seconds() -> float:
    """PostgreSQL's COPY of the SCDL export's own query, to a file."""
    from django.db import connection

    from pilotage.opendata import scdl

    sql, params = scdl.publishable().values(*scdl.FIELDS).query.sql_with_params()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params) if params else sql
        with (
            open(WORKDIR / "copy.csv", "wb") as out,
            raw.copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy,
        ):
            for data in copy:
                out.write(data)
    return time.perf_counter() - start


def alternate(first, second, repeats: int) -> tuple[float, float]:
    """Medians of two callables' seconds, run in alternation."""
    a, b = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        first()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        second()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


# The fewest pairs each PDF runs (pdf_figures): the short agreement needs many.
PDF_TURNS = {"agreement": 21, "deliberation": 7}


def alternate_pairs(first, second, *, turns: int, seconds: float) -> list[tuple[float, float]]:
    """Seconds of two callables run in pairs, at least `turns` pairs and until each side
    has run `seconds` in all. The order within a pair alternates (A B, B A, A B …), so
    neither side always runs right after the other's garbage or with a warmer cache, and
    the garbage collector runs before each call, outside the clock, for both sides."""
    pairs, total = [], [0.0, 0.0]
    while len(pairs) < turns or min(total) < seconds:
        pair = [0.0, 0.0]
        for index in (0, 1) if len(pairs) % 2 == 0 else (1, 0):
            gc.collect()
            start = time.perf_counter()
            (first, second)[index]()
            pair[index] = time.perf_counter() - start
            total[index] += pair[index]
        pairs.append((pair[0], pair[1]))
    return pairs


def pdf_figures(turns: dict | None = None, seconds: float = 4.0) -> dict:
    """The agreement PDF and a 200-subsidy deliberation PDF, each against bare WeasyPrint
    given the very HTML the application renders (same fetcher, same PDF/A variant).

    Both sides run in pairs (alternate_pairs): at least `turns[key]` pairs (21 for the
    agreement, ~0.2 s; 7 for the deliberation, ~2 s) and until each side has run
    `seconds`.
    The ratio is the median of the pairs' ratios: the two runs of a pair follow each other
    and share the machine's load of that moment, and the median drops the pairs a burst
    of load hit on one side only. `app` and `bare` are each side's median seconds."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from conventions import rendering as agreement_rendering
    from conventions.enums import AgreementStatus
    from conventions.models import Agreement
    from core.formatting import typography_html
    from core.pdf import ARCHIVAL_VARIANT, BASE_URL, LocalFetcher
    from deliberations import rendering as deliberation_rendering
    from deliberations.models import Deliberation

    def bare(html: str):
        return lambda: HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf(
            pdf_variant=ARCHIVAL_VARIANT
        )

    agreement = Agreement.objects.filter(status=AgreementStatus.DRAFT).order_by("pk").first()
    agreement_html = typography_html(
        render_to_string(
            agreement_rendering.AGREEMENT_PDF,
            agreement_rendering.agreement_html_context(agreement),
        )
    )

    def application_agreement():
        # A fresh instance each time: nothing cached between runs.
        agreement_rendering.build_agreement_pdf(Agreement.objects.get(pk=agreement.pk))

    deliberation = next(
        d for d in Deliberation.objects.order_by("pk") if d.subsidies.count() == 200
    )
    page = deliberation_rendering._page_context(
        deliberation,
        deliberation_rendering.build_html(
            deliberation_rendering.deliberation_context(deliberation)
        ),
    )
    deliberation_html = typography_html(render_to_string(deliberation_rendering.PDF_TEMPLATE, page))

    def application_deliberation():
        fresh = Deliberation.objects.get(pk=deliberation.pk)
        html = deliberation_rendering.build_html(deliberation_rendering.deliberation_context(fresh))
        deliberation_rendering.build_pdf(fresh, html)

    application_agreement(), bare(agreement_html)()  # warm-up: fonts, imports, plans
    application_deliberation(), bare(deliberation_html)()
    figures = {}
    for key, application, html in (
        ("agreement", application_agreement, agreement_html),
        ("deliberation", application_deliberation, deliberation_html),
    ):
        pairs = alternate_pairs(
            application, bare(html), turns=(turns or PDF_TURNS)[key], seconds=seconds
        )
        figures[key] = {
            "app": round(statistics.median(app for app, _bare in pairs), 3),
            "bare": round(statistics.median(bare for _app, bare in pairs), 3),
            "pairs": len(pairs),
            "ratio": statistics.median(app / bare for app, bare in pairs),
        }
    return figures


# The batch


def start_workers(count: int, label: str) -> list[subprocess.Popen]:
    processes = []
    for index in range(count):
        processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "metropole", "worker", "--pool=solo"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["--loglevel=WARNING", f"--hostname=bench-{label}-{index}@%h"],
                cwd=ROOT,
                env=child_environment(broker=True),
                stdout=open(WORKDIR / f"worker-{label}-{index}.log", "ab"),  # noqa: SIM115
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
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_job(session, user) -> float:
    """Seconds from the launch to the job's end (every PDF built)."""
    from conventions import batch
    from conventions.enums import BatchJobStatus

    start = time.perf_counter()
    job = batch.batch_job_start(session=session, user=user)
    while True:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if job.status != BatchJobStatus.DONE or job.created != job.total:
        raise SystemExit(f"Le traitement {job.pk} a échoué : {job.errors[:3]}")
    return seconds


# Rounds of the batch measure: one worker, two workers, one, two …; each side keeps its
# fastest run, so that a slow moment of the machine does not decide the ratio.
BATCH_ROUNDS = 2


def batch_figures(count: int, rounds: int = BATCH_ROUNDS) -> dict:
    """One worker then two, in alternation, each started and warmed up before its timed
    job; the fastest run of each."""
    import redis
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from bench import dataset
    from subventions.enums import Role

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    user, _ = get_user_model().objects.get_or_create(
        username="banc-secretariat", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=Role.ASSEMBLY_SECRETARIAT))
    results = {1: [], 2: []}
    day = 1
    for _ in range(rounds):
        for workers in (1, 2):
            warm_up = dataset.batch_session(4, day=day)
            measured = dataset.batch_session(count, day=day + 1)
            day += 2
            processes = start_workers(workers, f"{workers}w")
            try:
                run_job(warm_up, user)
                results[workers].append(run_job(measured, user))
            finally:
                stop_workers(processes)
            log(f"  {workers} worker{'s' if workers > 1 else ''} : {results[workers][-1]:.1f} s")
    broker.flushdb()
    one, two = min(results[1]), min(results[2])
    return {"one": one, "two": two, "speedup": one / two, "runs": results}


# The table


def guarded(function, *args, **kwargs):
    """A measure that fails is reported, and the table is still printed."""
    try:
        return function(*args, **kwargs)
    except (Exception, SystemExit) as error:
        log(f"  échec : {type(error).__name__} : {error}")
        return None


def font_subsetting() -> str:
    """Which library cuts the fonts of the PDFs: it halves their time, so it says what the
    PDF and batch figures were measured with."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is not None:
        return "Polices des PDF découpées par HarfBuzz (libharfbuzz-subset0)"
    return (
        "Polices des PDF découpées par fontTools : libharfbuzz-subset0 absent, PDF et lot "
        "deux fois plus lents qu'en production"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="petites tailles (essai du banc)")
    parser.add_argument("--sizes", type=int, nargs=2, help="les deux tailles, en subventions")
    parser.add_argument("--repeats", type=int, default=5, help="alternances par mesure de page")
    parser.add_argument("--seconds", type=float, default=1.5, help="durée d'une fenêtre de charge")
    parser.add_argument("--batch", type=int, default=200, help="conventions du lot mesuré")
    parser.add_argument("--skip-batch", action="store_true", help="comme --only sans « lot »")
    parser.add_argument(
        "--only",
        type=lambda text: {part.strip() for part in text.split(",") if part.strip()},
        default=set(PARTS),
        metavar="PARTIES",
        help=f"parties mesurées, séparées par des virgules, parmi : {', '.join(PARTS)} "
        "(le jeu de données est construit de toute façon)",
    )
    args = parser.parse_args()
    unknown = args.only - set(PARTS)
    if unknown:
        parser.error(f"partie inconnue : {', '.join(sorted(unknown))} (parmi {', '.join(PARTS)})")
    parts = args.only - ({"lot"} if args.skip_batch else set())
    sizes = tuple(args.sizes) if args.sizes else QUICK_SIZES if args.quick else SIZES
    started = time.perf_counter()

    log(f"Base {database_name()} recréée, migrations…")
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import dataset

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    cookie = bench_user_cookie()

    pages, exports, build_seconds = {}, {}, {}
    built = 0
    server = Server()
    try:
        for size in sizes:
            log(f"Jeu de données : {built} → {size} subventions…")
            start = time.perf_counter()
            dataset.build(size - built, start=built, log=log)
            build_seconds[size] = time.perf_counter() - start
            built = size
            log(f"  {size} subventions en {build_seconds[size]:.0f} s")
            if not parts & {"pages", "exports"}:
                continue
            server.start()
            pages[size] = {}
            if "pages" in parts:
                log("Pages (requêtes/s, page et vue nue en alternance)…")
            for label, path, bare in page_cases(server.port, cookie) if "pages" in parts else ():
                pages[size][label] = compare(
                    server.port, cookie, path, bare, args.repeats, args.seconds
                )
                figure = pages[size][label]
                log(
                    f"  {label:<36} {figure['page']:7.1f} req/s  nue {figure['bare']:7.1f}"
                    f"  rapport {figure['ratio']:.2f}   {path}"
                )
            exports[size] = {}
            if "exports" in parts:
                log("Mémoire de pointe des exports…")
            for label, path in EXPORTS if "exports" in parts else ():
                exports[size][label] = export_peak(path)
                log(f"  {label:<28} {exports[size][label]}")
            if size != sizes[-1]:
                server.stop()

        csv_app, csv_bare, csv_first = [], [], []
        scdl_seconds, copy = [], []
        if "exports" in parts:
            log("CSV du personnel contre CSV nu, SCDL contre COPY…")
        for _ in range(2 if "exports" in parts else 0):
            seconds, first, _size = download(server.port, cookie, "/dossiers/export/csv/")
            csv_app.append(seconds)
            csv_first.append(first)
            csv_bare.append(download(server.port, cookie, "/_bench/subventions.csv")[0])
        for _ in range(2 if "exports" in parts else 0):
            scdl_seconds.append(
                download(server.port, cookie, "/donnees-ouvertes/subventions.csv")[0]
            )
            copy.append(copy_seconds())
    finally:
        server.stop()

    pdfs = {}
    if "pdf" in parts:
        log("PDF contre WeasyPrint seul…")
        pdfs = guarded(pdf_figures) or {}
    for key, figure in pdfs.items():
        log(f"  {key} : {figure}")
    batch = None
    if "lot" in parts:
        log(f"Lot de {args.batch} conventions, 1 puis 2 workers Celery…")
        batch = guarded(batch_figures, args.batch)
        log(f"  {batch}")

    small, large = sizes
    lines = []
    width = 40

    def line(label, small_text, large_text, target, ok):
        lines.append(
            f"{label:<{width}} {small_text:>10} {large_text:>10}  {target:<22} {verdict(ok)}"
        )

    header = f"{'mesure':<{width}} {small:>10,} {large:>10,}  {'cible':<22} résultat"
    lines.append(header.replace(",", " "))
    lines.append("-" * len(header))
    for label in pages.get(large, {}):
        low, high = pages[small][label]["ratio"], pages[large][label]["ratio"]
        stable = high >= 0.8 * low
        line(
            f"{label} (÷ vue nue)",
            f"{low:.2f}",
            f"{high:.2f}",
            "≥ 0,50 et ≥ 80 % à 10k",
            high >= 0.5 and stable,
        )
    if csv_app:
        csv_ratio = min(csv_app) / min(csv_bare)
        line("CSV des subventions (÷ CSV nu)", "", f"{csv_ratio:.2f}", "≤ 1,50", csv_ratio <= 1.5)
        line(
            "  premier octet / total (s)",
            "",
            f"{min(csv_first):.2f}/{min(csv_app):.1f}",
            "diffusé",
            min(csv_first) < min(csv_app) / 4,
        )
        scdl_ratio = min(scdl_seconds) / min(copy)
        line("SCDL (÷ COPY PostgreSQL)", "", f"{scdl_ratio:.2f}", "≤ 2,00", scdl_ratio <= 2)
    for label, _path in EXPORTS if "exports" in parts else ():
        low, high = exports[small][label], exports[large][label]
        if "peak" not in low or "peak" not in high:
            line(f"{label} : mémoire (Mio)", "erreur", "erreur", "plate", False)
            continue
        line(
            f"{label} : mémoire (Mio)",
            f"{low['peak']:.0f}",
            f"{high['peak']:.0f}",
            "plate (≤ +20 %)",
            high["peak"] <= low["peak"] * 1.2,
        )
    for key, label in (
        (("agreement", "PDF d'une convention"), ("deliberation", "PDF de 200 subventions"))
        if "pdf" in parts
        else ()
    ):
        if key not in pdfs:
            line(f"{label} (÷ WeasyPrint seul)", "", "erreur", "≤ 1,10", False)
            continue
        figure = pdfs[key]
        line(
            f"{label} (÷ WeasyPrint seul)",
            "",
            f"{figure['ratio']:.2f}",
            "≤ 1,10",
            figure["ratio"] <= 1.10,
        )
    if batch:
        line(
            f"Lot de {args.batch} conventions, 2 workers ÷ 1",
            f"{batch['one']:.0f} s",
            f"{batch['two']:.0f} s",
            "≥ 1,80",
            batch["speedup"] >= 1.8,
        )
        lines[-1] = (
            lines[-1]
            .replace(" PASS", f" {batch['speedup']:.2f} PASS")
            .replace(" FAIL", f" {batch['speedup']:.2f} FAIL")
        )
    for size in sizes:
        lines.append(
            f"Jeu de {size:,} subventions construit en {build_seconds[size]:.0f} s".replace(
                ",", " "
            )
        )
    if parts & {"pdf", "lot"}:
        lines.append(font_subsetting())
    lines.append(f"Durée totale du banc : {(time.perf_counter() - started) / 60:.1f} min")
    log("")
    log("\n".join(lines))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
