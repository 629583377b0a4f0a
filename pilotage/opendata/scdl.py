"""The SCDL « subventions » 2.1.1 format: its columns, one row per file, the row checks.

The columns are copied from `shared/reference/scdl-subventions-2.1.1.schema.json` (a test
checks they are its fields, in order) because the application runs without that folder.
The checks are the schema's constraints and its two custom checks (a SIRET passes its
Luhn key; one of idBeneficiaire / rnaBeneficiaire is given): the export runs them before
writing anything, the import on every line it reads.

Rows are built from `values()` dictionaries read with `.iterator(chunk_size=…)`, never
from a list of every file: memory stays flat whatever the number of rows.
"""

import csv
import datetime
import functools
import io
import itertools
import json
import logging
import operator
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.db.models import Case, DateField, Exists, F, Max, Min, OuterRef, Q, Subquery, When

from core.exports import spreadsheet_text
from core.text import strip_control_characters
from deliberations.enums import DeliberationStatus
from deliberations.models import DeliberationSubsidy
from subventions.enums import VOTED_STATUSES
from subventions.models import Authority, Payment, PaymentInstalment, Subsidy

logger = logging.getLogger(__name__)

VERSION = "2.1.1"
SCHEMA_NAME = "scdl-subventions"
COLUMNS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
REQUIRED = frozenset(
    {
        "nomAttribuant",
        "idAttribuant",
        "dateConvention",
        "nomBeneficiaire",
        "objet",
        "montant",
        "nature",
        "conditionsVersement",
        "datesPeriodeVersement",
        "notificationUE",
        "pourcentageSubvention",
    }
)
NATURES = (
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)
_REQUIRED_IN_ORDER = tuple(column for column in COLUMNS if column in REQUIRED)
BOOLEANS = {"oui": True, "non": False}
OBJECT_MAX_LENGTH = 256
CONDITIONS_MAX_LENGTH = 256
RAE_MAX_LENGTH = 5
SIRET_PATTERN = re.compile(r"^\d{14}$")
RNA_PATTERN = re.compile(r"^W\d{9}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD_PATTERN = re.compile(r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$")
# A Table Schema number with the decimal point (no comma, no thousands separator).
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
SHARE_ONE_BENEFICIARY = "1.00"
# Rows read from the database per round trip (one query per chunk, whatever the rows).
CHUNK_SIZE = 2000

MISSING = "{column} : valeur obligatoire absente."
NOT_SIRET = "{column} : « {value} » n'est pas un SIRET valide (14 chiffres, clé de Luhn)."
NOT_RNA = "rnaBeneficiaire : « {value} » n'est pas un numéro RNA (W suivi de 9 chiffres)."
NO_IDENTIFIER = "idBeneficiaire / rnaBeneficiaire : ni SIRET ni numéro RNA du bénéficiaire."
NOT_DATE = "{column} : « {value} » n'est pas une date AAAA-MM-JJ."
NOT_NUMBER = "{column} : « {value} » n'est pas un nombre à point décimal (ex. 35000.50)."
TOO_LONG = "{column} : {length} caractères, {limit} au plus."
NOT_NATURE = "nature : « {value} » n'est pas une valeur permise (" + " ; ".join(NATURES) + ")."
NOT_PERIOD = (
    "datesPeriodeVersement : « {value} » n'est ni une date AAAA-MM-JJ ni une période "
    "AAAA-MM-JJ/AAAA-MM-JJ."
)
NOT_BOOLEAN = "notificationUE : « {value} » au lieu de « oui » ou « non »."
SHARE_OUT_OF_RANGE = "pourcentageSubvention : {value} hors de l'intervalle 0.01 à 1."

# Checks


# A digit in an even position from the right counts doubled, its two digits added: 7 → 14
# → 5. Always one digit again, so a translation table turns those digits into what they
# count for, and the key is then a plain sum of bytes (no Python loop per digit).
_DOUBLED = str.maketrans("0123456789", "0246813579")
# La Poste's establishments: no Luhn key, the sum of the digits is a multiple of 5 instead
# (all but the head office, as stdnum's french SIRET rule).
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def _digit_sum(digits: str) -> int:
    return sum(digits.encode()) - 48 * len(digits)


