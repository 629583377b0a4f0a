"""Staff pages of the subsidies app: lists, files, beneficiaries, lifecycle actions.

Views stay thin: they check the permission (subventions.permissions), read through the
selectors, validate with the forms and write through the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import dataversion, exports, grammar, locking
from core.forms import live_forms
from core.views import Listing, apply_service_error

from . import permissions, selectors, services
from .enums import LegalForm, SubsidyStatus
from .exports import listing_export
from .filters import BeneficiaryFilter, SubsidyFilter
from .forms import (
    CONCURRENT_EDIT,
    AxisFormSet,
    BeneficiaryForm,
    CoFundingFormSet,
    SubsidyForm,
    TransitionForm,
)
from .models import Beneficiary, Membership, Subsidy
from .next_steps import next_step
from .permissions import refuse_unless, require
from .services import AxisData, CoFundingData

SUBSIDY_SAVED = "Le dossier {reference} est enregistré."
BENEFICIARY_SAVED = "La fiche {of_beneficiary} est enregistrée."
TRANSITION_DONE = "{label} : fait. Le dossier est maintenant au statut « {status} ». {next_step}"


# Subsidies


# Lookups read with values_list: no model instance per exported row (core.exports).
SUBSIDY_COLUMNS = [
    exports.Column("Référence", "reference"),
    exports.Column("Exercice", "year"),
    exports.Column("Bénéficiaire", "beneficiary__legal_name"),
    exports.Column("SIRET", "beneficiary__siret"),
    exports.Column("RNA", "beneficiary__rna"),
    exports.Column("Politique publique", "policy_area__label"),
    exports.Column("Intitulé", "title"),
    exports.Column("Objet", "purpose"),
    exports.Column("Statut", "status", exports.labels(SubsidyStatus.choices)),
    exports.Column("Demande reçue le", "received_on"),
    exports.Column("Montant demandé", "amount_requested"),
    exports.Column("Montant proposé", "amount_proposed"),
    exports.Column("Montant attribué", "amount_awarded"),
    exports.Column("Budget prévisionnel", "projected_budget"),
    exports.Column("Ligne de crédits", selectors.BUDGET_LINE_LABEL),
]


SUBSIDIES = Listing(
    filterset=SubsidyFilter,
    rows=selectors.subsidy_list,
    template="subventions/subsidy_list.html",
    export_url="subventions:subsidy_export",
    filename="subventions",
    title="Subventions",
    columns=SUBSIDY_COLUMNS,
)


@require("view")
def subsidy_list(request):
    return SUBSIDIES.page(request)


@require("export")
def subsidy_export(request, fmt: str):
    return listing_export(request, SUBSIDIES, fmt)


def offered_actions(subsidy: Subsidy, user) -> list[tuple[str, str, str | None]]:
    """The lifecycle actions shown on the file: those the user's role may run, with the
    reason when the file's state does not allow them yet. Actions of other roles are
    not shown at all."""
    return [
        (action, label, reason)
        for action, label, reason in services.available_transitions(subsidy, user)
        if permissions.holds_transition_role(user, action)
    ]


@require("view")
def subsidy_detail(request, pk: int):
    # What the page shows of the database is read once for each version of the data
    # (core.dataversion): any write moves the version, so the page is never stale.
    # What the user may do is worked out for this user on every request.
    key = repr(("subsidy-page", pk, dataversion.CODE_SALT))
    try:
        page = dataversion.remember(
            dataversion.request_version(request), key, lambda: selectors.subsidy_page(pk)
        )
    except Subsidy.DoesNotExist as missing:
        raise Http404 from missing
    selectors.attach_people(page)
    subsidy = page.subsidy
    return render(
        request,
        "subventions/subsidy_detail.html",
        {
            "subsidy": subsidy,
            "is_incomplete": page.is_incomplete,
            "funding_plan": page.funding_plan,
            "cofunding_total": page.cofunding_total,
            "other_years": page.other_years,
            "actions": offered_actions(subsidy, request.user),
            "can_edit": permissions.can_edit_subsidy(request.user, subsidy)[0],
            "editable": subsidy.is_editable,
            "exchanges": page.exchanges,
            "application_rows": page.application_rows,
            "can_ask": permissions.check("ask_information", request.user)[0],
            "money_panel": page.money,
        },
    )


@require("view")
@require_http_methods(["GET", "POST"])
def subsidy_transition(request, pk: int, action: str):
    """Confirm (GET) then run (POST) a lifecycle action; works without JavaScript."""
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    if action not in services.TRANSITIONS:
        raise Http404
    label = services.transition_label(action)
    if not permissions.holds_transition_role(request.user, action):
        raise PermissionDenied(services.transition_refusal(subsidy, action, request.user))
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subsidy_transition(
                subsidy=subsidy,
                action=action,
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(
                request,
                TRANSITION_DONE.format(
                    label=label,
                    status=subsidy.get_status_display(),
                    next_step=next_step(subsidy.status),
                ),
            )
        return redirect("subventions:subsidy_detail", pk=subsidy.pk)
    return render(
        request,
        "subventions/subsidy_transition.html",
        {
            "subsidy": subsidy,
            "action": action,
            "label": label,
            "refusal": services.transition_refusal(subsidy, action, request.user),
            "form": form,
        },
    )


def _axes_data(formset):
    forms = sorted(
        enumerate(live_forms(formset)),
        key=lambda item: (item[1].cleaned_data.get("position") or 10_000, item[0]),
    )
    return [
        (
            form.instance if form.instance.pk else None,
            AxisData(
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description", ""),
            ),
        )
        for _index, form in forms
    ]


def _cofundings_data(formset):
    return [
        (
            form.instance if form.instance.pk else None,
            CoFundingData(
                partners=form.ordered_partners(),
                amount=form.cleaned_data["amount"],
                group_label=form.cleaned_data.get("group_label", ""),
                status=form.cleaned_data.get("status", ""),
                is_total=form.cleaned_data.get("is_total", False),
            ),
        )
        for form in live_forms(formset)
    ]


def _subsidy_form(request, subsidy: Subsidy | None):
    """Create (subsidy None) or edit a file with its axes and co-funding plan."""
    instance = subsidy or Subsidy()
    version = locking.version_of(subsidy) if subsidy else ""
    initial = {}
    if subsidy is None:
        initial = {"year": timezone.localdate().year}
        if request.GET.get("beneficiaire", "").isdigit():
            initial["beneficiary"] = request.GET["beneficiaire"]
    data = request.POST if request.method == "POST" else None
    form = SubsidyForm(data, instance=instance, version=version, initial=initial)
    # The main form first: validating it copies the typed amounts onto `instance`, which
    # the co-funding formset checks the plan against.
    form_valid = form.is_valid() if data is not None else False
    axes = AxisFormSet(data, instance=instance, prefix="axes")
    cofundings = CoFundingFormSet(data, instance=instance, prefix="cofinancements")
    if data is not None and form_valid & axes.is_valid() & cofundings.is_valid():
        try:
            if subsidy is None:
                subsidy = services.subsidy_create(
                    user=request.user,
                    axes=[axis for _row, axis in _axes_data(axes)],
                    cofundings=[line for _row, line in _cofundings_data(cofundings)],
                    **form.model_data(),
                )
            else:
                locking.lock(subsidy)
                change = locking.changed_since(subsidy, form.cleaned_data["version"])
                if change:
                    return _concurrent_edit(request, "subsidy", subsidy, change)
                services.subsidy_update(
                    subsidy=subsidy,
                    user=request.user,
                    axes=_axes_data(axes),
                    cofundings=_cofundings_data(cofundings),
                    **form.model_data(),
                )
        except ValidationError as error:
            # The services refused: nothing they wrote stays (their transaction is undone).
            apply_service_error(form, error)
        else:
            messages.success(request, SUBSIDY_SAVED.format(reference=subsidy.reference))
            return redirect("subventions:subsidy_detail", pk=subsidy.pk)
    return render(
        request,
        "subventions/subsidy_form.html",
        {"form": form, "axes": axes, "cofundings": cofundings, "subsidy": subsidy},
    )


def beneficiary_saved(beneficiary: Beneficiary) -> str:
    """« La fiche de l'APES est enregistrée. », « La fiche des Jardins … est enregistrée. »"""
    return BENEFICIARY_SAVED.format(of_beneficiary=grammar.de(beneficiary.grammatical_name))


