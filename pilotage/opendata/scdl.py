"""The SCDL « subventions » 2.1.1 format: its columns, one row per file, the row checks.

The columns are copied from `shared/reference/scdl-subventions-2.1.1.schema.json` (a test
checks they are its fields, in order) because the application runs without that folder.
The checks are the schema's constraints and its two custom checks (a SIRET passes its
Luhn key; one of idBeneficiaire / rnaBeneficiaire is given): the export runs them before
writing anything, the import on every line it reads.

A row is a tuple of its cells in the order of COLUMNS, built from a `values_list()` tuple
read CHUNK_SIZE at a time (`records`, through `core.streaming.read_ahead`), never from a
list of every file: memory stays flat whatever the number of rows.
"""

import csv
import datetime
import functools
import itertools
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation

from django.db.models import Case, DateField, Exists, F, Max, Min, OuterRef, Q, Subquery, When

from core.exports import spreadsheet_text
from core.streaming import read_ahead
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
# Who grants and who receives, judged once (_party_errors): one entry per beneficiary, the
# memory bounded whatever the number of beneficiaries.
PARTIES_CACHED = 32768
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


@functools.lru_cache(maxsize=4096)  # the import's rows repeat their SIRET; bounded memory
def is_siret(value: str) -> bool:
    """14 digits passing the Luhn key, as the schema's french-siret-value check (python-
    stdnum's rule, La Poste included). Run for each beneficiary of an export and on every
    imported line: written here as plain arithmetic, 50 times faster than stdnum's
    validation (tests compare the two)."""
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


@functools.lru_cache(maxsize=4096)  # amounts: round figures, the same on many rows
def _is_number(value: str) -> bool:
    return parse_number(value) is not None


@functools.lru_cache(maxsize=4096)  # payment periods: the same dates on many rows
def _is_period(value: str) -> bool:
    return PERIOD_PATTERN.match(value) is not None


def row_errors(row: dict[str, str]) -> list[str]:
    """Why a row (column → text) is not valid SCDL 2.1.1, in French; [] when it is.

    The schema's constraints, then its custom checks. Columns absent from `row` count as
    empty cells; a cell is judged without its surrounding spaces, as a CSV reader sees it.
    """
    return cell_errors(tuple((row.get(column) or "").strip() for column in COLUMNS))


def cell_errors(cells: tuple[str, ...]) -> list[str]:
    """`row_errors` of one row given as its cells in the order of COLUMNS, as they are
    (the export judges what it writes: its cells are never padded). The attributor's and the
    beneficiary's cells, the same on many rows, are judged once (`_party_errors`)."""
    (
        attributor_name,
        attributor_id,
        date,
        _decision,
        name,
        siret,
        rna,
        purpose,
        amount,
        nature,
        terms,
        period,
        rae,
        notification,
        share,
        _scheme,
    ) = cells
    errors = list(_party_errors(attributor_name, attributor_id, name, siret, rna))
    if not date:
        errors.append(MISSING.format(column="dateConvention"))
    elif not _is_date(date):
        errors.append(NOT_DATE.format(column="dateConvention", value=date))
    if not purpose:
        errors.append(MISSING.format(column="objet"))
    elif len(purpose) > OBJECT_MAX_LENGTH:
        errors.append(TOO_LONG.format(column="objet", length=len(purpose), limit=OBJECT_MAX_LENGTH))
    if not amount:
        errors.append(MISSING.format(column="montant"))
    elif not _is_number(amount):
        errors.append(NOT_NUMBER.format(column="montant", value=amount))
    if not nature:
        errors.append(MISSING.format(column="nature"))
    elif nature not in NATURES:
        errors.append(NOT_NATURE.format(value=nature))
    if not terms:
        errors.append(MISSING.format(column="conditionsVersement"))
    elif len(terms) > CONDITIONS_MAX_LENGTH:
        errors.append(
            TOO_LONG.format(
                column="conditionsVersement", length=len(terms), limit=CONDITIONS_MAX_LENGTH
            )
        )
    if not period:
        errors.append(MISSING.format(column="datesPeriodeVersement"))
    elif not _is_period(period):
        errors.append(NOT_PERIOD.format(value=period))
    if len(rae) > RAE_MAX_LENGTH:
        errors.append(TOO_LONG.format(column="idRAE", length=len(rae), limit=RAE_MAX_LENGTH))
    if not notification:
        errors.append(MISSING.format(column="notificationUE"))
    elif notification not in BOOLEANS:
        errors.append(NOT_BOOLEAN.format(value=notification))
    if not share:
        errors.append(MISSING.format(column="pourcentageSubvention"))
    elif share != SHARE_ONE_BENEFICIARY:  # what the export writes: valid
        number = parse_number(share)
        if number is None:
            errors.append(NOT_NUMBER.format(column="pourcentageSubvention", value=share))
        elif not Decimal("0.01") <= number <= 1:
            errors.append(SHARE_OUT_OF_RANGE.format(value=share))
    return errors


@functools.lru_cache(maxsize=PARTIES_CACHED)
def _party_errors(
    attributor_name: str, attributor_id: str, name: str, siret: str, rna: str
) -> tuple[str, ...]:
    """The checks of who grants and who receives: their names, SIRET and RNA numbers."""
    errors = []
    if not attributor_name:
        errors.append(MISSING.format(column="nomAttribuant"))
    if not attributor_id:
        errors.append(MISSING.format(column="idAttribuant"))
    elif not is_siret(attributor_id):
        errors.append(NOT_SIRET.format(column="idAttribuant", value=attributor_id))
    if not name:
        errors.append(MISSING.format(column="nomBeneficiaire"))
    if siret and not is_siret(siret):
        errors.append(NOT_SIRET.format(column="idBeneficiaire", value=siret))
    if rna and not RNA_PATTERN.match(rna):
        errors.append(NOT_RNA.format(value=rna))
    if not siret and not rna:
        errors.append(NO_IDENTIFIER)
    return tuple(errors)


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