def _luhn(digits: str) -> bool:
    backwards = digits[::-1]
    return (_digit_sum(backwards[::2]) + _digit_sum(backwards[1::2].translate(_DOUBLED))) % 10 == 0


@functools.lru_cache(maxsize=4096)  # the authority's, on every row; bounded memory
def is_siret(value: str) -> bool:
    """14 digits passing the Luhn key, as the schema's french-siret-value check (python-
    stdnum's rule, La Poste included). Run on every exported row twice: written here as
    plain arithmetic, 50 times faster than stdnum's validation (tests compare the two)."""
    if not (value.isascii() and SIRET_PATTERN.match(value)):
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        valid = _digit_sum(value) % 5 == 0
    else:
        valid = _luhn(value)
    return valid and _luhn(value[:9])


@functools.lru_cache(maxsize=4096)  # a few hundred signature dates over every row
def _is_date(value: str) -> bool:
    if not DATE_PATTERN.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_number(value: str) -> Decimal | None:
    """The number a cell holds (point decimal), or None when it holds none."""
    if not NUMBER_PATTERN.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def row_errors(row: dict[str, str]) -> list[str]:
    """Why a row (column → text) is not valid SCDL 2.1.1, in French; [] when it is.

    The schema's constraints, then its custom checks. Columns absent from `row` count as
    empty cells.
    """
    cell = {column: (row.get(column) or "").strip() for column in COLUMNS}
    errors = [MISSING.format(column=column) for column in _REQUIRED_IN_ORDER if not cell[column]]

    for column in ("idAttribuant", "idBeneficiaire"):
        if cell[column] and not is_siret(cell[column]):
            errors.append(NOT_SIRET.format(column=column, value=cell[column]))
    if cell["rnaBeneficiaire"] and not RNA_PATTERN.match(cell["rnaBeneficiaire"]):
        errors.append(NOT_RNA.format(value=cell["rnaBeneficiaire"]))
    if not cell["idBeneficiaire"] and not cell["rnaBeneficiaire"]:
        errors.append(NO_IDENTIFIER)

    if cell["dateConvention"] and not _is_date(cell["dateConvention"]):
        errors.append(NOT_DATE.format(column="dateConvention", value=cell["dateConvention"]))
    for column, limit in (
        ("objet", OBJECT_MAX_LENGTH),
        ("conditionsVersement", CONDITIONS_MAX_LENGTH),
        ("idRAE", RAE_MAX_LENGTH),
    ):
        if len(cell[column]) > limit:
            errors.append(TOO_LONG.format(column=column, length=len(cell[column]), limit=limit))
    if cell["montant"] and parse_number(cell["montant"]) is None:
        errors.append(NOT_NUMBER.format(column="montant", value=cell["montant"]))
    if cell["nature"] and cell["nature"] not in NATURES:
        errors.append(NOT_NATURE.format(value=cell["nature"]))
    period = cell["datesPeriodeVersement"]
    if period and not PERIOD_PATTERN.match(period):
        errors.append(NOT_PERIOD.format(value=period))
    if cell["notificationUE"] and cell["notificationUE"] not in BOOLEANS:
        errors.append(NOT_BOOLEAN.format(value=cell["notificationUE"]))
    share = cell["pourcentageSubvention"]
    if share and share != SHARE_ONE_BENEFICIARY:  # what the export writes: valid
        number = parse_number(share)
        if number is None:
            errors.append(NOT_NUMBER.format(column="pourcentageSubvention", value=share))
        elif not Decimal("0.01") <= number <= 1:
            errors.append(SHARE_OUT_OF_RANGE.format(value=share))
    return errors


# Values


