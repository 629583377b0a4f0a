"""The financial report online (Cerfa n° 15059*02, issue 16, hH): the association types
planned and actual charges and income by heading, what was done, the indicators and the
attestation, saves as often as it likes, then transmits it with the signed PDF; a
rejection's reason shows here until it sends it again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import apply_service_error
from subventions import reports
from subventions.enums import ReportStatus
from subventions.models import FinancialReport, ReportStatement

from .access import get_subsidy_for_account, portal_account_required
from .forms_followup import ReportLinesForm, ReportSubmitForm, ReportTextsForm

SAVED = "Le compte rendu est enregistré : vous pouvez y revenir à tout moment."
SUBMITTED = "Merci : le compte rendu financier est transmis au service instructeur."
NO_REPORT = "Aucun compte rendu financier n'est attendu pour ce dossier."
EDITABLE = (ReportStatus.EXPECTED, ReportStatus.REJECTED)


@portal_account_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
    report = FinancialReport.objects.filter(subsidy=subsidy).first()
    if report is None:
        raise Http404(NO_REPORT)
    statement = ReportStatement.objects.filter(report=report).first()
    initial = {}
    initial_lines = {}
    if statement is not None:
        initial = {name: getattr(statement, name) for name in reports.TEXT_FIELDS}
        initial["attested"] = statement.attested
        initial_lines = {
            line.heading: (line.planned, line.actual) for line in statement.lines.all()
        }
    action = request.POST.get("action")
    saving = request.method == "POST" and action == "save"
    submitting = request.method == "POST" and action == "submit"
    texts = ReportTextsForm(request.POST if saving else None, initial=initial, prefix="cr")
    lines = ReportLinesForm(
        request.POST if saving else None, initial_lines=initial_lines, prefix="budget"
    )
    submit = ReportSubmitForm(
        request.POST if submitting else None, request.FILES if submitting else None
    )
    if saving and texts.is_valid() and lines.is_valid():
        try:
            reports.report_statement_save(
                report=report, user=request.user, data=texts.cleaned_data, lines=lines.lines()
            )
        except ValidationError as refusal:
            apply_service_error(texts, refusal)
        else:
            messages.success(request, SAVED)
            return redirect("portail:report_edit", subsidy.pk)
    if submitting and submit.is_valid():
        try:
            reports.report_submit_online(
                report=report, user=request.user, signed_pdf=submit.cleaned_data["signed_pdf"]
            )
        except ValidationError as refusal:
            apply_service_error(submit, refusal)
        else:
            messages.success(request, SUBMITTED)
            return redirect("portail:subsidy_detail", subsidy.pk)
    return render(
        request,
        "portail/report_edit.html",
        {
            "subsidy": subsidy,
            "report": report,
            "statement": statement,
            "texts": texts,
            "lines_form": lines,
            "submit": submit,
            "editable": report.status in EDITABLE,
            "problems": reports.submission_problems(statement).values() if statement else [],
            "lines": statement.lines.all() if statement else [],
            "totals": statement.totals() if statement else None,
        },
        status=400 if request.method == "POST" else 200,
    )
