"""The public open data page /donnees-ouvertes/ and its streamed SCDL downloads."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage import demo as subsidy_demo
from pilotage.opendata import scdl
from tests.pilotage.opendata_helpers import published_subsidy, schema_errors
from tests.subventions.factories import AuthorityFactory, BeneficiaryFactory

pytestmark = pytest.mark.django_db

PRIVATE = {
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
    "email": "tresoriere@asso-privee.example",
    "phone": "06 12 34 56 78",
    "notes": "Note interne confidentielle du service",
    "address": "17 rue des Secrets",
    "representative_name": "Hortense Privée",
}
REQUESTED = Decimal("41234.56")
PROJECTED_BUDGET = Decimal("987654.32")


def spellings(amount: Decimal) -> list[str]:
    """The ways a page or a file could write an amount: 41234.56, 41 234,56 €, …"""
    whole = f"{int(amount):,}"
    return [
        str(amount),
        str(int(amount)),
        *(whole.replace(",", separator) for separator in (" ", "\u00a0", "\u202f", ".")),
    ]


@pytest.fixture
def secret_file():
    """A published file whose beneficiary and amounts carry recognisable private values."""
    return published_subsidy(
        1,
        beneficiary=BeneficiaryFactory(**PRIVATE),
        amount_requested=REQUESTED,
        amount_awarded=Decimal("30000"),
        projected_budget=PROJECTED_BUDGET,
    )


def download(client, fmt: str) -> bytes:
    response = client.get(reverse("opendata:download", args=[fmt]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == scdl.CONTENT_TYPES[fmt]
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_page_says_what_is_published_and_when_without_login(client, demo, secret_file):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("2017-779", "SCDL « subventions » 2.1.1", "23\u00a0000\u00a0€", "trois mois"):
        assert text in page
    assert "Dernière mise à jour : convention signée le lundi 3 mai 2021" in page
    assert secret_file.agreement.number in page
    assert secret_file.beneficiary.legal_name in page
    assert reverse("opendata:download", args=["csv"]) in page
    assert reverse("opendata:download", args=["json"]) in page


def test_downloads_hold_exactly_the_scdl_columns(client, demo, secret_file):
    content = download(client, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == list(scdl.COLUMNS)
    assert all(len(row) == len(scdl.COLUMNS) for row in rows)
    assert schema_errors(content) == []

    records = json.loads(download(client, "json"))
    assert records
    assert all(list(record) == list(scdl.COLUMNS) for record in records)


def test_no_private_value_appears_on_any_public_page_or_file(client, demo, secret_file):
    apes = subsidy_demo.APES
    private = [
        *PRIVATE.values(),
        *(apes[key] for key in ("iban", "bic", "email", "phone", "representative_name")),
        apes["notes"][:40],
        apes["address"],
        *spellings(REQUESTED),
        *spellings(PROJECTED_BUDGET),
        *spellings(Decimal("753091")),  # the demo's projected budget
    ]
    documents = {
        "page": client.get(reverse("opendata:index")).content,
        "csv": download(client, "csv"),
        "json": download(client, "json"),
    }
    for name, content in documents.items():
        text = content.decode("utf-8")
        assert "30000.00" in text or "30\u00a0000" in text, name
        for value in private:
            assert value not in text, (name, value)


def test_an_invalid_row_is_left_out_of_the_public_file(client, secret_file):
    AuthorityFactory()
    published_subsidy(2, beneficiary=BeneficiaryFactory(siret="", rna=""))
    rows = list(csv.DictReader(io.StringIO(download(client, "csv").decode())))
    assert [row["idBeneficiaire"] for row in rows] == [secret_file.beneficiary.siret]


def test_unknown_format_is_not_found(client, secret_file):
    assert client.get(reverse("opendata:download", args=["xml"])).status_code == 404


def queries_to_stream(client, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        download(client, fmt)
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_downloads_cost_the_same_queries_for_5_and_50_rows(client, monkeypatch, fmt):
    # Small chunks, so that 50 rows span several of them.
    monkeypatch.setattr(scdl, "CHUNK_SIZE", 10)
    AuthorityFactory()
    for n in range(1, 6):
        published_subsidy(n)
    few = queries_to_stream(client, fmt)
    for n in range(6, 51):
        published_subsidy(n)
    assert queries_to_stream(client, fmt) == few
    # The authority, the rows (one query, read in chunks), the request's savepoint; on
    # PostgreSQL, the savepoint the rows are read in (core.streaming.read_ahead).
    assert few <= 6


def test_page_list_is_paginated_in_constant_queries(client, django_assert_max_num_queries):
    AuthorityFactory()
    for n in range(1, 56):
        published_subsidy(n)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("opendata:index"))
    assert "Conventions publiées (55)" in response.content.decode()
    assert "Page 1 sur 2" in response.content.decode()
