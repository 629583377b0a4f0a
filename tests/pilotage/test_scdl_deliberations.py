"""SCDL « Délibérations »: the demo's published acts, exported by the command and by the
open-data page, validate with zero errors against the table schema (frictionless)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from frictionless import Resource, Schema

from deliberations.models import Deliberation
from pilotage.opendata import deliberations as scdl_deliberations

pytestmark = pytest.mark.django_db

ORDER = (
    "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,"
    "BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,"
    "VOTE_ABSTENTION,DELIB_URL"
)


def frictionless_errors(content: bytes) -> list[str]:
    schema = Schema.from_descriptor(scdl_deliberations.SCHEMA)
    report = Resource(data=content, format="csv", encoding="utf-8", schema=schema).validate()
    return [error.message for task in report.tasks for error in task.errors]


def test_the_demo_export_validates_with_zero_errors(demo, tmp_path, client):
    output = tmp_path / "deliberations.csv"
    err = io.StringIO()
    call_command(
        "export_scdl_deliberations",
        output=str(output),
        base_url="https://subventions.exemple.fr",
        stderr=err,
    )
    content = output.read_bytes()
    assert frictionless_errors(content) == []
    assert content.decode().splitlines()[0] == ORDER
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    row = next(r for r in rows if r["DELIB_ID"] == "21 B 0110")
    assert row["COLL_SIRET"] == "20009320100016"
    assert row["DELIB_DATE"] == "2021-04-02"
    assert (row["DELIB_MATIERE_CODE"], row["DELIB_MATIERE_NOM"]) == (
        "7.5",
        "Finances locales/Subventions",
    )
    assert row["BUDGET_ANNEE"] == "2021"
    assert (row["PREF_ID"], row["PREF_DATE"]) == ("059-200093201-20210402-21B0110-DE", "2021-04-02")
    # Unanimous: every voter for, nobody against.
    assert row["VOTE_POUR"] == row["VOTE_REEL"] != ""
    assert int(row["VOTE_REEL"]) <= int(row["VOTE_EFFECTIF"])
    assert (row["VOTE_CONTRE"], row["VOTE_ABSTENTION"]) == ("0", "0")
    assert row["DELIB_URL"] == "https://subventions.exemple.fr/actes/21B0110/"
    # Each act in the name of its session's authority: the commune's act is the commune's.
    commune = next(r for r in rows if r["DELIB_ID"] == "25 C 0001")
    assert (commune["COLL_NOM"], commune["COLL_SIRET"]) == (
        "Ville de Beaurivage",
        "21599990500015",
    )
    assert err.getvalue().strip().endswith("délibérations écrites : " + str(output))
    assert (
        client.get(row["DELIB_URL"].removeprefix("https://subventions.exemple.fr")).status_code
        == 200
    )

    # The open-data page links the same file, built for its own address.
    page = client.get(reverse("opendata:index"))
    url = reverse("opendata:download_deliberations")
    assert url in page.content.decode()
    download = b"".join(client.get(url).streaming_content)
    assert frictionless_errors(download) == []
    assert b"21 B 0110" in download and b"http://testserver/actes/21B0110/" in download


def test_the_checks_are_the_schema_s_and_an_invalid_row_writes_nothing(demo, tmp_path):
    Deliberation.objects.filter(number="21 B 0110").update(classification=None)
    output = tmp_path / "deliberations.csv"
    err = io.StringIO()
    with pytest.raises(CommandError, match="^1 ligne invalide : rien n'a été écrit"):
        call_command("export_scdl_deliberations", output=str(output), stderr=err)
    assert "21 B 0110 : DELIB_MATIERE_CODE est obligatoire." in err.getvalue()
    assert not output.exists()
