"""The financial report typed online by the association (Cerfa n° 15059*02, issue 16):
saved as a draft as often as it likes, then transmitted with its signed PDF, which runs
the report's « submit_online » transition (attendu or rejeté → reçu). The instructor
then approves or rejects it as for a report received by mail (subventions.payments), and
the association sees the reason of a rejection in its space.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import workflow
from core.services import save_validated

from .account_checks import account_acts_for
from .enums import ReportHeading, ReportStatus
from .exchanges import NOT_YOUR_FILE
from .models import FinancialReport, ReportLine, ReportStatement
from .notifications import notify, staff_recipients

REPORT_NOT_EDITABLE = "Le compte rendu financier est « {status} » : il ne se modifie plus en ligne."
ATTESTATION_REQUIRED = (
    "Cochez l'attestation : le représentant certifie exactes les informations du compte rendu."
)
SIGNED_PDF_REQUIRED = "Joignez le compte rendu signé (PDF)."
ACHIEVEMENTS_REQUIRED = "Décrivez ce qui a été réalisé."
SIGNATORY_REQUIRED = "Indiquez le nom du représentant qui signe le compte rendu."
NO_AMOUNTS = "Renseignez au moins une rubrique du budget réalisé."
SUBJECT_SUBMITTED = "Dossier {reference} : compte rendu financier transmis en ligne"

TEXT_FIELDS = (
    "achievements",
    "indicators",
    "differences_explanation",
    "signatory_name",
    "signatory_title",
)


@dataclass(frozen=True)
class LineData:
    planned: Decimal
    actual: Decimal


def _require_account(user, report: FinancialReport) -> None:
    if not account_acts_for(user, report.subsidy.beneficiary):
        raise ValidationError(NOT_YOUR_FILE, code="role")


def _require_outstanding(report: FinancialReport) -> None:
    if report.status not in (ReportStatus.EXPECTED, ReportStatus.REJECTED):
        raise ValidationError(
            REPORT_NOT_EDITABLE.format(status=report.get_status_display().lower()),
            code="status",
        )


@transaction.atomic
def report_statement_save(
    *, report: FinancialReport, user, data: Mapping, lines: Mapping[str, LineData]
) -> ReportStatement:
    """Save the association's draft of its report: the texts, and the planned and actual
    amounts by heading (a heading left at zero on both sides is not kept)."""
    report = FinancialReport.objects.select_for_update().select_related("subsidy").get(pk=report.pk)
    _require_account(user, report)
    _require_outstanding(report)
    statement = ReportStatement.objects.filter(report=report).first() or ReportStatement(
        report=report
    )
    for name in TEXT_FIELDS:
        if name in data:
            setattr(statement, name, (data[name] or "").strip())
    if "attested" in data:
        statement.attested = bool(data["attested"])
    statement.updated_by = user
    save_validated(statement, user)
    headings = set(ReportHeading.values)
    for code, amounts in lines.items():
        if code not in headings:
            continue
        line = ReportLine.objects.filter(statement=statement, heading=code).first()
        if not amounts.planned and not amounts.actual:
            if line is not None:
                line.delete()
            continue
        line = line or ReportLine(statement=statement, heading=code)
        line.planned = amounts.planned
        line.actual = amounts.actual
        save_validated(line, user)
    return statement


def submission_problems(statement: ReportStatement | None) -> dict[str, str]:
    """What the report still lacks before it is transmitted, by field (French)."""
    if statement is None:
        return {"achievements": ACHIEVEMENTS_REQUIRED, "__all__": NO_AMOUNTS}
    problems = {}
    if not statement.achievements:
        problems["achievements"] = ACHIEVEMENTS_REQUIRED
    if not statement.signatory_name:
        problems["signatory_name"] = SIGNATORY_REQUIRED
    if not statement.attested:
        problems["attested"] = ATTESTATION_REQUIRED
    if not statement.lines.exists():
        problems["__all__"] = NO_AMOUNTS
    return problems


@transaction.atomic
def report_submit_online(*, report: FinancialReport, user, signed_pdf) -> FinancialReport:
    """Transmit the report with its signed PDF: it is « reçu » today, the instructor is
    told; a refusal (missing part, PDF refused, too early in the year) changes nothing."""
    report = FinancialReport.objects.select_for_update().select_related("subsidy").get(pk=report.pk)
    _require_account(user, report)
    reason = workflow.refusal(report, "submit_online", user)
    if reason:
        raise ValidationError(reason, code="transition")
    statement = ReportStatement.objects.filter(report=report).first()
    problems = submission_problems(statement)
    if not signed_pdf:
        problems["signed_pdf"] = SIGNED_PDF_REQUIRED
    if problems:
        raise ValidationError(problems)
    workflow.apply(
        report,
        "submit_online",
        user,
        comment="Transmis en ligne par l'association",
        received_on=timezone.localdate(),
        file=signed_pdf,
    )
    statement.submitted_by = user
    statement.submitted_at = timezone.now()
    save_validated(statement, user)
    subsidy = report.subsidy
    notify(
        to=staff_recipients(subsidy),
        subject=SUBJECT_SUBMITTED.format(reference=subsidy.reference),
        template="subventions/email/report_submitted",
        context={"subsidy": subsidy, "report": report},
    )
    return report
