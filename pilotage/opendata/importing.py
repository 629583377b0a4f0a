"""Import of an authority's earlier SCDL « subventions » files (import_scdl).

Each line is checked as the export checks its rows (`scdl.row_errors`); its beneficiary
is found by SIRET, then by RNA, or created through the services; the subsidy is created
as a historical file, already closed, by `services.subsidy_import_historical`. The lifecycle cannot
express such a file (no request, no deliberation of ours, no payment recorded here), so
that service creates it directly in « soldée » and logs one transition saying where it
comes from; the SCDL values no field holds (date of the agreement, decision, payment
period, total amount and share) are kept in that transition's comment.

Without `partial`, a file is all or nothing: one rejected line and nothing is saved.
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from core.exports import from_spreadsheet_text
from core.formatting import amount
from core.grammar import plural
from core.text import control_character
from subventions import services
from subventions.enums import AidNature, LegalForm, PaymentTerms
from subventions.models import Beneficiary, PolicyArea, Subsidy

from . import scdl

IMPORT_ACTION = services.IMPORT_ACTION
DEFAULT_POLICY_AREA = "HISTORIQUE (IMPORT SCDL)"

CREATED = "créée"
ALREADY_IMPORTED = "déjà importée"
REJECTED = "rejetée"
BENEFICIARY_CREATED = "bénéficiaire créé"
MATCHED_BY_SIRET = "bénéficiaire retrouvé par SIRET"
MATCHED_BY_RNA = "bénéficiaire retrouvé par RNA"

EMPTY_FILE = "Le fichier est vide."
NOT_UTF8 = "Le fichier n'est pas encodé en UTF-8 (ligne {line})."
NOT_COMMA = "Le séparateur des colonnes doit être la virgule (SCDL)."
UNKNOWN_COLUMN = "Colonne inconnue du schéma SCDL {version} : « {column} »."
DUPLICATE_COLUMN = "Colonne en double : « {column} »."
MISSING_COLUMN = "Colonne obligatoire absente : « {column} »."
WRONG_ORDER = (
    "Les colonnes ne suivent pas l'ordre du schéma : « {first} » doit précéder « {second} »."
)
WRONG_CELL_COUNT = "{cells} au lieu de {expected}."
YEAR_OUT_OF_RANGE = "datesPeriodeVersement : exercice {year} hors de 2000 à 2100."
NEGATIVE_AMOUNT = "montant : {value} est négatif."
CONTROL_IN_CELL = "{column} : caractère de contrôle invisible ({code}) dans la cellule."
NUL_BYTE = "Le fichier contient un octet nul (ligne {line}) : ce n'est pas un CSV texte."
CELL_TOO_LONG = (
    "Une cellule dépasse {limit} caractères (ligne {line}) : ce n'est pas un fichier SCDL."
)
NOT_CSV = "Le fichier n'est pas un CSV lisible (ligne {line})."

HISTORICAL_COMMENT = (
    "import SCDL {file}, ligne {line} — convention du {date}, décision « {decision} », "
    "versement {period}, conditions « {conditions} », nature « {nature} », montant total "
    "{amount} × part {share}, attribuant {authority} ({authority_id})"
)


@dataclass
class LineResult:
    line: int
    outcome: str
    reasons: list[str] = field(default_factory=list)
    reference: str = ""
    beneficiary: str = ""

    def __str__(self):
        text = f"ligne {self.line} : {self.outcome}"
        if self.reference:
            text += f" {self.reference}"
        if self.beneficiary:
            text += f" ({self.beneficiary})"
        if self.reasons:
            text += " — " + " ".join(self.reasons)
        return text


@dataclass
class ImportReport:
    file: str
    file_errors: list[str] = field(default_factory=list)
    lines: list[LineResult] = field(default_factory=list)
    saved: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    def beneficiaries(self, how: str) -> int:
        return sum(1 for line in self.lines if line.outcome == CREATED and line.beneficiary == how)

    @property
    def rejected(self) -> int:
        return self.count(REJECTED)

    def summary(self) -> str:
        return (
            f"{self.file} : {plural(len(self.lines), 'ligne lue', 'lignes lues')}, "
            f"{plural(self.count(CREATED), 'créée')} "
            f"(bénéficiaires : {plural(self.beneficiaries(BENEFICIARY_CREATED), 'créé')}, "
            f"{plural(self.beneficiaries(MATCHED_BY_SIRET), 'retrouvé')} par SIRET, "
            f"{plural(self.beneficiaries(MATCHED_BY_RNA), 'retrouvé')} par RNA), "
            f"{plural(self.count(ALREADY_IMPORTED), 'déjà importée', 'déjà importées')}, "
            f"{plural(self.rejected, 'rejetée')}."
        )


# The historical file (service)


@transaction.atomic
# Reading


def header_errors(header: list[str] | None) -> list[str]:
    """Why the header row is not an SCDL one: file-level errors, [] when it is."""
    if not header or not any(name.strip() for name in header):
        return [EMPTY_FILE]
    if len(header) == 1 and ";" in header[0]:
        return [NOT_COMMA]
    names = [name.strip() for name in header]
    errors = [
        UNKNOWN_COLUMN.format(version=scdl.VERSION, column=name)
        for name in names
        if name not in scdl.COLUMNS
    ]
    errors += [
        DUPLICATE_COLUMN.format(column=name)
        for position, name in enumerate(names)
        if name in names[:position]
    ]
    errors += [
        MISSING_COLUMN.format(column=column)
        for column in scdl.COLUMNS
        if column in scdl.REQUIRED and column not in names
    ]
    known = [scdl.COLUMNS.index(name) for name in names if name in scdl.COLUMNS]
    for before, after in zip(known, known[1:], strict=False):
        if after < before:
            errors.append(
                WRONG_ORDER.format(first=scdl.COLUMNS[after], second=scdl.COLUMNS[before])
            )
            break
    return errors


def _find_beneficiary(siret: str, rna: str) -> tuple[Beneficiary | None, str]:
    if siret:
        found = Beneficiary.objects.filter(siret=siret).first()
        if found:
            return found, MATCHED_BY_SIRET
    if rna:
        found = Beneficiary.objects.filter(rna=rna).order_by("pk").first()
        if found:
            return found, MATCHED_BY_RNA
    return None, BENEFICIARY_CREATED


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name} : {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _import_line(row: dict[str, str], *, line: int, file: str, user, policy_area) -> LineResult:
    errors = [
        CONTROL_IN_CELL.format(column=column, code=code)
        for column, value in row.items()
        if (code := control_character(value))
    ]
    errors = errors or scdl.row_errors(row)
    if errors:
        return LineResult(line, REJECTED, errors)
    # The export's apostrophe before a formula-like text is taken off (scdl.build_row).
    cell = {
        column: from_spreadsheet_text((row.get(column) or "").strip()) for column in scdl.COLUMNS
    }
    total = scdl.parse_number(cell["montant"])
    share = scdl.parse_number(cell["pourcentageSubvention"])
    period = cell["datesPeriodeVersement"]
    year = int(period[:4])
    if total < 0:
        return LineResult(line, REJECTED, [NEGATIVE_AMOUNT.format(value=cell["montant"])])
    if not 2000 <= year <= 2100:
        return LineResult(line, REJECTED, [YEAR_OUT_OF_RANGE.format(year=year)])
    # The beneficiary's part of an amount shared between several beneficiaries.
    amount = (total * share).quantize(Decimal("0.01"))
    name = " ".join(cell["nomBeneficiaire"].split())
    siret, rna = cell["idBeneficiaire"], cell["rnaBeneficiaire"]
    object_text = scdl.cut_object(cell["objet"])

    beneficiary, how = _find_beneficiary(siret, rna)
    if beneficiary is not None:
        duplicate = Subsidy.objects.filter(
            beneficiary=beneficiary,
            year=year,
            purpose=object_text,
            amount_awarded=amount,
            transitions__action=IMPORT_ACTION,
        ).first()
        if duplicate:
            return LineResult(line, ALREADY_IMPORTED, reference=duplicate.reference)
    else:
        # The SCDL line names its beneficiary by its SIRET (required) or RNA, and neither
        # matched: a new beneficiary however close its name (the identifiers decide here,
        # where a clerk would be asked « Ce n'est pas un doublon »).
        beneficiary = services.beneficiary_create(
            user=user,
            not_a_duplicate=True,
            legal_name=name[:250],
            name_with_article=name[:150],
            legal_form=LegalForm.ASSOCIATION if rna else LegalForm.OTHER,
            siret=siret,
            rna=rna,
        )
    # Mixed natures (« aide en numéraire;aide en nature ») keep the first; the comment
    # keeps the whole value, as it keeps a free description of the payment terms.
    nature = cell["nature"].split(";")[0]
    terms = cell["conditionsVersement"]
    subsidy = services.subsidy_import_historical(
        user=user,
        beneficiary=beneficiary,
        policy_area=policy_area,
        year=year,
        purpose=object_text,
        amount=amount,
        nature=AidNature(nature),
        payment_terms=PaymentTerms.SINGLE if terms == "unique" else PaymentTerms.STAGGERED,
        eu_notification=scdl.BOOLEANS[cell["notificationUE"]],
        comment=HISTORICAL_COMMENT.format(
            file=file,
            line=line,
            date=cell["dateConvention"],
            decision=cell["referenceDecision"],
            period=period,
            conditions=terms,
            nature=cell["nature"],
            amount=cell["montant"],
            share=cell["pourcentageSubvention"],
            authority=cell["nomAttribuant"],
            authority_id=cell["idAttribuant"],
        ),
    )
    return LineResult(line, CREATED, reference=subsidy.reference, beneficiary=how)


def import_file(
    path: Path, *, user, policy_area: PolicyArea, partial: bool = False, dry_run: bool = False
) -> ImportReport:
    """Import an SCDL CSV file; the report tells what each line became.

    Saved only when not `dry_run` and, without `partial`, when no line is rejected.
    """
    path = Path(path)
    report = ImportReport(file=path.name)
    with transaction.atomic():
        try:
            _read(path, report, user=user, policy_area=policy_area)
        except UnicodeDecodeError:
            report.file_errors.append(NOT_UTF8.format(line=len(report.lines) + 2))

        report.saved = not (
            dry_run or report.file_errors or (report.rejected and not partial)
        ) and any(line.outcome == CREATED for line in report.lines)
        if not report.saved:
            transaction.set_rollback(True)
    return report


def _csv_error(error: csv.Error, line: int) -> str:
    """What the csv module refused (a NUL byte, a cell past its limit), in French."""
    message = str(error)
    if "NUL" in message:
        return NUL_BYTE.format(line=line)
    if "field larger than field limit" in message:
        return CELL_TOO_LONG.format(limit=amount(CELL_LIMIT), line=line)
    return NOT_CSV.format(line=line)


# The csv module's own default limit, checked here whatever another library set the
# process-wide csv.field_size_limit to (frictionless raises it).
CELL_LIMIT = 131_072


def _read(path: Path, report: ImportReport, *, user, policy_area) -> None:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            _read_rows(reader, report, user=user, policy_area=policy_area)
        except csv.Error as error:
            # The whole file is refused: the lines read so far are not saved either.
            report.file_errors.append(_csv_error(error, reader.line_num + 1))


def _read_rows(reader, report: ImportReport, *, user, policy_area) -> None:
    header = next(reader, None)
    report.file_errors = header_errors(header)
    if report.file_errors:
        return
    columns = [name.strip() for name in header]
    for cells in reader:
        if any(len(cell) > CELL_LIMIT for cell in cells):
            raise csv.Error(f"field larger than field limit ({CELL_LIMIT})")
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(cells) != len(columns):
            reasons = [
                WRONG_CELL_COUNT.format(cells=plural(len(cells), "cellule"), expected=len(columns))
            ]
            report.lines.append(LineResult(line, REJECTED, reasons))
            continue
        row = dict(zip(columns, cells, strict=True))
        try:
            with transaction.atomic():
                result = _import_line(
                    row, line=line, file=report.file, user=user, policy_area=policy_area
                )
        except ValidationError as error:
            result = LineResult(line, REJECTED, _validation_messages(error))
        report.lines.append(result)
