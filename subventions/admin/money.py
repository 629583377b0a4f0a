"""The admin of the money of a file: payments and clawbacks recorded once through the
payment services (then read-only), the schedule shown (it is set with its file), the
financial report received and decided through its services, the reminders' log."""

from django import forms
from django.contrib import admin

from core.admin import ReadOnlyAdmin, ServiceAdmin, TransitionsAdmin
from core.formatting import euros, short_date

from .. import payments
from ..enums import ReportStatus
from ..models import Clawback, FinancialReport, Payment, PaymentInstalment, ReminderLog, Subsidy
from .subsidies import report_download_link


class RecordedOnceAdmin(ServiceAdmin):
    """A row recorded once through a service, then read-only."""

    list_select_related = ["subsidy__beneficiary"]
    autocomplete_fields = ["subsidy"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


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
class PaymentAdmin(RecordedOnceAdmin):
    form = PaymentForm
    list_display = ["mandate_number", "year", "date", "subsidy", "amount_display"]
    list_filter = ["year"]
    search_fields = ["mandate_number", "subsidy__reference", "subsidy__beneficiary__legal_name"]
    date_hierarchy = "date"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, payment):
        return euros(payment.amount)

    def save_service(self, request, obj, form, change):
        return payments.payment_create(user=request.user, **form.cleaned_data)


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
class ClawbackAdmin(RecordedOnceAdmin):
    form = ClawbackForm
    list_display = ["recovery_order", "date", "subsidy", "amount_display"]
    search_fields = ["recovery_order", "subsidy__reference", "subsidy__beneficiary__legal_name"]
    date_hierarchy = "date"

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, clawback):
        return euros(clawback.amount)

    def save_service(self, request, obj, form, change):
        return payments.clawback_create(user=request.user, **form.cleaned_data)


@admin.register(PaymentInstalment)
class PaymentInstalmentAdmin(ReadOnlyAdmin):
    """The schedule is set with its file (its admin page), which checks that it adds up."""

    list_display = ["subsidy", "position", "label", "amount_display", "condition", "due_date"]
    list_select_related = ["subsidy__beneficiary"]
    search_fields = ["subsidy__reference", "label"]

    @admin.display(description="montant", ordering="amount")
    def amount_display(self, instalment):
        return euros(instalment.amount)


class FinancialReportForm(forms.ModelForm):
    """Receive (date and PDF), approve or reject (with its reason): the services decide."""

    DECISIONS = [
        ("", "—"),
        (ReportStatus.APPROVED, "Approuver"),
        (ReportStatus.REJECTED, "Rejeter (motif ci-dessous)"),
        (ReportStatus.WAIVED, "Dispenser du compte rendu (motif de la dispense ci-dessous)"),
    ]
    decision = forms.ChoiceField(label="décision", choices=DECISIONS, required=False)

    class Meta:
        model = FinancialReport
        fields = ["last_year", "received_on", "file", "rejection_reason", "waiver_reason"]
        widgets = {"file": forms.FileInput(attrs={"accept": "application/pdf"})}


def _approve(report, user, comment):
    return payments.report_approve(report=report, user=user)


@admin.register(FinancialReport)
class FinancialReportAdmin(TransitionsAdmin):
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
        "waiver_reason",
    ]
    transition_services = {"approve": _approve}

    def has_add_permission(self, request):
        return False  # created when the file is voted

    @admin.display(description="en retard", boolean=True)
    def overdue(self, report):
        return report.is_overdue

    @admin.display(description="fichier")
    def download(self, report):
        return report_download_link(report)

    def save_service(self, request, obj, form, change):
        data, user = form.cleaned_data, request.user
        report = FinancialReport.objects.get(pk=obj.pk)
        if "last_year" in form.changed_data:
            payments.report_create(subsidy=report.subsidy, last_year=data["last_year"], user=user)
        if data.get("file") and "file" in form.changed_data:
            report = payments.report_receive(
                report=report, received_on=data["received_on"], file=data["file"], user=user
            )
        if data.get("decision") == ReportStatus.APPROVED:
            report = payments.report_approve(report=report, user=user)
        elif data.get("decision") == ReportStatus.REJECTED:
            report = payments.report_reject(
                report=report, reason=data["rejection_reason"], user=user
            )
        elif data.get("decision") == ReportStatus.WAIVED:
            report = payments.report_waive(report=report, reason=data["waiver_reason"], user=user)
        return report


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["sent_on_display", "kind", "recipient", "report"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient", "report__subsidy__reference"]
    list_select_related = ["report__subsidy__beneficiary"]

    @admin.display(description="jour de la relance", ordering="sent_on")
    def sent_on_display(self, log):
        return short_date(log.sent_on)
