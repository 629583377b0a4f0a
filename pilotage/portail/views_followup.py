"""The follow-up of a file in the association space (issue 16, hH): its status history in
plain words, the deliberation once adopted and published, the agreement, the payments,
the financial report, and the exchanges with the instructor (requests to answer,
messages, attachments)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.views import run_form
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation
from subventions import exchanges, selectors
from subventions.enums import SubsidyStatus
from subventions.forms_exchanges import AnswerForm, MessageForm
from subventions.models import Application, FileMessage, FinancialReport
from subventions.views_exchanges import attachment_response

from .access import get_subsidy_for_account, portal_account_required, rate_limited
from .views_signing import visible_agreement

REQUEST_RECEIVED = "Votre demande est reçue par le service."
ANSWER_SENT = "Votre réponse est transmise au service instructeur."
MESSAGE_SENT = "Votre message est transmis au service instructeur."

# What each status means for the association, in plain words.
STATUS_SENTENCES = {
    SubsidyStatus.DRAFT: "Votre demande est enregistrée ; le service va l'étudier.",
    SubsidyStatus.UNDER_REVIEW: "Votre demande est en cours d'instruction par le service.",
    SubsidyStatus.PROPOSED: (
        "Le service propose d'attribuer la subvention : la proposition sera soumise au vote "
        "des élus."
    ),
    SubsidyStatus.VOTED: "Les élus ont voté l'attribution de la subvention.",
    SubsidyStatus.REJECTED: "Les élus n'ont pas retenu votre demande.",
    SubsidyStatus.AGREEMENT_SIGNED: "La convention est signée par les deux parties.",
    SubsidyStatus.PAID: "La subvention est versée.",
    SubsidyStatus.CLOSED: "Le dossier est soldé : tout est versé et le compte rendu approuvé.",
    SubsidyStatus.WITHDRAWN: "La demande est retirée.",
}


# The status in a word or two, as the association's badge shows it: the staff's labels
# (« Brouillon » for a request just received) speak of the clerks' work, not of theirs.
STATUS_WORDS = {
    SubsidyStatus.DRAFT: "Reçue",
    SubsidyStatus.UNDER_REVIEW: "En instruction",
    SubsidyStatus.PROPOSED: "Proposée au vote",
    SubsidyStatus.VOTED: "Votée",
    SubsidyStatus.REJECTED: "Non retenue",
    SubsidyStatus.AGREEMENT_SIGNED: "Convention signée",
    SubsidyStatus.PAID: "Versée",
    SubsidyStatus.CLOSED: "Soldée",
    SubsidyStatus.WITHDRAWN: "Retirée",
}


def status_sentence(status: str) -> str:
    return STATUS_SENTENCES.get(status, "")


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, "")


def published_deliberations(subsidy):
    """The acts granting the file, once adopted and published (or displayed)."""
    return (
        Deliberation.objects.filter(subsidies=subsidy, status=DeliberationStatus.ADOPTED)
        .filter(Q(published_on__isnull=False) | Q(displayed_on__isnull=False))
        .select_related("session")
        .order_by("session__date", "number")
    )


@portal_account_required
def subsidy_detail(request, pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
    history = [
        {"at": step.at, "sentence": status_sentence(step.to_status)}
        for step in subsidy.transitions.order_by("at", "pk")
    ]
    application = Application.objects.filter(subsidy=subsidy, submitted_at__isnull=False).first()
    if application is not None:
        # Its first step: the request received (the file was created by it, no transition).
        history.insert(0, {"at": application.submitted_at, "sentence": REQUEST_RECEIVED})
    report = FinancialReport.objects.filter(subsidy=subsidy).first()
    exchanges_of_file = selectors.file_exchanges(subsidy)
    open_requests = [item for item in exchanges_of_file["requests"] if item.is_open]
    return render(
        request,
        "portail/subsidy_detail.html",
        {
            "subsidy": subsidy,
            "current_sentence": status_sentence(subsidy.status),
            "status_words": status_words(subsidy.status),
            "history": history,
            "deliberations": published_deliberations(subsidy),
            "agreement": visible_agreement(subsidy),
            "payments": subsidy.payments.order_by("date", "pk"),
            "report": report,
            "exchanges": exchanges_of_file,
            "open_requests": open_requests,
            "message_form": MessageForm(),
        },
    )


@portal_account_required
@rate_limited("messages", "30/h", key="user")
@require_http_methods(["GET", "POST"])
def information_request_answer(request, pk: int, request_pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
    information_request = get_object_or_404(subsidy.information_requests.all(), pk=request_pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    done = run_form(
        request,
        form,
        lambda data: exchanges.information_request_answer(
            information_request=information_request,
            user=request.user,
            body=data["body"],
            attachment=data["attachment"],
        ),
    )
    if done:
        messages.success(request, ANSWER_SENT)
        return redirect("portail:subsidy_detail", subsidy.pk)
    return render(
        request,
        "portail/answer_form.html",
        {"subsidy": subsidy, "item": information_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@portal_account_required
@rate_limited("messages", "30/h", key="user")
@require_http_methods(["GET", "POST"])
def file_message_create(request, pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
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
        return redirect("portail:subsidy_detail", subsidy.pk)
    return render(
        request,
        "portail/message_form.html",
        {"subsidy": subsidy, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@portal_account_required
def file_message_attachment(request, pk: int, message_pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
    message = get_object_or_404(FileMessage.objects.filter(subsidy=subsidy), pk=message_pk)
    return attachment_response(request, message, "portail:subsidy_detail")
