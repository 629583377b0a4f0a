"""The staff exports stream: rows read from the cursor as tuples (no model per row), the
first chunk sent before the last row is read, the same queries for 3 rows as for 12."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import exports
from subventions.enums import Role
from subventions.models import Subsidy
from tests.subventions.factories import BudgetLineFactory, SubsidyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.READER))
    return client


def test_the_subsidy_csv_streams_before_the_last_row_is_read(reader, monkeypatch):
    monkeypatch.setattr(exports, "CSV_FLUSH_ROWS", 2)
    subsidies = SubsidyFactory.create_batch(5, year=2021)

    def no_instance(*args, **kwargs):
        raise AssertionError("a model instance was built for an exported row")

    monkeypatch.setattr(Subsidy, "from_db", no_instance)
    response = reader.get(reverse("subventions:subsidy_export", args=["csv"]))
    assert response.status_code == 200 and response.streaming
    chunks = iter(response.streaming_content)
    header, first_rows = next(chunks), next(chunks)
    assert header.decode("utf-8-sig").startswith("Référence;Exercice;Bénéficiaire")
    assert first_rows.decode().count("\r\n") == 2
    last = sorted(s.reference for s in subsidies)[-1]  # the list's order: year, reference
    assert last not in first_rows.decode()
    rest = b"".join(chunks).decode()
    assert last in rest


def test_the_export_cells_match_the_list(reader):
    line = BudgetLineFactory(year=2021, chapter="65", article="6574", label="Associations")
    SubsidyFactory(year=2021, budget_line=line, title="=1+1")
    response = reader.get(reverse("subventions:subsidy_export", args=["csv"]))
    header, row = csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";")
    cells = dict(zip(header, row, strict=True))
    assert cells["Ligne de crédits"] == "2021 — 65/6574 Associations"
    assert cells["Statut"] == "Brouillon"
    assert cells["Intitulé"] == "'=1+1"


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "export",
    [
        "subventions:subsidy_export",
        "subventions:beneficiary_export",
        "conventions:agreement_export",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_runs_the_same_queries_for_3_rows_as_for_12(reader, export, fmt):
    url = reverse(export, args=[fmt])
    SubsidyFactory.create_batch(3)
    few = _export_queries(reader, url)
    SubsidyFactory.create_batch(9)
    assert _export_queries(reader, url) == few


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("bad", [{"year": "deux-mille"}, {"amount_min": "beaucoup"}])
def test_an_export_with_a_bad_filter_is_refused_with_the_list_and_its_errors(reader, bad, fmt):
    SubsidyFactory()
    response = reader.get(reverse("subventions:subsidy_export", args=[fmt]), bad)
    assert response.status_code == 400
    assert not response.streaming
    html = response.content.decode()
    assert "Export non réalisé" in html
    assert response.context["filter"].errors


def test_an_unknown_export_format_is_not_found(reader):
    response = reader.get(reverse("subventions:subsidy_export", args=["ods"]), {"year": "x"})
    assert response.status_code == 404
