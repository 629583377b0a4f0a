"""Export of a filtered list as CSV or XLSX, with the columns the list defines.

CSV: UTF-8 with a byte order mark and « ; » as separator, amounts with a decimal comma
and no thousands separator: what Excel set to French opens directly, in columns, with
accents and numbers right. XLSX: real numbers and dates, formatted in French.

Text typed by users is written as text, never as a formula: in CSV a value that a
spreadsheet would read as one (« =… », « +… », « -… », « @… ») is prefixed with an
apostrophe; in XLSX the cell is typed as text. Control characters a worksheet cannot
hold (a vertical tab pasted from a word processor) are left out of the XLSX cell.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.formatting import decimal_comma, short_date

CSV_SEPARATOR = ";"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# What a spreadsheet reads as the start of a formula (OWASP, « CSV injection »).
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def spreadsheet_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: prefixed with an apostrophe
    when it starts as a formula would (the usual rule, which spreadsheets hide)."""
    return f"'{text}" if FORMULA_START.match(text) else text


def from_spreadsheet_text(text: str) -> str:
    """The reverse of `spreadsheet_text`: what was typed, without the added apostrophe."""
    if text.startswith("'") and FORMULA_START.match(text[1:]):
        return text[1:]
    return text


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, datetime.datetime):
        return short_date(value.date())
    if isinstance(value, datetime.date):
        return short_date(value)
    return spreadsheet_text(str(value))


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response, delimiter=CSV_SEPARATOR)
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_text(column.value(row)) for column in columns])
    return response


def xlsx_response(filename: str, title: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column in columns:
            value = column.value(row)
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text as typed, never a formula
            elif isinstance(value, Decimal):
                cell.number_format = '#,##0.00\\ "€"'
            elif isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str, filename: str, title: str, columns, rows) -> HttpResponse:
    """The rows as a CSV or XLSX download; an unknown format is a 404."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "xlsx":
        return xlsx_response(filename, title, columns, rows)
    return csv_response(filename, columns, rows)
