"""The clerks' admin: every model, history everywhere, lifecycle actions through the services."""

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from core.admin_widgets import AutocompleteFieldsMixin
from core.formatting import euros, percent, short_date

from . import payments, services
from .enums import ReportStatus
from .forms import CoFundingPlanFormSet
from .models import (
    ActionAxis,
    Authority,
    Beneficiary,
    BudgetLine,
    Clawback,
    CoFunding,
    CoFundingPartner,
    FinancialReport,
    FundingPartner,
    Payment,
    PaymentInstalment,
    PolicyArea,
    ReminderLog,
    Sequence,
    Subsidy,
    SubsidyTransition,
)


class FrenchAmountsMixin:
    """Amounts typed and shown the French way: « 753 091,00 »."""

    formfield_overrides = {models.DecimalField: {"localize": True}}


class ModelAdmin(AutocompleteFieldsMixin, FrenchAmountsMixin, SimpleHistoryAdmin):
    pass


class TabularInline(AutocompleteFieldsMixin, FrenchAmountsMixin, admin.TabularInline):
    pass


class StackedInline(AutocompleteFieldsMixin, FrenchAmountsMixin, admin.StackedInline):
    pass


@admin.register(Authority)
class AuthorityAdmin(ModelAdmin):
    list_display = ["name", "siret", "seat_city", "president_name"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Authority.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyArea)
class PolicyAreaAdmin(ModelAdmin):
    list_display = ["label"]
    search_fields = ["label"]