def payment_period(
    first_payment: datetime.date | None,
    last_payment: datetime.date | None,
    first_due: datetime.date | None,
    last_due: datetime.date | None,
    start: datetime.date | None,
    end: datetime.date | None,
    year: int,
) -> str:
    """When the subsidy is (to be) paid: its payments, else its dated instalments, else the
    agreement's period, else its financial year."""
    if first_payment is not None:
        return period_text(first_payment, last_payment)
    if first_due is not None:
        return period_text(first_due, last_due)
    if start is not None:
        return period_text(start, end)
    return period_text(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@functools.lru_cache(maxsize=4096)  # a programme's files often share their wording
def _object_text(purpose: str) -> str:
    """The object cut to 256 characters, the apostrophe of a formula-like start included."""
    text = cut_object(strip_control_characters(purpose))
    if spreadsheet_text(text) != text:
        text = spreadsheet_text(cut_object(text, OBJECT_MAX_LENGTH - 1))
    return text


# Beneficiaries' names (one each), payment terms and decision numbers: the same on many rows.
@functools.lru_cache(maxsize=PARTIES_CACHED)
def _text(value: str) -> str:
    """A free text on one line, without control characters, never read as a formula."""
    return spreadsheet_text(" ".join(strip_control_characters(value).split()))


def build_row(record: tuple, attributor: tuple[str, str]) -> tuple[str, ...]:
    """The SCDL row (its cells in the order of COLUMNS) of one subsidy read by
    `publishable().values_list(*FIELDS)`; `attributor` is (name, SIRET), see `attributor`.

    The free texts (names, object, decision, terms) never start as a formula: a leading
    « = + - @ » gets an apostrophe, in the CSV and in the JSON alike (one row, two
    formats); `import_scdl` takes it off again.
    """
    (
        _reference,
        year,
        purpose,
        amount,
        nature,
        terms,
        eu_notification,
        name,
        siret,
        rna,
        start,
        end,
        convention_date,
        decision,
        first_payment,
        last_payment,
        first_due,
        last_due,
    ) = record
    return (
        attributor[0],
        attributor[1],
        convention_date.isoformat() if convention_date else "",
        _text(decision or ""),
        _text(name),
        siret,
        rna,
        _object_text(purpose),
        amount_text(amount),
        nature,
        _text(terms),
        payment_period(first_payment, last_payment, first_due, last_due, start, end, year),
        "",
        "oui" if eu_notification else "non",
        SHARE_ONE_BENEFICIARY,
        "",
    )


def attributor(authority: Authority) -> tuple[str, str]:
    """The attributor's two cells, nomAttribuant and idAttribuant: the same on every row."""
    return _text(authority.name), authority.siret


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
# What build_row reads, in its order; the reference names a row left out.
FIELDS = (
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


def records(subsidies) -> Iterator[tuple]:
    """The `values_list(*FIELDS)` of `publishable()` rows, read CHUNK_SIZE at a time, the
    next chunk fetched while this one is written (`core.streaming.read_ahead`)."""
    return read_ahead(subsidies.values_list(*FIELDS), chunk_size=CHUNK_SIZE)


def checked_rows(subsidies, authority: Authority) -> Iterator[tuple[str, tuple, list[str]]]:
    """(subsidy reference, SCDL row, its errors) for each subsidy, streamed."""
    granted_by = attributor(authority)
    for record in records(subsidies):
        row = build_row(record, granted_by)
        yield record[0], row, cell_errors(row)


def valid_rows(subsidies, authority: Authority) -> Iterator[tuple[str, ...]]:
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


def csv_lines(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """CSV as in the official example: UTF-8 text, comma, minimal quoting, « \\n »; each
    row is its cells in the order of COLUMNS."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(row)


# Rows written between two chunks of a streamed SCDL file.
CHUNK_ROWS = 500


# What makes the csv module quote a cell, but a comma (counted): a quote, a line break, a
# NUL (which it may refuse).
_QUOTED = re.compile('["\n\r\x00]')


def csv_chunks(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """`csv_lines` joined CHUNK_ROWS rows at a time, the same text, the header in the first.

    Cells are text. Most rows hold nothing the csv module would quote: no quote, no comma
    or line break inside a cell. Their line is then what the module writes, the cells
    joined by commas, made by `str.join` (five times faster than the module, which looks at
    each character in turn). A row whose count of commas shows one inside a cell, or that
    holds a quote, a line break or a NUL, is written by the csv module.
    """
    writer = csv.writer(_Echo(), lineterminator="\n")
    head = writer.writerow(COLUMNS)
    commas = len(COLUMNS) - 1
    rows = iter(rows)
    while block := list(itertools.islice(rows, CHUNK_ROWS)):
        lines = []
        for row in block:
            line = ",".join(row)
            if line.count(",") != commas or _QUOTED.search(line):
                line = writer.writerow(row)[:-1]
            lines.append(line)
        yield head + "\n".join(lines) + "\n"
        head = ""
    if head:
        yield head


def json_chunks(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A JSON array of objects (column → text, the CSV's values), one object a line."""
    separator = "[\n"
    for row in rows:
        yield separator + json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


FORMATS = {"csv": csv_lines, "json": json_chunks}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def stream(fmt: str, rows: Iterable[Sequence[str]]) -> Iterator[str]:
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
