"""Formulas in every export (issue 14, item 6): a beneficiary named like a formula is text
in each staff list's CSV and XLSX and in the public SCDL files (page and export_scdl),
which still validate against the official schema; import_scdl takes the apostrophe off."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from subventions.models import Beneficiary
from tests.pilotage.opendata_helpers import VALID_EXAMPLE, published_subsidy, schema_errors
from tests.subventions.factories import AuthorityFactory, BeneficiaryFactory

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
]
STAFF_EXPORTS = [
    "subventions:subsidy_export",
    "subventions:beneficiary_export",
    "conventions:agreement_export",
    "deliberations:deliberation_export",
]


@pytest.fixture
def formula_names():
    AuthorityFactory()
    for n, name in enumerate(FORMULAS, start=1):
        published_subsidy(n, beneficiary=BeneficiaryFactory(legal_name=name))
    return FORMULAS


def _cells(rows) -> list[str]:
    return [str(cell) for row in rows for cell in row if cell is not None]


@pytest.mark.parametrize("export", STAFF_EXPORTS)
def test_each_staff_export_writes_formula_names_as_text(client, make_user, formula_names, export):
    client.force_login(make_user(is_superuser=True))
    response = client.get(reverse(export, args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    cells = _cells(rows[1:])
    for name in formula_names:
        assert any(cell.startswith("'" + name) for cell in cells), (export, name)
    offending = [c for c in cells if c and c[0] in "=+-@\t\r" and not _number(c)]
    assert offending == [], export

    response = client.get(reverse(export, args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    texts = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in texts), export
    for name in formula_names:
        found = [cell for cell in texts if str(cell.value).startswith(name)]
        assert found and all(cell.data_type == "s" for cell in found), (export, name)


def _number(cell: str) -> bool:
    """An amount the export writes itself (« -5000,00 »), not a typed text."""
    return cell.replace(",", "").replace("-", "").isdigit()


def _scdl_names(content: str, fmt: str) -> list[str]:
    if fmt == "json":
        return [row["nomBeneficiaire"] for row in json.loads(content)]
    return [row["nomBeneficiaire"] for row in csv.DictReader(io.StringIO(content))]


EXPECTED_SCDL_NAMES = {
    '\'=HYPERLINK("http://x","y")',
    "'+1",
    "'-1+1",
    "'@SUM(A1)",
    "TAB",  # a leading tab or carriage return is white space, taken off the one-line name
    "CR",
}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_public_scdl_files_neutralise_formulas_and_still_validate(client, formula_names, fmt):
    response = client.get(reverse("opendata:download", args=[fmt]))
    content = b"".join(response.streaming_content)
    assert set(_scdl_names(content.decode("utf-8"), fmt)) == EXPECTED_SCDL_NAMES
    assert schema_errors(content, fmt) == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_scdl_neutralises_formulas_as_the_page_does(formula_names, fmt):
    out = io.StringIO()
    call_command("export_scdl", "--format", fmt, stdout=out, stderr=io.StringIO())
    assert set(_scdl_names(out.getvalue(), fmt)) == EXPECTED_SCDL_NAMES
    assert schema_errors(out.getvalue().encode("utf-8"), fmt) == []


def _example_with(tmp_path, column: str, value: str):
    """The official valid example's first two lines, `column` of the data line set to
    `value`."""
    rows = list(csv.reader(io.StringIO(VALID_EXAMPLE.read_text(encoding="utf-8"))))[:2]
    rows[1][rows[0].index(column)] = value
    path = tmp_path / "import.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_import_scdl_takes_the_apostrophe_off(tmp_path):
    path = _example_with(tmp_path, "nomBeneficiaire", '\'=HYPERLINK("http://x","y")')
    call_command("import_scdl", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Beneficiary.objects.get().legal_name == '=HYPERLINK("http://x","y")'