@admin.register(FundingPartner)
class FundingPartnerAdmin(ModelAdmin):
    list_display = ["name_with_article", "kind", "siret"]
    list_filter = ["kind"]
    search_fields = ["name_with_article", "siret"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ModelAdmin):
    list_display = [
        "year",
        "chapter",
        "article",
        "label",
        "section",
        "voted",
        "committed_display",
        "paid_display",
        "available_display",
    ]
    list_filter = ["year", "section"]
    search_fields = ["label", "chapter", "article"]
    readonly_fields = ["figures"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_money()

    @admin.display(description="crédits votés", ordering="amount_voted")
    def voted(self, line):
        return euros(line.amount_voted)

    @admin.display(description="engagé (attribué)", ordering="committed")
    def committed_display(self, line):
        return euros(line.committed)

    @admin.display(description="versé net", ordering="paid_net")
    def paid_display(self, line):
        return euros(line.paid_net)

    @admin.display(description="disponible", ordering="available")
    def available_display(self, line):
        return euros(line.available)

    @admin.display(description="situation de la ligne")
    def figures(self, line):
        if not line.pk:
            return "—"
        return format_html(
            "Crédits votés : <strong>{}</strong><br>Engagé (attribué) : <strong>{}</strong><br>"
            "Versé : <strong>{}</strong> — reversé : <strong>{}</strong> — versé net : "
            "<strong>{}</strong><br>Disponible : <strong>{}</strong>",
            euros(line.amount_voted),
            euros(line.committed),
            euros(line.paid),
            euros(line.clawed_back),
            euros(line.paid_net),
            euros(line.available),
        )


@admin.register(Beneficiary)
class BeneficiaryAdmin(ModelAdmin):
    list_display = ["legal_name", "short_name", "legal_form", "siret", "rna", "city"]
    list_filter = ["legal_form"]
    search_fields = ["legal_name", "short_name", "siret", "rna"]
    readonly_fields = ["subsidies_by_year"]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "legal_name",
                    "short_name",
                    "name_with_article",
                    "legal_form",
                    "siret",
                    "rna",
                    "republican_commitment_date",
                ]
            },
        ),
        ("Siège", {"fields": ["address", "postal_code", "city"]}),
        (
            "Contacts",
            {"fields": ["representative_name", "representative_title", "email", "phone"]},
        ),
        ("Coordonnées bancaires", {"fields": ["iban", "bic"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Subventions par exercice", {"fields": ["subsidies_by_year"]}),
    ]

    @admin.display(description="subventions")
    def subsidies_by_year(self, beneficiary):
        if not beneficiary.pk:
            return "—"
        subsidies = beneficiary.subsidies.select_related("policy_area").order_by("-year", "pk")
        by_year = defaultdict(list)
        for subsidy in subsidies:
            by_year[subsidy.year].append(subsidy)
        if not by_year:
            return "Aucune subvention."
        rows = []
        for year, items in by_year.items():
            for subsidy in items:
                url = reverse("admin:subventions_subsidy_change", args=[subsidy.pk])
                rows.append(
                    (
                        year,
                        url,
                        subsidy.reference,
                        subsidy.policy_area.label,
                        subsidy.get_status_display(),
                        euros(subsidy.amount_requested),
                        euros(subsidy.amount_awarded) or "—",
                    )
                )
            requested = sum((s.amount_requested for s in items), Decimal("0"))
            awarded = sum((s.amount_awarded or Decimal("0") for s in items), Decimal("0"))
            rows.append((year, "", "", "", "Total de l'exercice", euros(requested), euros(awarded)))
        body = format_html_join(
            "",
            "{}",
            [
                (
                    format_html(
                        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        '<td style="text-align:right">{}</td>'
                        '<td style="text-align:right">{}</td></tr>',
                        mark_safe(' style="font-weight:bold"') if not reference else "",
                        year,
                        format_html('<a href="{}">{}</a>', url, reference) if url else "",
                        area,
                        status,
                        requested,
                        awarded,
                    ),
                )
                for year, url, reference, area, status, requested, awarded in rows
            ],
        )
        return format_html(
            "<table><thead><tr><th>Exercice</th><th>Référence</th><th>Politique</th>"
            "<th>Statut</th><th>Demandé</th><th>Attribué</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )


class ActionAxisInline(StackedInline):
    model = ActionAxis
    extra = 0
    fields = ["position", "title", "description"]


class CoFundingForm(forms.ModelForm):
    """A co-funding line with its partners chosen in the line itself."""

    partner_choice = forms.ModelMultipleChoiceField(
        label="financeurs",
        queryset=FundingPartner.objects.all(),
        required=True,
        help_text="L'ordre d'affichage se règle sur la fiche du cofinancement.",
    )

    class Meta:
        model = CoFunding
        fields = ["position", "partner_choice", "group_label", "amount", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["partner_choice"] = [
                link.partner_id for link in self.instance.partner_links.all()
            ]

    def save(self, commit=True):
        line = super().save(commit=commit)
        chosen = list(self.cleaned_data["partner_choice"])
        kept = [link.partner for link in line.partner_links.all() if link.partner in chosen]
        added = [partner for partner in chosen if partner not in kept]
        services.cofunding_set_partners(cofunding=line, partners=kept + added)
        return line


class CoFundingInline(TabularInline):
    model = CoFunding
    form = CoFundingForm
    formset = CoFundingPlanFormSet
    extra = 0
    show_change_link = True


class TransitionInline(TabularInline):
    model = SubsidyTransition
    extra = 0
    can_delete = False
    fields = ["at", "user", "from_status", "to_status", "comment"]
    readonly_fields = fields
    verbose_name_plural = "historique des statuts"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InstalmentFormSet(forms.BaseInlineFormSet):
    """The schedule, as typed, adds up to the file's current amount."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        live = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not live or not self.has_changed():
            return
        amounts = [form.cleaned_data.get("amount") or Decimal("0") for form in live]
        total = sum(amounts, Decimal("0"))
        current = self.instance.current_amount
        if total != current:
            raise ValidationError(
                payments.SCHEDULE_NOT_ADDING_UP.format(total=euros(total), current=euros(current))
            )


class InstalmentInline(TabularInline):
    model = PaymentInstalment
    formset = InstalmentFormSet
    extra = 0
    fields = ["position", "label", "share", "amount", "condition", "due_date"]
    verbose_name_plural = "échéancier"


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


def _transition_action(action: str):
    """An admin action running one lifecycle transition on each selected file."""

    def run(modeladmin, request, queryset):
        done = 0
        for subsidy in queryset:
            try:
                services.subsidy_transition(subsidy=subsidy, action=action, user=request.user)
                done += 1
            except ValidationError as refusal:
                modeladmin.message_user(
                    request, f"{subsidy.reference} : {' '.join(refusal.messages)}", messages.ERROR
                )
        if done:
            modeladmin.message_user(
                request,
                f"{services.transition_label(action)} : {done} dossier(s).",
                messages.SUCCESS,
            )

    run.__name__ = f"transition_{action}"
    run.short_description = services.transition_label(action)
    return run


@admin.register(Subsidy)
class SubsidyAdmin(ModelAdmin):
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
        TransitionInline,
    ]
    actions = [_transition_action(action) for action in services.TRANSITIONS]
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
                    "object",
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
            {
                "classes": ["collapse"],
                "fields": [
                    "preamble",
                    "context",
                    "partnership_description",
                    "previous_year_activity",
                    "axes_introduction",
                ],
            },
        ),
        ("Suivi", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="bénéficiaire", ordering="beneficiary__legal_name")
    def beneficiary_name(self, subsidy):
        return subsidy.beneficiary.short_name or subsidy.beneficiary.legal_name

    @admin.display(description="demandé", ordering="amount_requested")
    def requested(self, subsidy):
        return euros(subsidy.amount_requested)

    @admin.display(description="attribué", ordering="amount_awarded")
    def awarded(self, subsidy):
        return euros(subsidy.amount_awarded) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not services.is_editable(obj):
            fields += list(services.FROZEN_FIELDS)
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        subsidy = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "transitions": services.available_transitions(subsidy, request.user) if subsidy else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="subventions_subsidy_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        subsidy = get_object_or_404(Subsidy, pk=pk)
        if not self.has_view_permission(request, subsidy):
            raise PermissionDenied
        try:
            services.subsidy_transition(
                subsidy=subsidy,
                action=action,
                user=request.user,
                comment=request.POST.get("comment", ""),
            )
            self.message_user(
                request, f"{services.transition_label(action)} : fait.", messages.SUCCESS
            )
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:subventions_subsidy_change", args=[pk]))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change and obj.instructor_id is None:
            obj.instructor = request.user
        super().save_model(request, obj, form, change)


class CoFundingPartnerInline(TabularInline):
    model = CoFundingPartner
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(CoFunding)
class CoFundingAdmin(ModelAdmin):
    list_display = ["subsidy", "position", "group_label", "amount", "status"]
    list_select_related = ["subsidy__beneficiary"]
    list_filter = ["status"]
    search_fields = ["subsidy__reference", "group_label"]
    autocomplete_fields = ["subsidy"]
    inlines = [CoFundingPartnerInline]


@admin.register(ActionAxis)
class ActionAxisAdmin(ModelAdmin):
    list_display = ["subsidy", "position", "title"]
    list_select_related = ["subsidy__beneficiary"]
    search_fields = ["subsidy__reference", "title"]
    autocomplete_fields = ["subsidy"]


@admin.register(SubsidyTransition)
class SubsidyTransitionAdmin(AutocompleteFieldsMixin, admin.ModelAdmin):
    list_display = ["at", "subsidy", "action", "from_status", "to_status", "user"]
    list_select_related = ["subsidy__beneficiary", "user"]
    list_filter = ["to_status"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sequence)
class SequenceAdmin(AutocompleteFieldsMixin, admin.ModelAdmin):
    list_display = ["key", "value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Money: recorded through subventions.payments, so that every rule applies here too.


class SubsidyMoneyAdmin(ModelAdmin):
    """A row recorded once through a service, then read-only."""

    list_select_related = ["subsidy__beneficiary"]
    autocomplete_fields = ["subsidy"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["subsidy", "instalment", "date", "amount", "mandate_number"]

    def clean(self):
        cleaned = super().clean()
        subsidy, date, amount = (cleaned.get(name) for name in ("subsidy", "date", "amount"))
        if subsidy and date and amount:
            reason = payments.payment_refusal(
                Subsidy.objects.with_money().get(pk=subsidy.pk), date=date, amount=amount
            )
            if reason:
                self.add_error("amount", reason)
        return cleaned


@admin.register(Payment)
class PaymentAdmin(SubsidyMoneyAdmin):
    form = PaymentForm
    list_display = ["mandate_number", "year", "date", "subsidy", "amount_display"]
    list_filter = ["year"]
    search_fields = ["mandate_number", "subsidy__reference", "subsidy__beneficiary__legal_name"]
    date_hierarchy = "date"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, payment):
        return euros(payment.amount)

    def save_model(self, request, obj, form, change):
        # The admin goes on with `obj` (message, redirect): give it the recorded row's key.
        obj.pk = payments.payment_create(user=request.user, **form.cleaned_data).pk


class ClawbackForm(forms.ModelForm):
    class Meta:
        model = Clawback
        fields = ["subsidy", "date", "amount", "recovery_order", "reason"]

    def clean(self):
        cleaned = super().clean()
        subsidy, amount = cleaned.get("subsidy"), cleaned.get("amount")
        if subsidy and amount:
            figures = Subsidy.objects.with_money().get(pk=subsidy.pk)
            reason = payments.clawback_refusal(figures, amount=amount)
            if reason:
                self.add_error("amount", reason)
        return cleaned


@admin.register(Clawback)
class ClawbackAdmin(SubsidyMoneyAdmin):
    form = ClawbackForm
    list_display = ["recovery_order", "date", "subsidy", "amount_display"]
    search_fields = ["recovery_order", "subsidy__reference", "subsidy__beneficiary__legal_name"]
    date_hierarchy = "date"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, clawback):
        return euros(clawback.amount)

    def save_model(self, request, obj, form, change):
        obj.pk = payments.clawback_create(user=request.user, **form.cleaned_data).pk


@admin.register(PaymentInstalment)
class PaymentInstalmentAdmin(ModelAdmin):
    list_display = ["subsidy", "position", "label", "amount_display", "condition", "due_date"]
    list_select_related = ["subsidy__beneficiary"]
    search_fields = ["subsidy__reference", "label"]
    autocomplete_fields = ["subsidy"]

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, instalment):
        return euros(instalment.amount)


class FinancialReportForm(forms.ModelForm):
    """Receive (date and PDF), approve or reject (with its reason) — each a service."""

    DECISIONS = [
        ("", "—"),
        (ReportStatus.APPROVED, "Approuver"),
        (ReportStatus.REJECTED, "Rejeter (motif ci-dessous)"),
    ]
    decision = forms.ChoiceField(label="décision", choices=DECISIONS, required=False)

    class Meta:
        model = FinancialReport
        fields = ["last_year", "received_on", "file", "rejection_reason"]
        widgets = {"file": forms.FileInput(attrs={"accept": "application/pdf"})}

    def clean(self):
        cleaned = super().clean()
        stored = self.instance
        receiving = bool(cleaned.get("file")) and "file" in self.changed_data
        outstanding = (ReportStatus.EXPECTED, ReportStatus.REJECTED)
        if receiving and stored.status not in outstanding:
            status = stored.get_status_display().lower()
            self.add_error("file", payments.REPORT_NOT_OUTSTANDING.format(status=status))
        if cleaned.get("decision") and stored.status != ReportStatus.RECEIVED and not receiving:
            status = stored.get_status_display().lower()
            self.add_error("decision", payments.REPORT_NOT_RECEIVED.format(status=status))
        return cleaned

    def _post_clean(self):
        # The model's checks (PDF by content, date after the financed year, reason of a
        # rejection) run on the report as the decision would leave it.
        if self.cleaned_data.get("file") and "file" in self.changed_data:
            self.instance.status = ReportStatus.RECEIVED
        if self.cleaned_data.get("decision"):
            self.instance.status = self.cleaned_data["decision"]
        super()._post_clean()


@admin.register(FinancialReport)
class FinancialReportAdmin(ModelAdmin):
    form = FinancialReportForm
    list_display = ["subsidy", "due_date", "status", "received_on", "overdue"]
    list_select_related = ["subsidy__beneficiary"]
    list_filter = ["status", "due_date"]
    search_fields = ["subsidy__reference", "subsidy__beneficiary__legal_name"]
    readonly_fields = ["subsidy", "due_date", "status", "download"]
    fields = [
        "subsidy",
        "last_year",
        "due_date",
        "status",
        "received_on",
        "file",
        "download",
        "decision",
        "rejection_reason",
    ]

    def has_add_permission(self, request):
        return False  # created when the file is voted

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="en retard", boolean=True)
    def overdue(self, report):
        return report.is_overdue

    @admin.display(description="fichier")
    def download(self, report):
        return report_download_link(report)

    def save_model(self, request, obj, form, change):
        data, user = form.cleaned_data, request.user
        if "last_year" in form.changed_data:
            payments.report_create(subsidy=obj.subsidy, last_year=data["last_year"], user=user)
        if data.get("file") and "file" in form.changed_data:
            obj = payments.report_receive(
                report=obj, received_on=data["received_on"], file=data["file"], user=user
            )
        if data.get("decision") == ReportStatus.APPROVED:
            payments.report_approve(report=obj, user=user)
        elif data.get("decision") == ReportStatus.REJECTED:
            payments.report_reject(report=obj, reason=data["rejection_reason"], user=user)


@admin.register(ReminderLog)
class ReminderLogAdmin(AutocompleteFieldsMixin, admin.ModelAdmin):
    list_display = ["sent_on_display", "kind", "recipient", "report"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient", "report__subsidy__reference"]
    list_select_related = ["report__subsidy__beneficiary"]

    @admin.display(description="jour de la relance", ordering="sent_on")
    def sent_on_display(self, log):
        return short_date(log.sent_on)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
