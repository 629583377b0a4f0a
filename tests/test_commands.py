"""Every management command of the project: what is wrong is one French line, never a
traceback nor argparse's usage (core.management.base).

Argument errors through call_command (CommandError) and as real processes (stderr, exit
status); output files that cannot be written (missing folder, a folder as output) for the
four commands that write one, with nothing left behind.
"""

import errno
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.management.base import (
    FrenchCommand,
    atomic_output,
    cannot_write,
    french_argument_error,
    write_output,
)
from deliberations import rendering
from tests.conventions.factories import PDF
from tests.pilotage.opendata_helpers import published_subsidy
from tests.subventions.factories import AuthorityFactory

COMMANDS = {
    "subventions": ["send_reminders"],
    "deliberations": ["render_deliberation", "sign_extract", "export_actes", "import_ar_actes"],
    "conventions": [
        "create_demo_certificate",
        "render_agreement",
        "sign_agreement",
        "verify_pdf",
    ],
    "pilotage": ["export_scdl", "import_scdl", "load_demo", "export_scdl_deliberations"],
}
UNKNOWN = "Arguments non reconnus : --bogus"
P12_PASSWORD = "--p12, --password-env"
VERBOSITY = "Valeur invalide pour -v/--verbosity : « 9 » (choix possibles : 0, 1, 2, 3)"

# (command, arguments, the French line): for each command, a missing required argument
# (or, without one, a missing value) and an invalid choice or an unknown option.
ARGUMENT_ERRORS = [
    ("export_scdl", ["--bogus"], UNKNOWN),
    ("export_scdl", ["--output"], "Valeur manquante pour --output"),
    ("import_scdl", [], "Argument obligatoire manquant : file"),
    ("import_scdl", ["x.csv", "--verbosity", "9"], VERBOSITY),
    ("load_demo", ["--bogus"], UNKNOWN),
    ("load_demo", ["-v", "x"], "Valeur invalide pour -v/--verbosity : « x »"),
    ("send_reminders", ["--bogus"], UNKNOWN),
    ("send_reminders", ["--today"], "Valeur manquante pour --today"),
    ("create_demo_certificate", ["--bogus"], UNKNOWN),
    ("create_demo_certificate", ["x.p12"], "Arguments non reconnus : x.p12"),
    ("render_agreement", [], "Argument obligatoire manquant : reference"),
    ("render_agreement", ["CONV-2021-0001", "--bogus"], UNKNOWN),
    ("render_deliberation", [], "Argument obligatoire manquant : number"),
    (
        "render_deliberation",
        ["21 B 0110", "--format", "doc"],
        "Valeur invalide pour --format : « doc » (choix possibles : txt, html, pdf)",
    ),
    ("sign_agreement", [], f"Arguments obligatoires manquants : reference, {P12_PASSWORD}"),
    (
        "sign_agreement",
        ["CONV-2021-0001"],
        f"Arguments obligatoires manquants : {P12_PASSWORD}",
    ),
    ("verify_pdf", [], "Argument obligatoire manquant : file"),
    ("verify_pdf", ["a.pdf", "--verbosity", "9"], VERBOSITY),
    # Issue 11 (h7): the register extract, the @CTES exchange, SCDL « Délibérations ».
    ("sign_extract", [], f"Arguments obligatoires manquants : number, {P12_PASSWORD}"),
    ("export_actes", [], "Argument obligatoire manquant : number"),
    ("export_actes", ["21 B 0110", "--bogus"], UNKNOWN),
    ("import_ar_actes", [], "Argument obligatoire manquant : file"),
    ("export_scdl_deliberations", ["--bogus"], UNKNOWN),
    ("export_scdl_deliberations", ["--output"], "Valeur manquante pour --output"),
]


