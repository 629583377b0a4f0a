"""The « Finances » pages of a voted file: record a payment, the reception of the financial
report, its approval or rejection, a clawback.

Thin views: the Finances role first (subventions.permissions, 403 with the reason), then a
form (subventions.money_forms), then a service (subventions.payments) whose French refusal
is shown on the form, nothing saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import workflow
from core.formatting import euros, short_date
from core.views import apply_service_error

from . import payments, selectors
from .models import FinancialReport, Subsidy
from .money_forms import ClawbackForm, ConfirmForm, PaymentForm, ReasonForm, ReportReceiveForm
from .permissions import require

PAYMENT_SAVED = (
    "Versement de {amount} enregistré (mandat n° {number}). Reste à verser : {remaining}."
)
REPORT_RECEIVED = "Compte rendu financier reçu : il reste à l'approuver ou à le rejeter."
REPORT_APPROVED = "Compte rendu financier approuvé."
REPORT_REJECTED = "Compte rendu financier rejeté : il est de nouveau attendu du bénéficiaire."
CLAWBACK_SAVED = "Reversement de {amount} enregistré (titre n° {order})."
REPORT_STATE = "Attendu le {due} ; actuellement « {status} »."
APPROVE_INTRO = (
    "Une fois le compte rendu approuvé, le solde versé sur présentation du compte rendu "
    "peut être mandaté ; un dossier versé intégralement devient « soldé »."
)
REJECT_INTRO = "Le motif est communiqué au bénéficiaire, qui doit envoyer un nouveau compte rendu."
NO_REPORT = "Ce dossier n'attend aucun compte rendu financier."


def _back(subsidy: Subsidy):
    return redirect(reverse("subventions:subsidy_detail", args=[subsidy.pk]) + "#finances")


def _page(request, subsidy, form, *, title: str, submit: str, intro: str = "", **extra):
    return render(
        request,
        "subventions/money/form.html",
        {
            "subsidy": subsidy,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "money": selectors.money_panel(subsidy.pk),
            **extra,
        },
    )


def _report(subsidy: Subsidy) -> FinancialReport:
    report = FinancialReport.objects.filter(subsidy=subsidy).first()
    if report is None:
        raise Http404(NO_REPORT)
    return report


@require("record_money")
@require_http_methods(["GET", "POST"])
def payment_create(request, pk: int):
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    initial = {"date": timezone.localdate()}
    wanted = request.GET.get("echeance", "")
    if wanted.isdigit():
        for row in selectors.money_panel(subsidy.pk).instalments:
            if row.instalment.pk == int(wanted):
                initial.update(instalment=row.instalment, amount=row.remaining)
    form = PaymentForm(request.POST or None, subsidy=subsidy, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.payment_create(
                subsidy=subsidy,
                instalment=data["instalment"],
                date=data["date"],
                amount=data["amount"],
                mandate_number=data["mandate_number"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                PAYMENT_SAVED.format(
                    amount=euros(payment.amount),
                    number=payment.mandate_number,
                    remaining=euros(subsidy.remaining_amount),
                ),
            )
            return _back(subsidy)
    return _page(
        request, subsidy, form, title="Enregistrer un versement", submit="Enregistrer le versement"
    )


@require("record_money")
@require_http_methods(["GET", "POST"])
def report_receive(request, pk: int):
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    report = _report(subsidy)
    form = ReportReceiveForm(
        request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            payments.report_receive(
                report=report,
                received_on=form.cleaned_data["received_on"],
                file=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, REPORT_RECEIVED)
            return _back(subsidy)
    return _page(
        request,
        subsidy,
        form,
        title="Enregistrer la réception du compte rendu financier",
        submit="Enregistrer la réception",
        intro=REPORT_STATE.format(
            due=short_date(report.due_date), status=report.get_status_display().lower()
        ),
        multipart=True,
    )


@require("record_money")
@require_http_methods(["GET", "POST"])
def report_decide(request, pk: int, decision: str):
    """Approve (a confirmation) or reject (with its reason) the report received."""
    if decision not in ("approuver", "rejeter"):
        raise Http404
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    report = _report(subsidy)
    approve = decision == "approuver"
    data = request.POST if request.method == "POST" else None
    form = ConfirmForm(data) if approve else ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if approve:
                payments.report_approve(report=report, user=request.user)
            else:
                payments.report_reject(
                    report=report, reason=form.cleaned_data["reason"], user=request.user
                )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, REPORT_APPROVED if approve else REPORT_REJECTED)
            return _back(subsidy)
    refusal = workflow.refusal(report, "approve" if approve else "reject", request.user)
    return _page(
        request,
        subsidy,
        form,
        title=(
            "Approuver le compte rendu financier"
            if approve
            else "Rejeter le compte rendu financier"
        ),
        submit="Confirmer l'approbation" if approve else "Rejeter le compte rendu",
        intro=APPROVE_INTRO if approve else REJECT_INTRO,
        refusal=refusal or "",
    )


@require("record_money")
@require_http_methods(["GET", "POST"])
def clawback_create(request, pk: int):
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    form = ClawbackForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clawback = payments.clawback_create(
                subsidy=subsidy,
                amount=data["amount"],
                reason=data["reason"],
                date=data["date"],
                recovery_order=data["recovery_order"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                CLAWBACK_SAVED.format(amount=euros(clawback.amount), order=clawback.recovery_order),
            )
            return _back(subsidy)
    return _page(
        request,
        subsidy,
        form,
        title="Enregistrer un reversement (titre de recettes)",
        submit="Enregistrer le reversement",
        intro="Le reversement diminue le montant actuel de la subvention et ce qui a été versé.",
    )
