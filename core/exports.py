"""Export of a filtered list as CSV or XLSX, with the columns the list defines.

Memory stays flat whatever the row count: rows are read in chunks from a server-side
cursor (`table_rows`, `values_list` tuples rather than model instances), the CSV is a
streamed response, the XLSX is written in openpyxl's write-only mode to a temporary
file (a large one by a background task: subventions.exports).

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
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.formatting import decimal_comma, short_date
from core.streaming import read_ahead

CSV_SEPARATOR = ";"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# What a spreadsheet reads as the start of a formula (OWASP, « CSV injection »).
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


FORMULA_FIRST_CHARACTERS = "=+-@\t\r"


def spreadsheet_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: prefixed with an apostrophe
    when it starts as a formula would (the usual rule, which spreadsheets hide)."""
    # FORMULA_START, tested on the first character only: this runs for every exported cell.
    return "'" + text if text and text[0] in FORMULA_FIRST_CHARACTERS else text


def from_spreadsheet_text(text: str) -> str:
    """The reverse of `spreadsheet_text`: what was typed, without the added apostrophe."""
    if text.startswith("'") and FORMULA_START.match(text[1:]):
        return text[1:]
    return text


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and where its value comes from.

    `value` is a lookup (« beneficiary__legal_name ») or a query expression, read with
    `values_list` straight from the database cursor, no model built per row; or, for a
    list whose cells need related rows (a deliberation's subsidies), a function of the
    model instance. `convert` turns the value read into the cell's (a status's label).
    """

    header: str
    value: str | Callable[[object], object] | object
    convert: Callable[[object], object] | None = None

    @property
    def is_lookup(self) -> bool:
        return isinstance(self.value, str) or hasattr(self.value, "resolve_expression")

    def cell(self, instance) -> object:
        if isinstance(self.value, str):
            value = instance
            for name in self.value.split("__"):
                value = getattr(value, name) if value is not None else None
        else:
            value = self.value(instance)
        return self.convert(value) if self.convert else value


def labels(choices) -> Callable[[object], object]:
    """`convert` for a field with choices: the French label of the stored value."""
    mapping = dict(choices)
    return lambda value: mapping.get(value, value)


def table_rows(
    queryset, columns: Sequence[Column], *, chunk_size: int = 2000, ahead: bool = True
) -> Iterator[Sequence]:
    """The queryset's rows as lists of cell values, read `chunk_size` rows at a time from a
    server-side cursor (PostgreSQL), so that memory stays flat whatever the row count.

    Lookup columns only: one `values_list` query, tuples straight from the cursor, no
    model instance; with `ahead`, the next chunk fetched while this one is written
    (`read_ahead`: a caller that writes while it reads, as a job noting its progress,
    passes False, so that its writes commit as they come). Otherwise instances (with the
    queryset's prefetches, per chunk).
    """
    if all(column.is_lookup for column in columns):
        conversions = [
            (index, column.convert) for index, column in enumerate(columns) if column.convert
        ]
        values = queryset.values_list(*[column.value for column in columns])
        if ahead:
            tuples = read_ahead(values, chunk_size=chunk_size)
        else:
            tuples = values.iterator(chunk_size=chunk_size)
        for row in tuples:
            if conversions:
                row = list(row)
                for index, convert in conversions:
                    row[index] = convert(row[index])
            yield row
    else:
        for instance in queryset.iterator(chunk_size=chunk_size):
            yield [column.cell(instance) for column in columns]


def _csv_other(value) -> str:
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


def _csv_date(value: datetime.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"  # short_date, « 02/04/2021 »


# The text of a cell by the exact type of its value (one look-up per cell: a 100 000-row
# export has 1.5 million cells); any other type, a subclass included, goes through
# _csv_other, which gives the same texts.
_CSV_TEXT = {
    str: spreadsheet_text,
    int: lambda value: spreadsheet_text(str(value)),  # « -5 » would be a formula
    Decimal: lambda value: f"{value:.2f}".replace(".", ","),  # decimal_comma
    datetime.date: _csv_date,
    datetime.datetime: lambda value: _csv_date(value.date()),
    bool: lambda value: "oui" if value else "non",
    type(None): lambda value: "",
}


def _csv_text(value) -> str:
    return _CSV_TEXT.get(type(value), _csv_other)(value)


def _csv_row(row: Sequence) -> list[str]:
    text = _CSV_TEXT.get
    return [text(type(value), _csv_other)(value) for value in row]


# Rows written to the CSV between two chunks sent to the client.
CSV_FLUSH_ROWS = 500


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text in chunks of CSV_FLUSH_ROWS lines, the BOM and header first: the
    first chunk leaves before the next rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR)
    writer.writerow(list(headers))
    yield "\ufeff" + buffer.getvalue()  # the BOM: Excel reads UTF-8
    rows = iter(rows)
    while True:
        buffer.seek(0)
        buffer.truncate()
        # writerows runs the loop in C; the chunk is the only text kept.
        writer.writerows(map(_csv_row, itertools.islice(rows, CSV_FLUSH_ROWS)))
        chunk = buffer.getvalue()
        if not chunk:
            return
        yield chunk


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV download: memory flat, first bytes sent at once."""
    response = StreamingHttpResponse(
        csv_chunks(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["X-Accel-Buffering"] = "no"  # nginx passes the chunks on as they come
    return response


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
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
    return cell


# Rows between two progress reports of a background XLSX export.
XLSX_PROGRESS_EVERY = 1000


def xlsx_write(
    target,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the rows as an XLSX workbook into `target` (a binary file or a path), in
    openpyxl's write-only mode (rows go to a temporary file, not to memory). `progress`
    is called with the rows written so far every XLSX_PROGRESS_EVERY rows. Returns the
    number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        written += 1
        if progress and written % XLSX_PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(target)
    return written


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An XLSX download built in a temporary file, then streamed from it."""
    # Closed, hence removed, by the response once sent.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    xlsx_write(target, title, headers, rows)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )


def export_response(fmt: str, filename: str, title: str, columns: Sequence[Column], queryset):
    """The queryset's rows as a CSV or XLSX download; an unknown format is a 404."""
    if fmt not in FORMATS:
        raise Http404
    headers = [column.header for column in columns]
    rows = table_rows(queryset, columns)
    if fmt == "xlsx":
        return xlsx_response(filename, title, headers, rows)
    return csv_response(filename, headers, rows)