def run(*args: str) -> subprocess.CompletedProcess:
    """python manage.py ARGS as a process, on the test settings (and database, if given)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "metropole.settings.test"}
    env.pop("DJANGO_COLORS", None)
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def assert_one_french_line(result: subprocess.CompletedProcess, expected: str):
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"{expected}\n"
    assert "Traceback" not in result.stderr and "usage" not in result.stderr
    assert result.stdout == ""


# Arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(("app", "name"), [(a, n) for a, names in COMMANDS.items() for n in names])
def test_every_command_is_a_french_command(app, name):
    module = importlib.import_module(f"{app}.management.commands.{name}")
    assert issubclass(module.Command, FrenchCommand)


def test_the_list_above_is_every_command_of_the_project():
    for app, names in COMMANDS.items():
        folder = Path(settings.BASE_DIR) / app / "management" / "commands"
        found = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
        assert found == sorted(names)


@pytest.mark.parametrize(("command", "args", "expected"), ARGUMENT_ERRORS)
def test_argument_errors_are_one_french_line_from_call_command(command, args, expected):
    with pytest.raises(CommandError) as raised:
        call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value) == expected
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render_deliberation"], "Argument obligatoire manquant : number"),
        (
            ["render_deliberation", "21 B 0110", "--format", "doc"],
            "Valeur invalide pour --format : « doc » (choix possibles : txt, html, pdf)",
        ),
        (["send_reminders", "--bogus"], UNKNOWN),
        (
            ["sign_agreement", "CONV-2021-0001"],
            f"Arguments obligatoires manquants : {P12_PASSWORD}",
        ),
    ],
)
def test_argument_errors_from_the_command_line(args, expected):
    assert_one_french_line(run(*args), expected)


def test_help_still_works():
    result = run("render_deliberation", "--help")
    assert result.returncode == 0, result.stderr
    assert "--format {txt,html,pdf}" in result.stdout
    assert "Produit le texte d'une délibération" in result.stdout


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("the following arguments are required: number", "Argument obligatoire manquant : number"),
        # Python 3.12.8 and later no longer quote the choices.
        (
            "argument --format: invalid choice: 'doc' (choose from txt, html, pdf)",
            "Valeur invalide pour --format : « doc » (choix possibles : txt, html, pdf)",
        ),
        ("argument --year: invalid int value: 'deux'", "Valeur invalide pour --year : « deux »"),
        (
            "ambiguous option: --p could match --p12, --password-env",
            "Option ambiguë : --p (possibilités : --p12, --password-env)",
        ),
        (
            "argument --a: not allowed with argument --b",
            "Arguments invalides : argument --a: not allowed with argument --b",
        ),
    ],
)
def test_argparse_messages_in_french(message, expected):
    assert french_argument_error(message) == expected


# Output files ----------------------------------------------------------------------------


@pytest.fixture
def published(db, monkeypatch):
    """Deliberation « 21 B 0001 » (its PDF a test double) and agreement CONV-TEST-0001."""
    monkeypatch.setattr(rendering, "build_pdf", lambda deliberation, body_html: PDF)
    AuthorityFactory()
    return published_subsidy(1)


@pytest.fixture
def folder(tmp_path):
    """An empty folder holding the output, alone in its own: nothing may be left in either."""
    path = tmp_path / "work" / "out"
    path.mkdir(parents=True)
    return path


def write(command: str, *args: str, output: Path):
    call_command(
        command, *args, "--output", str(output), stdout=io.StringIO(), stderr=io.StringIO()
    )


WRITERS = {
    "render_deliberation (pdf)": ("render_deliberation", ["21 B 0001", "--format", "pdf"]),
    "render_deliberation (txt)": ("render_deliberation", ["21 B 0001"]),
    "render_agreement": ("render_agreement", ["CONV-TEST-0001"]),
    "create_demo_certificate": ("create_demo_certificate", []),
    "export_scdl": ("export_scdl", ["--format", "csv"]),
    "export_scdl_deliberations": ("export_scdl_deliberations", []),
}


@pytest.fixture(params=list(WRITERS))
def writer(request, published, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    return WRITERS[request.param]


def test_an_output_in_a_missing_folder_is_one_french_line(writer, folder):
    command, args = writer
    target = folder / "missing" / "x.out"
    with pytest.raises(CommandError) as raised:
        write(command, *args, output=target)
    assert str(raised.value) == f"Impossible d'écrire « {target} » : dossier inexistant."
    assert list(folder.iterdir()) == []


def test_a_folder_as_output_is_one_french_line(writer, folder):
    command, args = writer
    with pytest.raises(CommandError) as raised:
        write(command, *args, output=folder)
    assert str(raised.value) == f"Impossible d'écrire « {folder} » : c'est un dossier."
    assert list(folder.iterdir()) == []
    assert list(folder.parent.iterdir()) == [folder]  # nothing beside it either


def test_an_output_replaces_the_file_and_leaves_nothing_else(writer, folder):
    command, args = writer
    target = folder / "x.out"
    target.write_bytes(b"old")
    write(command, *args, output=target)
    assert target.read_bytes() != b"old"
    assert list(folder.iterdir()) == [target]


def test_outputs_are_what_the_commands_wrote_before(published, folder):
    pdf, text = folder / "d.pdf", folder / "d.txt"
    write("render_deliberation", "21 B 0001", "--format", "pdf", output=pdf)
    write("render_deliberation", "21 B 0001", output=text)
    assert pdf.read_bytes() == PDF
    # The number stays on one line: no-break spaces (DESIGN §8).
    assert "21\u00a0B\u00a00001" in text.read_text(encoding="utf-8")
    assert (pdf.stat().st_mode & 0o777) == 0o666 & ~current_umask()


def test_the_demo_certificate_is_readable_by_its_owner_only(published, folder, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    target = folder / "demo.p12"
    write("create_demo_certificate", output=target)
    assert (target.stat().st_mode & 0o777) == 0o600


# The helper ------------------------------------------------------------------------------


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission refusée"),
        (OSError(errno.ENOSPC, "No space left on device"), "espace disque insuffisant"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_cannot_write_says_why_in_french(error, reason):
    assert cannot_write("x.pdf", error) == f"Impossible d'écrire « x.pdf » : {reason}."


def test_an_error_in_the_block_leaves_the_target_untouched(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(CommandError, match="invalide"), atomic_output(target, "w") as file:
        file.write("new")
        raise CommandError("Ligne invalide.")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_an_os_error_while_writing_is_one_french_line(tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as raised, atomic_output(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(raised.value) == f"Impossible d'écrire « {target} » : espace disque insuffisant."
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_is_written_through(tmp_path):
    real, link = tmp_path / "real.pdf", tmp_path / "link.pdf"
    real.write_bytes(b"old")
    link.symlink_to(real)
    write_output(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
