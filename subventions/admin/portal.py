"""The admin of the association space (issue 16) and of the background exports: shown for
corrections and audits, never written here. The accounts and their memberships change on
the staff pages (« Comptes association ») and in the association space, the requests and
exchanges through their services; a stored file is reached only through its
permission-checked view (a vault document's only through the association space)."""

from django.contrib import admin
from django.urls import reverse

from core.admin import FrozenAdmin, TabularInline, download_link
from core.formatting import euros

from ..models import (
    Application,
    ExportJob,
    FileMessage,
    InformationRequest,
    Membership,
    PortalAccount,
    ReportLine,
    ReportStatement,
    VaultDocument,
)


@admin.register(PortalAccount)
class PortalAccountAdmin(FrozenAdmin):
    list_display = ["__str__", "created_at", "email_confirmed_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__username", "user__last_name"]
    fields = ["user", "created_at", "email_confirmed_at"]


@admin.register(Membership)
class MembershipAdmin(FrozenAdmin):
    list_display = ["user", "beneficiary", "role_in_association", "status", "requested_at"]
    list_select_related = ["user", "beneficiary"]
    list_filter = ["status", "is_representative"]
    search_fields = ["user__email", "beneficiary__legal_name", "beneficiary__acronym"]
    fields = [
        "user",
        "beneficiary",
        "role_in_association",
        "is_representative",
        "status",
        "requested_at",
        "invited_by",
        "confirmed_by",
        "confirmed_at",
        "refusal_reason",
        "staff_page",
    ]
    readonly_fields = ["staff_page"]

    @admin.display(description="page de confirmation")
    def staff_page(self, membership):
        return download_link(reverse("subventions:membership_list"), "Comptes association")


@admin.register(Application)
class ApplicationAdmin(FrozenAdmin):
    list_display = ["__str__", "year", "status", "amount_display", "submitted_at", "subsidy"]
    list_select_related = ["beneficiary", "subsidy"]
    list_filter = ["status", "year"]
    search_fields = ["project_title", "beneficiary__legal_name", "subsidy__reference"]

    @admin.display(description="montant demandé", ordering="amount_requested")
    def amount_display(self, application):
        return euros(application.amount_requested) if application.amount_requested else "—"


@admin.register(VaultDocument)
class VaultDocumentAdmin(FrozenAdmin):
    """The file itself is read by the association in its space; here its kind, dates and
    SHA-256 fingerprint."""

    list_display = ["title", "kind", "beneficiary", "valid_until", "uploaded_at"]
    list_select_related = ["beneficiary"]
    list_filter = ["kind"]
    search_fields = ["title", "beneficiary__legal_name", "sha256"]
    fields = ["beneficiary", "kind", "title", "sha256", "valid_until", "uploaded_by", "uploaded_at"]


@admin.register(InformationRequest)
class InformationRequestAdmin(FrozenAdmin):
    list_display = ["subject", "subsidy", "status", "deadline", "created_at", "answered_at"]
    list_select_related = ["subsidy__beneficiary"]
    list_filter = ["status"]
    search_fields = ["subject", "subsidy__reference"]
    fields = [
        "subsidy",
        "asked_by",
        "subject",
        "body",
        "deadline",
        "status",
        "created_at",
        "answered_at",
    ]


@admin.register(FileMessage)
class FileMessageAdmin(FrozenAdmin):
    list_display = ["__str__", "subsidy", "author", "from_association", "created_at"]
    list_select_related = ["subsidy__beneficiary", "author"]
    list_filter = ["from_association"]
    search_fields = ["subsidy__reference", "body"]
    fields = [
        "subsidy",
        "author",
        "from_association",
        "body",
        "attachment_name",
        "attachment_link",
        "information_request",
        "created_at",
    ]
    readonly_fields = ["attachment_link"]

    @admin.display(description="pièce jointe")
    def attachment_link(self, message):
        if not message.attachment:
            return "—"
        url = reverse("subventions:file_message_attachment", args=[message.pk])
        return download_link(url, message.attachment_name or "Télécharger")


class ReportLineInline(TabularInline):
    model = ReportLine
    extra = 0
    fields = ["heading", "planned", "actual"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportStatement)
class ReportStatementAdmin(FrozenAdmin):
    list_display = ["__str__", "signatory_name", "attested", "submitted_at"]
    list_select_related = ["report__subsidy__beneficiary"]
    list_filter = ["attested"]
    search_fields = ["report__subsidy__reference", "signatory_name"]
    fields = [
        "report",
        "achievements",
        "indicators",
        "differences_explanation",
        "signatory_name",
        "signatory_title",
        "attested",
        "updated_by",
        "submitted_by",
        "submitted_at",
        "updated_at",
    ]
    inlines = [ReportLineInline]


@admin.register(ReportLine)
class ReportLineAdmin(FrozenAdmin):
    list_display = ["statement", "heading", "planned_display", "actual_display"]
    list_select_related = ["statement__report__subsidy__beneficiary"]
    list_filter = ["heading"]
    search_fields = ["statement__report__subsidy__reference"]
    fields = ["statement", "heading", "planned", "actual"]

    @admin.display(description="prévu", ordering="planned")
    def planned_display(self, line):
        return euros(line.planned)

    @admin.display(description="réalisé", ordering="actual")
    def actual_display(self, line):
        return euros(line.actual)


@admin.register(ExportJob)
class ExportJobAdmin(FrozenAdmin):
    """The background exports: who asked for which list, their state and error; the file
    is downloaded by its requester from the job's page."""

    list_display = ["created_at", "listing", "format", "status", "progress", "requested_by"]
    list_select_related = ["requested_by"]
    list_filter = ["status", "listing", "format"]
    date_hierarchy = "created_at"
    fields = [
        "listing",
        "query",
        "format",
        "requested_by",
        "status",
        "progress",
        "error",
        "created_at",
        "finished_at",
        "staff_page",
    ]
    readonly_fields = ["progress", "staff_page"]

    @admin.display(description="progression")
    def progress(self, job):
        return f"{job.done} sur {job.total}"

    @admin.display(description="page de l'export")
    def staff_page(self, job):
        return download_link(reverse("subventions:export_job", args=[job.pk]), "État et fichier")
