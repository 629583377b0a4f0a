"""The request of an association (Cerfa 12156*06) in steps, each saved as a draft, its
submission (the subsidy file and the acknowledgment of receipt), and the account's list
of files (« Mes dossiers »)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.views import apply_service_error
from subventions.applications import (
    application_missing,
    application_save,
    application_start,
    application_submit,
    budget_totals,
    latest_documents,
    required_documents,
    requires_republican_commitment,
)
from subventions.enums import ApplicationStatus, ApplicationStep
from subventions.memberships import beneficiaries_for_account, subsidies_for_account
from subventions.models import Application

from .access import (
    get_application_for_account,
    get_beneficiary_for_account,
    portal_account_required,
)
from .acknowledgment import acknowledgment_pdf, filename, send_acknowledgment
from .forms_request import (
    AssociationForm,
    AttestationsForm,
    AxisFormSet,
    BudgetForm,
    DocumentChoiceForm,
    FunderFormSet,
    ProjectForm,
    StartForm,
)
from .views_followup import status_words

STEPS = [step.value for step in ApplicationStep]
DRAFT_SAVED = "Votre brouillon est enregistré : vous le retrouverez sur la page d'accueil."
SUBMITTED = (
    "Votre demande est déposée sous la référence {reference}. L'accusé de réception vous a "
    "été envoyé par courriel."
)
ALREADY_SUBMITTED = "Cette demande est déjà déposée : voici son dossier."


def _next(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[min(index + 1, len(STEPS) - 1)]


def _redirect_after(request, application, step, *, stay=False):
    if "quitter" in request.POST:
        messages.success(request, DRAFT_SAVED)
        return redirect("portail:home")
    target = step if stay else _next(step)
    return redirect("portail:application_step", application.pk, target)


def _render_step(request, application, step, context, status=200):
    return render(
        request,
        f"portail/request/{step}.html",
        {
            "application": application,
            "step": step,
            "steps": ApplicationStep.choices,
            "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS),
            **context,
        },
        status=status,
    )


@portal_account_required
def application_start_view(request, beneficiary_pk):
    beneficiary = get_beneficiary_for_account(request.user, beneficiary_pk)
    form = StartForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            application = application_start(
                beneficiary=beneficiary, year=form.cleaned_data["year"], user=request.user
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            return redirect("portail:application_step", application.pk, STEPS[0])
    return render(request, "portail/request/start.html", {"form": form, "beneficiary": beneficiary})


@portal_account_required
def application_step(request, pk, step):
    application = get_application_for_account(request.user, pk)
    if step not in STEPS:
        raise Http404("Cette étape n'existe pas.")
    if application.status != ApplicationStatus.DRAFT:
        return redirect("portail:application_detail", application.pk)
    return STEP_VIEWS[step](request, application, step)


def _save(request, application, step, form, *, stay=False, **fields):
    """Run the step's service; its refusal lands on `form`. A response, or None."""
    try:
        application_save(
            application=application,
            user=request.user,
            step=step,
            next_step=step if stay or "quitter" in request.POST else _next(step),
            **fields,
        )
    except ValidationError as error:
        apply_service_error(form, error)
        return None
    return _redirect_after(request, application, step, stay=stay)


def _association(request, application, step):
    form = AssociationForm(request.POST or None, initial=application.association)
    if request.method == "POST" and form.is_valid():
        response = _save(request, application, step, form, association=form.as_json())
        if response:
            return response
    return _render_step(request, application, step, {"form": form})


def _project(request, application, step):
    data = request.POST or None
    form = ProjectForm(data, instance=application)
    axes = AxisFormSet(data, prefix="axes", initial=application.axes)
    if data is not None and form.is_valid() & axes.is_valid():
        kept = [
            {"title": f.cleaned_data["title"].strip(), "description": f.cleaned_data["description"]}
            for f in axes.forms
            if not f.cleaned_data.get("DELETE") and (f.cleaned_data.get("title") or "").strip()
        ]
        fields = {name: form.cleaned_data[name] for name in ProjectForm.Meta.fields}
        response = _save(
            request, application, step, form, stay="ajouter" in data, axes=kept, **fields
        )
        if response:
            return response
    return _render_step(request, application, step, {"form": form, "axes": axes})


