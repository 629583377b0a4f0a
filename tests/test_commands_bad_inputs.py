"""Every management command against bad inputs (issue 14, item 17): a missing file, a
folder, a wrong encoding, a NUL byte, an oversized cell, a bad date or number, a hostile
PDF. Each is one French line and a non-zero exit — a CommandError from call_command,
never another exception (which the command line would print as a traceback)."""

import csv
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.core import hostile_pdfs
from tests.pilotage.opendata_helpers import VALID_EXAMPLE

pytestmark = pytest.mark.django_db


def _header() -> str:
    return VALID_EXAMPLE.read_text(encoding="utf-8").splitlines()[0]


def _first_line() -> str:
    return VALID_EXAMPLE.read_text(encoding="utf-8").splitlines()[1]


def _example_with(column: str, value: str) -> bytes:
    rows = list(csv.reader(io.StringIO(VALID_EXAMPLE.read_text(encoding="utf-8"))))[:2]
    rows[1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


FILES = {
    "missing": None,
    "folder": "folder",
    "empty": b"",
    # In the beneficiary's name, which passes the SCDL checks (PostgreSQL refuses a NUL).
    "nul_byte": lambda: _example_with("nomBeneficiaire", "Association\x00 du quartier"),
    "cell_200_kb": lambda: (_header() + "\n" + "x" * 200_000 + _first_line() + "\n").encode(),
    "latin_1": lambda: (_header() + "\n" + _first_line() + ",é\n").encode("latin-1"),
    "binary": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
    "nested_pdf": hostile_pdfs.nested_pdf,
    "pdf_with_javascript": hostile_pdfs.javascript_pdf,
}


def _path(tmp_path, kind: str):
    path = tmp_path / f"entree-{kind}"
    content = FILES[kind]
    if content is None:
        return path
    if content == "folder":
        path.mkdir()
        return path
    path.write_bytes(content() if callable(content) else content)
    return path


def _refused(command: str, *args) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(refused.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("kind", list(FILES))
def test_import_scdl_refuses_a_bad_file_in_one_french_line(tmp_path, kind):
    _refused("import_scdl", str(_path(tmp_path, kind)))


@pytest.mark.parametrize("kind", list(FILES))
def test_verify_pdf_refuses_a_bad_file_in_one_french_line(tmp_path, kind):
    _refused("verify_pdf", str(_path(tmp_path, kind)))


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "binary", "nested_pdf"])
def test_sign_agreement_refuses_a_bad_certificate_file_in_one_french_line(
    tmp_path, kind, monkeypatch
):
    monkeypatch.setenv("P12_PASSWORD", "x")
    _refused(
        "sign_agreement",
        "CONV-0000-0000",
        "--p12",
        str(_path(tmp_path, kind)),
        "--password-env",
        "P12_PASSWORD",
    )


@pytest.mark.parametrize(
    "today", ["9999-12-31", "0001-01-01", "2021-02-30", "demain", "2021-1-1x", "١٢٣٤-٠١-٠١"]
)
def test_send_reminders_refuses_a_bad_or_implausible_day(today):
    _refused("send_reminders", "--today", today)


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "99999999999999999999"],
        ["--year", "0"],
        ["--year", "-1"],
        ["--year", "²"],
        ["--since", "9999-12-31"],
        ["--until", "0001-01-01"],
        ["--since", "2021-13-01"],
        ["--format", "xlsx"],
    ],
)
def test_export_scdl_refuses_a_bad_option_in_one_french_line(args):
    _refused("export_scdl", *args)


def test_render_commands_refuse_unknown_references():
    _refused("render_agreement", "CONV-9999-9999")
    _refused("render_deliberation", "99 Z 9999")
    _refused("render_deliberation", "\x00")


def test_send_reminders_far_in_the_future_as_a_process_is_one_line_and_exit_1():
    result = subprocess.run(
        [sys.executable, "manage.py", "send_reminders", "--today", "9999-12-31", "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_verify_pdf_refuses_a_file_past_the_limit_before_reading_it(tmp_path, monkeypatch):
    from core import files

    monkeypatch.setattr(files, "UPLOAD_MAX_BYTES", 1024)
    monkeypatch.setattr(files, "PDF_MAX_BYTES", 1024)
    path = tmp_path / "gros.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 4096)
    assert _refused("verify_pdf", str(path)).startswith("Le fichier fait 0,0 Mo")