def _concurrent_edit(request, kind: str, instance, change: dict):
    """Refuse a lost update: say who saved in between and show the stored version."""
    if kind == "subsidy":
        words = {"what": f"Le dossier {instance.reference}", "modified": "modifié", "it": "le"}
    else:
        of_beneficiary = grammar.de(instance.grammatical_name)
        words = {"what": f"La fiche {of_beneficiary}", "modified": "modifiée", "it": "la"}
    messages.error(request, CONCURRENT_EDIT.format(**words, **change))
    instance.refresh_from_db()
    if kind == "subsidy":
        form = SubsidyForm(instance=instance, version=locking.version_of(instance))
        context = {
            "form": form,
            "axes": AxisFormSet(instance=instance, prefix="axes"),
            "cofundings": CoFundingFormSet(instance=instance, prefix="cofinancements"),
            "subsidy": instance,
        }
        return render(request, "subventions/subsidy_form.html", context, status=409)
    form = BeneficiaryForm(instance=instance, version=locking.version_of(instance))
    context = {"form": form, "beneficiary": instance}
    return render(request, "subventions/beneficiary_form.html", context, status=409)


@require("create_subsidy")
@require_http_methods(["GET", "POST"])
def subsidy_create(request):
    return _subsidy_form(request, None)


@require("view")
@require_http_methods(["GET", "POST"])
def subsidy_update(request, pk: int):
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    refuse_unless(permissions.can_edit_subsidy(request.user, subsidy))
    return _subsidy_form(request, subsidy)


