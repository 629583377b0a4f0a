"""Staff pages of the exchanges with the associations (issue 16): ask a file's
association for missing documents or information, write to it, close a request; the
incoming answers and messages of every file; the review of a financial report typed
online. Login and the role's permission on every page; writes through the services."""

import io
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.files import read_stored
from core.views import run_form

from . import exchanges, payments, permissions
from .enums import ApplicationStatus, ReportStatus
from .forms_exchanges import InformationRequestForm, MessageForm, ReportReviewForm
from .models import (
    Application,
    FileMessage,
    FinancialReport,
    InformationRequest,
    ReportStatement,
    Subsidy,
)
from .permissions import require

REQUEST_SENT = "La demande de compléments est envoyée à l'association ; le dossier est incomplet."
MESSAGE_SENT = "Le message est envoyé à l'association et gardé sur le dossier."
REQUEST_CLOSED = "La demande de compléments est close."
REPORT_APPROVED = "Le compte rendu financier est approuvé."
REPORT_REJECTED = "Le compte rendu financier est rejeté ; l'association lit le motif."
NO_ATTACHMENT = "Ce message n'a pas de pièce jointe."
# Each part of the inbox shows at most this many rows (the most urgent or the most recent),
# with its total: the page costs the same whatever the tables' size.
INBOX_LIMIT = 50


@dataclass
class InboxPart:
    rows: list
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _part(queryset) -> InboxPart:
    rows = list(queryset[: INBOX_LIMIT + 1])
    total = len(rows) if len(rows) <= INBOX_LIMIT else queryset.count()
    return InboxPart(rows=rows[:INBOX_LIMIT], total=total)


def _subsidy(pk: int) -> Subsidy:
    return get_object_or_404(Subsidy.objects.select_related("beneficiary"), pk=pk)


@require("ask_information")
@require_http_methods(["GET", "POST"])
def information_request_create(request, pk: int):
    subsidy = _subsidy(pk)
    form = InformationRequestForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda data: exchanges.information_request_create(
            subsidy=subsidy,
            user=request.user,
            subject=data["subject"],
            body=data["body"],
            deadline=data["deadline"],
        ),
    )
    if done:
        messages.success(request, REQUEST_SENT)
        return redirect("subventions:subsidy_detail", subsidy.pk)
    return render(
        request,
        "subventions/exchanges/request_form.html",
        {"subsidy": subsidy, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require("ask_information")
@require_http_methods(["GET", "POST"])
def file_message_create(request, pk: int):
    subsidy = _subsidy(pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    done = run_form(
        request,
        form,
        lambda data: exchanges.file_message_create(
            subsidy=subsidy, user=request.user, body=data["body"], attachment=data["attachment"]
        ),
    )
    if done:
        messages.success(request, MESSAGE_SENT)
        return redirect("subventions:subsidy_detail", subsidy.pk)
    return render(
        request,
        "subventions/exchanges/message_form.html",
        {"subsidy": subsidy, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require("ask_information")
@require_POST
def information_request_close(request, pk: int):
    information_request = get_object_or_404(InformationRequest, pk=pk)
    try:
        exchanges.information_request_close(
            information_request=information_request, user=request.user
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, REQUEST_CLOSED)
    return redirect("subventions:subsidy_detail", information_request.subsidy_id)


@require("view")
def file_message_attachment(request, pk: int):
    message = get_object_or_404(FileMessage.objects.select_related("subsidy"), pk=pk)
    return attachment_response(request, message, "subventions:subsidy_detail")


def attachment_response(request, message: FileMessage, back: str):
    """The PDF of a message, read back from the private storage (its caller checked who
    may read it); missing or unreadable on disk: said, never a 500."""
    if not message.attachment:
        raise Http404(NO_ATTACHMENT)
    try:
        content = read_stored(message.attachment, what="La pièce jointe")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back, message.subsidy_id)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"piece-jointe-{message.subsidy.reference}-{message.pk}.pdf",
        content_type="application/pdf",
    )


@require("view")
def inbox(request):
    """What the associations sent or owe: the requests deposited online and the answers
    and messages of the last 60 days, the open information requests (the nearest deadline
    first), the financial reports transmitted online to review (the oldest first); each
    part shows its INBOX_LIMIT first rows and its total."""
    since = timezone.now() - timezone.timedelta(days=60)
    open_requests = (
        InformationRequest.objects.open()
        .select_related("subsidy__beneficiary", "asked_by")
        .order_by("deadline", "pk")
    )
    incoming = (
        FileMessage.objects.filter(from_association=True, created_at__gte=since)
        .select_related("subsidy__beneficiary", "author", "information_request")
        .order_by("-created_at", "-pk")
    )
    reports = (
        ReportStatement.objects.filter(
            submitted_at__isnull=False, report__status=ReportStatus.RECEIVED
        )
        .select_related("report__subsidy__beneficiary", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    applications = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, submitted_at__gte=since)
        .select_related("beneficiary", "subsidy")
        .order_by("-submitted_at", "-pk")
    )
    return render(
        request,
        "subventions/exchanges/inbox.html",
        {
            "open_requests": _part(open_requests),
            "incoming": _part(incoming),
            "reports": _part(reports),
            "applications": _part(applications),
            "limit": INBOX_LIMIT,
            "today": timezone.localdate(),
        },
    )


@require("view")
@require_http_methods(["GET", "POST"])
def report_review(request, pk: int):
    """The financial report typed online, side by side planned and actual; the finance
    role approves it or rejects it with the reason the association reads."""
    report = get_object_or_404(
        FinancialReport.objects.select_related("subsidy__beneficiary"), pk=pk
    )
    statement = ReportStatement.objects.filter(report=report).first()
    may_review = permissions.check("record_money", request.user)[0]
    form = ReportReviewForm(request.POST or None)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(permissions.FINANCE_ONLY)

        def decide(data):
            if data["decision"] == "approve":
                return payments.report_approve(report=report, user=request.user)
            return payments.report_reject(report=report, reason=data["reason"], user=request.user)

        done = run_form(request, form, decide)
        if done:
            approved = form.cleaned_data["decision"] == "approve"
            messages.success(request, REPORT_APPROVED if approved else REPORT_REJECTED)
            return redirect("subventions:subsidy_detail", report.subsidy_id)
    return render(
        request,
        "subventions/exchanges/report_review.html",
        {
            "report": report,
            "subsidy": report.subsidy,
            "statement": statement,
            "lines": statement.lines.all() if statement else [],
            "totals": statement.totals() if statement else None,
            "form": form,
            "may_review": may_review and report.status == ReportStatus.RECEIVED,
        },
        status=400 if request.method == "POST" else 200,
    )