def _budget(request, application, step):
    data = request.POST or None
    form = BudgetForm(data, initial=BudgetForm.initial_from(application))
    funders = FunderFormSet(data, prefix="financeurs", initial=application.funders)
    if data is not None and form.is_valid() & funders.is_valid():
        kept = [
            {
                "kind": f.cleaned_data["kind"],
                "name": f.cleaned_data["name"].strip(),
                "amount": str(f.cleaned_data["amount"]),
            }
            for f in funders.forms
            if not f.cleaned_data.get("DELETE") and (f.cleaned_data.get("name") or "").strip()
        ]
        response = _save(
            request,
            application,
            step,
            form,
            stay="ajouter" in data,
            budget=form.as_json(),
            funders=kept,
            amount_requested=form.cleaned_data["amount_requested"],
        )
        if response:
            return response
    return _render_step(
        request,
        application,
        step,
        {"form": form, "funders": funders, "totals": budget_totals(application)},
    )


def _attestations(request, application, step):
    data = request.POST or None
    form = AttestationsForm(data, instance=application)
    kinds = required_documents(application)
    vault = list(application.beneficiary.vault_documents.order_by("kind", "-uploaded_at"))
    attached = {d.kind: d.pk for d in application.documents.all()}
    latest = latest_documents(application.beneficiary)
    initial = {
        f"doc_{kind}": attached.get(kind) or (latest[kind].pk if kind in latest else None)
        for kind in kinds
    }
    documents = DocumentChoiceForm(data, kinds=kinds, documents=vault, initial=initial)
    if data is not None and form.is_valid() & documents.is_valid():
        by_pk = {d.pk: d for d in vault}
        chosen = [
            by_pk[pk]
            for name, pk in documents.cleaned_data.items()
            if name.startswith("doc_") and pk in by_pk
        ]
        response = _save(
            request,
            application,
            step,
            form,
            documents=chosen,
            **{name: form.cleaned_data[name] for name in AttestationsForm.Meta.fields},
        )
        if response:
            return response
    return _render_step(
        request,
        application,
        step,
        {
            "form": form,
            "documents": documents,
            "commitment_required": requires_republican_commitment(application),
        },
    )


def _review(request, application, step):
    return _render_step(
        request,
        application,
        step,
        {
            "missing": application_missing(application),
            "totals": budget_totals(application),
        },
    )


STEP_VIEWS = {
    ApplicationStep.ASSOCIATION: _association,
    ApplicationStep.PROJECT: _project,
    ApplicationStep.BUDGET: _budget,
    ApplicationStep.ATTESTATIONS: _attestations,
    ApplicationStep.REVIEW: _review,
}


@portal_account_required
@require_POST
def application_submit_view(request, pk):
    application = get_application_for_account(request.user, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("portail:application_detail", application.pk)
    try:
        subsidy = application_submit(application=application, user=request.user)
    except ValidationError as error:
        if getattr(error, "code", None) == "submitted":
            # Submitted meanwhile (a second click, another tab): its one file is shown.
            messages.info(request, ALREADY_SUBMITTED)
            return redirect("portail:application_detail", application.pk)
        return _render_step(
            request,
            application,
            ApplicationStep.REVIEW,
            {"missing": error.messages, "totals": budget_totals(application)},
            status=400,
        )
    application.refresh_from_db()
    send_acknowledgment(application)
    messages.success(request, SUBMITTED.format(reference=subsidy.reference))
    return redirect("portail:application_detail", application.pk)


@portal_account_required
def application_detail(request, pk):
    application = get_application_for_account(request.user, pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("portail:application_step", application.pk, application.current_step)
    return render(
        request,
        "portail/request/detail.html",
        {"application": application, "totals": budget_totals(application)},
    )


@portal_account_required
def acknowledgment_download(request, pk):
    application = get_application_for_account(request.user, pk)
    if application.subsidy is None or application.submitted_at is None:
        raise Http404("Cette demande n'est pas encore déposée.")
    response = HttpResponse(acknowledgment_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(application)}"'
    return response


@portal_account_required
def subsidy_list(request):
    subsidies = list(
        subsidies_for_account(request.user)
        .select_related("beneficiary", "application")
        .order_by("-year", "-pk")
    )
    for subsidy in subsidies:
        subsidy.status_words = status_words(subsidy.status)
    drafts = Application.objects.filter(
        beneficiary__in=beneficiaries_for_account(request.user), status=ApplicationStatus.DRAFT
    ).select_related("beneficiary")
    return render(request, "portail/subsidy_list.html", {"subsidies": subsidies, "drafts": drafts})
