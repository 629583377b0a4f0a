"""Exports of the staff lists: what a user typed comes out as text, whatever it holds."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from core import exports

COLUMNS = [exports.Column("Nom", lambda row: row[0]), exports.Column("Montant", lambda row: row[1])]
ROWS = [
    ('=HYPERLINK("http://exemple.test";"clic")', Decimal("-5000")),
    ("Association\x0b du quartier", Decimal("1500.5")),
    ("@SOMME(A1:A2)", None),
]


def test_a_formula_typed_in_a_name_is_text_in_the_csv():
    response = exports.csv_response("liste", COLUMNS, ROWS)
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[1] == ['\'=HYPERLINK("http://exemple.test";"clic")', "-5000,00"]
    assert lines[3][0] == "'@SOMME(A1:A2)"


def test_the_xlsx_holds_text_as_text_and_leaves_out_what_a_worksheet_cannot_hold():
    response = exports.xlsx_response("liste", "Liste", COLUMNS, ROWS)
    sheet = load_workbook(io.BytesIO(response.content)).active
    first, second = sheet["A2"], sheet["A3"]
    assert (first.value, first.data_type) == ('=HYPERLINK("http://exemple.test";"clic")', "s")
    assert second.value == "Association du quartier"
    assert sheet["B2"].value == -5000 and sheet["B2"].data_type == "n"
