"""Exports of the staff lists: what a user typed comes out as text, whatever it holds; the
CSV streams, chunk by chunk, with memory flat whatever the row count."""

import csv
import io
import itertools
import tracemalloc
from decimal import Decimal

from openpyxl import load_workbook

from core import exports

HEADERS = ["Nom", "Montant"]
ROWS = [
    ('=HYPERLINK("http://exemple.test";"clic")', Decimal("-5000")),
    ("Association\x0b du quartier", Decimal("1500.5")),
    ("@SOMME(A1:A2)", None),
]


def test_a_formula_typed_in_a_name_is_text_in_the_csv():
    response = exports.csv_response("liste", HEADERS, ROWS)
    assert response.streaming
    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert lines[1] == ['\'=HYPERLINK("http://exemple.test";"clic")', "-5000,00"]
    assert lines[3][0] == "'@SOMME(A1:A2)"


def test_the_xlsx_holds_text_as_text_and_leaves_out_what_a_worksheet_cannot_hold():
    response = exports.xlsx_response("liste", "Liste", HEADERS, ROWS)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    first, second = sheet["A2"], sheet["A3"]
    assert (first.value, first.data_type) == ('=HYPERLINK("http://exemple.test";"clic")', "s")
    assert second.value == "Association du quartier"
    assert sheet["B2"].value == -5000 and sheet["B2"].data_type == "n"


def counted(total: int, read: list[int]):
    """`total` rows, counting in read[0] how many were taken."""
    for n in range(total):
        read[0] = n + 1
        yield (f"Association {n}", Decimal(n))


def test_the_first_csv_chunk_leaves_before_the_last_row_is_read():
    read = [0]
    chunks = exports.csv_chunks(HEADERS, counted(10_000, read))
    assert next(chunks) == "\ufeffNom;Montant\r\n"
    assert read[0] == 0  # the header goes out before any row is read
    second = next(chunks)
    assert read[0] == exports.CSV_FLUSH_ROWS
    assert second.startswith("Association 0;0,00\r\n")
    assert "Association 9999" not in second
    assert sum(1 for _ in chunks) == 10_000 // exports.CSV_FLUSH_ROWS - 1
    assert read[0] == 10_000


def _peak_bytes(total: int, consume) -> int:
    tracemalloc.start()
    try:
        consume(counted(total, [0]))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_csv_memory_stays_flat_from_5_000_to_50_000_rows():
    def consume(rows):
        for _ in exports.csv_chunks(HEADERS, rows):
            pass

    small, large = _peak_bytes(5_000, consume), _peak_bytes(50_000, consume)
    assert large < small * 1.5 + 64 * 1024, (small, large)


def test_the_xlsx_memory_stays_flat_from_2_000_to_20_000_rows(tmp_path):
    def consume(rows):
        exports.xlsx_write(tmp_path / "liste.xlsx", "Liste", HEADERS, rows)

    small, large = _peak_bytes(2_000, consume), _peak_bytes(20_000, consume)
    assert large < small * 1.5 + 256 * 1024, (small, large)


def test_xlsx_write_reports_its_progress(tmp_path):
    seen = []
    written = exports.xlsx_write(
        tmp_path / "l.xlsx", "Liste", HEADERS, counted(2_500, [0]), progress=seen.append
    )
    assert written == 2_500
    assert seen == [1_000, 2_000]
    sheet = load_workbook(tmp_path / "l.xlsx").active
    assert [cell.value for cell in next(itertools.islice(sheet.iter_rows(), 2500, None))] == [
        "Association 2499",
        2499,
    ]


def test_each_cell_type_is_written_as_before_the_fast_path():
    """The CSV writes a cell through a table keyed by its exact type: every type gives the
    text of the general rule (_csv_other), subclasses included."""
    import datetime

    from django.utils.safestring import SafeString

    values = [
        None,
        True,
        False,
        0,
        12,
        -5,
        Decimal("-5000"),
        Decimal("1500.5"),
        Decimal("0.005"),
        datetime.date(2021, 4, 2),
        datetime.datetime(2021, 4, 2, 23, 59),
        "",
        "Association",
        "-moins",
        "=SOMME(A1)",
        "\tTab",
        SafeString("@lien"),
    ]
    assert [exports._csv_text(value) for value in values] == [
        exports._csv_other(value) for value in values
    ]
    assert [exports._csv_text(value) for value in values[:12]] == [
        "",
        "oui",
        "non",
        "0",
        "12",
        "'-5",
        "-5000,00",
        "1500,50",
        "0,00",
        "02/04/2021",
        "02/04/2021",
        "",
    ]
    assert exports._csv_text(SafeString("@lien")) == "'@lien"