def cut_object(text: str, limit: int = OBJECT_MAX_LENGTH) -> str:
    """The object on one line, at most `limit` characters, cut after a whole word with « … »."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]  # room for the ellipsis
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


def amount_text(amount: Decimal | None) -> str:
    """35000 → « 35000.00 »: point decimal, no thousands separator."""
    return "" if amount is None else f"{amount:.2f}"


def period_text(first: datetime.date | None, last: datetime.date | None) -> str:
    """« 2021-05-03 » for one day, « 2021-05-03/2021-11-15 » for a period, « » for none."""
    if first is None:
        return ""
    if last is None or last == first:
        return first.isoformat()
    return f"{first.isoformat()}/{last.isoformat()}"


def payment_period(record: dict) -> str:
    """When the subsidy is (to be) paid: its payments, else its dated instalments, else the
    agreement's period, else its financial year."""
    for first, last in (
        (record["first_payment"], record["last_payment"]),
        (record["first_due"], record["last_due"]),
        (record["agreement__start_date"], record["agreement__end_date"]),
    ):
        if first is not None:
            return period_text(first, last)
    year = record["year"]
    return period_text(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _object_text(purpose: str) -> str:
    """The object cut to 256 characters, the apostrophe of a formula-like start included."""
    text = cut_object(strip_control_characters(purpose))
    if spreadsheet_text(text) != text:
        text = spreadsheet_text(cut_object(text, OBJECT_MAX_LENGTH - 1))
    return text


@functools.lru_cache(maxsize=4096)  # payment terms, decision numbers: the same on many rows
def _text(value: str) -> str:
    """A free text on one line, without control characters, never read as a formula."""
    return spreadsheet_text(" ".join(strip_control_characters(value).split()))


def build_row(record: dict, authority: Authority) -> dict[str, str]:
    """The SCDL row (column → text) of one subsidy read by `publishable().values(*FIELDS)`.

    The free texts (names, object, decision, terms) never start as a formula: a leading
    « = + - @ » gets an apostrophe, in the CSV and in the JSON alike (one row, two
    formats); `import_scdl` takes it off again.
    """
    convention_date = record["convention_date"]
    return {
        "nomAttribuant": _text(authority.name),
        "idAttribuant": authority.siret,
        "dateConvention": convention_date.isoformat() if convention_date else "",
        "referenceDecision": _text(record["decision_number"] or ""),
        "nomBeneficiaire": _text(record["beneficiary__legal_name"]),
        "idBeneficiaire": record["beneficiary__siret"],
        "rnaBeneficiaire": record["beneficiary__rna"],
        "objet": _object_text(record["purpose"]),
        "montant": amount_text(record["amount_awarded"]),
        "nature": record["nature"],
        "conditionsVersement": _text(record["payment_terms"]),
        "datesPeriodeVersement": payment_period(record),
        "idRAE": "",
        "notificationUE": "oui" if record["eu_notification"] else "non",
        "pourcentageSubvention": SHARE_ONE_BENEFICIARY,
        "dispositifAide": "",
    }


# Which files are published


def _granting_links():
    """The adopted deliberations granting the outer subsidy, the earliest session first."""

    return DeliberationSubsidy.objects.filter(
        subsidy_id=OuterRef("pk"), deliberation__status=DeliberationStatus.ADOPTED
    ).order_by("deliberation__session__date", "deliberation_id")


def _dates(model, field: str, aggregate):
    """MIN/MAX(field) of the outer subsidy's rows of `model`, as a correlated subquery."""
    rows = model.objects.filter(subsidy_id=OuterRef("pk"), **{f"{field}__isnull": False})
    rows = rows.order_by().values("subsidy_id").annotate(value=aggregate(field)).values("value")
    return Subquery(rows, output_field=DateField())


SIGNED_BY_BOTH = Q(
    agreement__authority_signed_on__isnull=False,
    agreement__beneficiary_signed_on__isnull=False,
)
FIELDS = (
    "pk",
    "reference",
    "year",
    "purpose",
    "amount_awarded",
    "nature",
    "payment_terms",
    "eu_notification",
    "beneficiary__legal_name",
    "beneficiary__siret",
    "beneficiary__rna",
    "agreement__number",
    "agreement__start_date",
    "agreement__end_date",
    "convention_date",
    "decision_number",
    "first_payment",
    "last_payment",
    "first_due",
    "last_due",
)


def publishable(
    *,
    include_unsigned: bool = False,
    year: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
):
    """The subsidies published in SCDL, annotated with what their row needs (see FIELDS).

    Those whose agreement both parties signed (dated by the authority's signature); with
    `include_unsigned`, also every subsidy voted by an adopted deliberation without such an
    agreement (dated by the session that voted it). `since` / `until` bound that date.
    One query, whatever the number of rows.
    """
    links = _granting_links()
    subsidies = Subsidy.objects.annotate(
        convention_date=Case(
            When(SIGNED_BY_BOTH, then=F("agreement__authority_signed_on")),
            default=Subquery(links.values("deliberation__session__date")[:1]),
            output_field=DateField(),
        ),
        decision_number=Subquery(links.values("deliberation__number")[:1]),
        first_payment=_dates(Payment, "date", Min),
        last_payment=_dates(Payment, "date", Max),
        first_due=_dates(PaymentInstalment, "due_date", Min),
        last_due=_dates(PaymentInstalment, "due_date", Max),
    )
    if include_unsigned:
        voted = Q(Exists(links), status__in=VOTED_STATUSES)
        subsidies = subsidies.filter(SIGNED_BY_BOTH | voted)
    else:
        subsidies = subsidies.filter(SIGNED_BY_BOTH)
    if year is not None:
        subsidies = subsidies.filter(year=year)
    if since is not None:
        subsidies = subsidies.filter(convention_date__gte=since)
    if until is not None:
        subsidies = subsidies.filter(convention_date__lte=until)
    return subsidies.order_by("convention_date", "reference")


def records(subsidies) -> Iterator[dict]:
    """The `values()` of `publishable()` rows, read CHUNK_SIZE at a time (as tuples, made
    dictionaries here: faster than Django's `values()` row by row)."""
    for row in subsidies.values_list(*FIELDS).iterator(chunk_size=CHUNK_SIZE):
        yield dict(zip(FIELDS, row, strict=True))


def checked_rows(subsidies, authority: Authority) -> Iterator[tuple[str, dict, list[str]]]:
    """(subsidy reference, SCDL row, its errors) for each subsidy, streamed."""
    for record in records(subsidies):
        row = build_row(record, authority)
        yield record["reference"], row, row_errors(row)


def valid_rows(subsidies, authority: Authority) -> Iterator[dict[str, str]]:
    """The valid rows only; an invalid one is logged with its reason and left out."""
    for reference, row, errors in checked_rows(subsidies, authority):
        if errors:
            logger.warning("SCDL : %s écartée : %s", reference, " ".join(errors))
            continue
        yield row


# Writing, streamed


class _Echo:
    """A file-like object whose write() hands the text back (csv.writer → generator)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """CSV as in the official example: UTF-8 text, comma, minimal quoting, « \\n »."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([row[column] for column in COLUMNS])


# Rows written between two chunks of a streamed SCDL file.
CHUNK_ROWS = 500
_CELLS = operator.itemgetter(*COLUMNS)


def csv_chunks(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """`csv_lines` joined CHUNK_ROWS rows at a time, the same text: the csv module writes
    each chunk in one call (no Python loop per row), the header in the first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = iter(rows)
    while True:
        writer.writerows(map(_CELLS, itertools.islice(rows, CHUNK_ROWS)))
        chunk = buffer.getvalue()
        if not chunk:
            return
        yield chunk
        buffer.seek(0)
        buffer.truncate()


def json_chunks(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """A JSON array of objects (column → text, the CSV's values), one object a line."""
    separator = "[\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


FORMATS = {"csv": csv_lines, "json": json_chunks}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def stream(fmt: str, rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The file in `fmt` (a key of FORMATS) as chunks of about CHUNK_ROWS rows each."""
    if fmt == "csv":
        return csv_chunks(rows)
    return batched(FORMATS[fmt](rows), CHUNK_ROWS)


def batched(chunks: Iterable[str], size: int = 500) -> Iterator[str]:
    """Join `size` small pieces into one, so that a stream is not one write per row."""
    buffer = []
    for chunk in chunks:
        buffer.append(chunk)
        if len(buffer) >= size:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)
