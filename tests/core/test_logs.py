"""Structured logs: with SUBVENTIONS_LOG_FORMAT=json every log line is one JSON object,
whatever the record carries (Django's request logger adds the request itself)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

EMIT = """
import logging
from django.test import RequestFactory
request = RequestFactory().get("/dossiers/?q=apes")
logging.getLogger("django.request").warning(
    "Forbidden (Permission denied): %s",
    request.path,
    extra={"status_code": 403, "request": request},
)
logging.getLogger("subventions").info("Montant : 30 000,00 €")
"""


def run_with(log_format: str) -> str:
    env = {**os.environ, "SUBVENTIONS_LOG_FORMAT": log_format}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EMIT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stderr


def test_each_json_log_line_is_a_json_object():
    lines = [line for line in run_with("json").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises if a line is not JSON
    forbidden = next(r for r in records if r["logger"] == "django.request")
    assert forbidden["level"] == "WARNING"
    assert forbidden["message"] == "Forbidden (Permission denied): /dossiers/"
    assert forbidden["status_code"] == 403
    assert forbidden["request"] == "GET /dossiers/?q=apes"
    assert "time" in forbidden
    amount = next(r for r in records if r["logger"] == "subventions")
    assert amount["message"] == "Montant : 30 000,00 €"


def test_plain_text_stays_the_default():
    output = run_with("text")
    assert "WARNING django.request Forbidden (Permission denied): /dossiers/" in output
    assert not output.lstrip().startswith("{")
