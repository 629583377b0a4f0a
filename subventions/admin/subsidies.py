"""The admin of the subsidy files: the file with its axes and co-funding plan saved as one
change through `services.subsidy_update`, its schedule on a page of its own
(subventions.admin.schedule), its status only through its transitions; its money and its
log shown, never edited."""

from functools import partial

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, ServiceAdmin, StackedInline, TabularInline, TransitionsAdmin
from core.formatting import euros, percent
from core.forms import live_forms

from .. import services
from ..forms import CoFundingLineForm, CoFundingPlanFormSet
from ..models import (
    ActionAxis,
    Clawback,
    CoFunding,
    CoFundingPartner,
    FinancialReport,
    Payment,
    PaymentInstalment,
    Subsidy,
)
from .schedule import may_set_schedule, schedule_view


class ActionAxisInline(StackedInline):
    model = ActionAxis
    extra = 0
    fields = ["position", "title", "description"]


class CoFundingForm(CoFundingLineForm):
    """The staff pages' co-funding line, with its order in the plan."""

    class Meta(CoFundingLineForm.Meta):
        fields = ["position", "partners", "group_label", "amount", "is_total", "status"]


class CoFundingInline(TabularInline):
    model = CoFunding
    form = CoFundingForm
    formset = CoFundingPlanFormSet
    extra = 0
    show_change_link = True


class MoneyRowsInline(TabularInline):
    """Payments, reports and clawbacks are recorded on their own page, through the rules."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InstalmentInline(MoneyRowsInline):
    """Shown here; set as a whole on the schedule's page (subventions.admin.schedule)."""

    model = PaymentInstalment
    fields = ["position", "label", "share", "amount", "condition", "due_date"]
    verbose_name_plural = "échéancier"
    show_change_link = False


class PaymentInline(MoneyRowsInline):
    model = Payment
    fields = ["date", "amount", "mandate_number", "instalment"]


class ClawbackInline(MoneyRowsInline):
    model = Clawback
    fields = ["date", "amount", "recovery_order", "reason"]


class FinancialReportInline(MoneyRowsInline):
    model = FinancialReport
    fields = ["due_date", "status", "received_on", "download", "rejection_reason"]

    @admin.display(description="fichier")
    def download(self, report):
        return report_download_link(report)


def report_download_link(report) -> str:
    """A link to the permission-checked download view, never to the file itself."""
    if not report.pk or not report.file:
        return "—"
    url = reverse("subventions:financial_report_file", args=[report.pk])
    return format_html('<a href="{}">Télécharger le PDF</a>', url)


def _run(action: str):
    def service(subsidy, user, comment):
        return services.subsidy_transition(
            subsidy=subsidy, action=action, user=user, comment=comment
        )

    return service


def _formset(formsets, model):
    return next((formset for formset in formsets if formset.model is model), None)