# Beneficiaries


BENEFICIARY_COLUMNS = [
    exports.Column("Raison sociale", "legal_name"),
    exports.Column("Sigle", "short_name"),
    exports.Column("Forme juridique", "legal_form", exports.labels(LegalForm.choices)),
    exports.Column("SIRET", "siret"),
    exports.Column("RNA", "rna"),
    exports.Column("Adresse", "address", lambda address: " ".join(address.split())),
    exports.Column("Code postal", "postal_code"),
    exports.Column("Commune", "city"),
    exports.Column("Représentant légal", "representative_name"),
    exports.Column("Courriel", "email"),
    exports.Column("Téléphone", "phone"),
    exports.Column("Contrat d'engagement républicain", "republican_commitment_date"),
    exports.Column("Nombre de dossiers", "subsidy_count"),
    exports.Column("Total demandé", "total_requested"),
    exports.Column("Total attribué", "total_awarded"),
]


BENEFICIARIES = Listing(
    filterset=BeneficiaryFilter,
    rows=selectors.beneficiary_list,
    template="subventions/beneficiary_list.html",
    export_url="subventions:beneficiary_export",
    filename="beneficiaires",
    title="Bénéficiaires",
    columns=BENEFICIARY_COLUMNS,
)


@require("view")
def beneficiary_list(request):
    return BENEFICIARIES.page(request)


@require("export")
def beneficiary_export(request, fmt: str):
    return listing_export(request, BENEFICIARIES, fmt)


@require("view")
def beneficiary_detail(request, pk: int):
    # The association's accounts with their people: one query however many they are.
    memberships = Prefetch("memberships", queryset=Membership.objects.select_related("user"))
    beneficiary = get_object_or_404(Beneficiary.objects.prefetch_related(memberships), pk=pk)
    years = selectors.beneficiary_subsidies_by_year(beneficiary)
    return render(
        request,
        "subventions/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "years": years,
            "can_edit": permissions.can_edit_beneficiary(request.user, beneficiary)[0],
            "can_create_subsidy": permissions.can_create_subsidy(request.user)[0],
            "can_manage_memberships": permissions.check("manage_memberships", request.user)[0],
        },
    )


def _beneficiary_form(request, beneficiary: Beneficiary | None):
    data = request.POST if request.method == "POST" else None
    version = locking.version_of(beneficiary) if beneficiary else ""
    form = BeneficiaryForm(data, instance=beneficiary or Beneficiary(), version=version)
    if data is not None and form.is_valid():
        confirmed = form.cleaned_data["not_a_duplicate"]
        try:
            if beneficiary is None:
                beneficiary = services.beneficiary_create(
                    user=request.user, not_a_duplicate=confirmed, **form.model_data()
                )
            else:
                locking.lock(beneficiary)
                change = locking.changed_since(beneficiary, form.cleaned_data["version"])
                if change:
                    return _concurrent_edit(request, "beneficiary", beneficiary, change)
                services.beneficiary_update(
                    beneficiary=beneficiary,
                    user=request.user,
                    not_a_duplicate=confirmed,
                    **form.confirmation(),
                    **form.model_data(),
                )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, beneficiary_saved(beneficiary))
            return redirect("subventions:beneficiary_detail", pk=beneficiary.pk)
    return render(
        request,
        "subventions/beneficiary_form.html",
        {"form": form, "beneficiary": beneficiary},
    )


@require("create_beneficiary")
@require_http_methods(["GET", "POST"])
def beneficiary_create(request):
    return _beneficiary_form(request, None)


@require("edit_beneficiary")
@require_http_methods(["GET", "POST"])
def beneficiary_update(request, pk: int):
    beneficiary = get_object_or_404(Beneficiary, pk=pk)
    return _beneficiary_form(request, beneficiary)