@admin.register(Subsidy)
class SubsidyAdmin(TransitionsAdmin):
    list_display = [
        "reference",
        "beneficiary",
        "year",
        "policy_area",
        "requested",
        "awarded",
        "status",
    ]
    list_select_related = ["beneficiary", "policy_area"]
    list_filter = ["year", "status", "policy_area"]
    search_fields = [
        "reference",
        "beneficiary__legal_name",
        "beneficiary__short_name",
        "beneficiary__siret",
        "title",
    ]
    autocomplete_fields = ["beneficiary", "budget_line", "instructor"]
    date_hierarchy = "received_on"
    inlines = [
        ActionAxisInline,
        CoFundingInline,
        InstalmentInline,
        PaymentInline,
        FinancialReportInline,
        ClawbackInline,
    ]
    transition_services = {action: _run(action) for action in services.TRANSITIONS}
    change_form_template = "admin/subventions/subsidy/change_form.html"
    readonly_fields = [
        "reference",
        "status",
        "derived_figures",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status"]}),
        (
            "Dossier",
            {
                "fields": [
                    "beneficiary",
                    "year",
                    "policy_area",
                    "received_on",
                    "title",
                    "purpose",
                    "section",
                    "nature",
                    "instructor",
                ]
            },
        ),
        (
            "Montants",
            {
                "fields": [
                    "amount_requested",
                    "amount_proposed",
                    "amount_awarded",
                    "projected_budget",
                    "budget_line",
                    "payment_terms",
                    "eu_notification",
                    "derived_figures",
                ]
            },
        ),
        (
            "Textes de la délibération",
            {"classes": ["collapse"], "fields": list(Subsidy.FREE_SECTIONS)},
        ),
        ("Suivi", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="demandé", ordering="amount_requested")
    def requested(self, subsidy):
        return euros(subsidy.amount_requested)

    @admin.display(description="attribué", ordering="amount_awarded")
    def awarded(self, subsidy):
        return euros(subsidy.amount_awarded) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            fields += list(Subsidy.FROZEN_AFTER_VOTE)
        return fields

    @admin.display(description="chiffres calculés")
    def derived_figures(self, subsidy):
        if not subsidy.pk:
            return "—"
        previous = subsidy.previous_subsidy
        return format_html(
            "Convention obligatoire : <strong>{}</strong><br>"
            "Part du budget prévisionnel : <strong>{}</strong><br>"
            "Subvention de l'exercice précédent : <strong>{}</strong><br>"
            "Montant actuel : <strong>{}</strong> — versé net : <strong>{}</strong> — "
            "reste à verser : <strong>{}</strong>",
            "oui" if subsidy.requires_agreement else "non",
            percent(subsidy.budget_share) or "—",
            f"{previous.reference} — {euros(previous.amount_awarded)}" if previous else "aucune",
            euros(subsidy.current_amount),
            euros(subsidy.paid_net),
            euros(subsidy.remaining_amount),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/echeancier/",
                self.admin_site.admin_view(partial(schedule_view, self)),
                name="subventions_subsidy_schedule",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        subsidy = self.get_object(request, object_id)
        may_set = subsidy is not None and may_set_schedule(request.user)
        extra_context = {
            **(extra_context or {}),
            "schedule_url": (
                reverse("admin:subventions_subsidy_schedule", args=[subsidy.pk])
                if may_set and subsidy.instalments.exists()
                else None
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Writes: the file and its programme as one change, through the services.

    def delete_refusal(self, request, obj):
        return services.subsidy_delete_refusal(obj)

    def delete_service(self, request, obj):
        services.subsidy_delete(subsidy=obj, user=request.user)

    def save_service(self, request, obj, form, change):
        fields = dict(form.cleaned_data)
        if change:
            # Saved with its axes and co-funding plan, in save_related.
            request._subsidy_fields = fields
            return obj
        return services.subsidy_create(user=request.user, **fields)

    def save_related(self, request, form, formsets, change):
        subsidy = Subsidy.objects.get(pk=form.instance.pk)
        axes, cofundings = _formset(formsets, ActionAxis), _formset(formsets, CoFunding)
        services.subsidy_update(
            subsidy=subsidy,
            user=request.user,
            axes=_axes(axes) if axes is not None and axes.has_changed() else None,
            cofundings=(
                _cofundings(cofundings)
                if cofundings is not None and cofundings.has_changed()
                else None
            ),
            **getattr(request, "_subsidy_fields", {}),
        )


def _by_position(formset):
    forms_ = enumerate(live_forms(formset))
    return [
        form
        for _index, form in sorted(
            forms_, key=lambda item: (item[1].cleaned_data.get("position") or 10_000, item[0])
        )
    ]


def _axes(formset):
    return [
        (
            form.instance if form.instance.pk else None,
            services.AxisData(
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description", ""),
            ),
        )
        for form in _by_position(formset)
    ]


def _cofundings(formset):
    return [
        (
            form.instance if form.instance.pk else None,
            services.CoFundingData(
                partners=form.ordered_partners(),
                amount=form.cleaned_data["amount"],
                group_label=form.cleaned_data.get("group_label", ""),
                status=form.cleaned_data.get("status", ""),
                is_total=form.cleaned_data.get("is_total", False),
            ),
        )
        for form in _by_position(formset)
    ]


class CoFundingPartnerInline(TabularInline):
    model = CoFundingPartner
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(CoFunding)
class CoFundingAdmin(ServiceAdmin):
    """One line of a plan, with its partners in order: saved through the services."""

    list_display = ["subsidy", "position", "group_label", "amount", "status"]
    list_select_related = ["subsidy__beneficiary"]
    list_filter = ["status"]
    search_fields = ["subsidy__reference", "group_label"]
    autocomplete_fields = ["subsidy"]
    inlines = [CoFundingPartnerInline]

    def get_readonly_fields(self, request, obj=None):
        # A line belongs to its file's plan: it is moved to another file by deleting it
        # there and adding it here, never by changing its file.
        return ["subsidy"] if obj is not None else []

    def save_service(self, request, obj, form, change):
        request._cofunding_fields = dict(form.cleaned_data)
        return obj if change else None  # saved with its partners, in save_related

    def save_related(self, request, form, formsets, change):
        fields = request._cofunding_fields
        partners = [f.cleaned_data["partner"] for f in _by_position(formsets[0])]
        if change:
            line = CoFunding.objects.get(pk=form.instance.pk)
            fields.pop("subsidy", None)
            services.cofunding_update(
                cofunding=line, user=request.user, partners=partners, **fields
            )
        else:
            line = services.cofunding_create(user=request.user, partners=partners, **fields)
            form.instance.pk = line.pk


@admin.register(ActionAxis)
class ActionAxisAdmin(ReadOnlyAdmin):
    """Axes are edited with their file (its page, or its admin), which numbers them."""

    list_display = ["subsidy", "position", "title"]
    list_select_related = ["subsidy__beneficiary"]
    search_fields = ["subsidy__reference", "title"]
