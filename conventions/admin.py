"""Admin of the agreement templates, agreements, amendments and batch jobs.

Saving a template — new or edited — creates a new version through the service; the
version shown is never altered, so agreements generated from it keep their text. An
agreement signed by the authority is read-only. Signing happens on the agreement's staff
page (conventions.views), linked from here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from core.admin import FrozenAdmin, ReadOnlyAdmin, TransitionsAdmin, download_link
from core.admin_widgets import AutocompleteFieldsMixin
from subventions.enums import SubsidyStatus
from subventions.models import Subsidy

from . import batch, services, templating
from .models import (
    Agreement,
    AgreementArticle,
    AgreementTemplate,
    AgreementVisa,
    Amendment,
    BatchItem,
    BatchJob,
    BeneficiarySignature,
    Bundle,
    NotificationLetter,
)

NEW_VERSION_SAVED = "Version {version} du modèle « {name} » enregistrée ; elle est en vigueur."


class ArticleFormSet(BaseInlineFormSet):
    """Checks the whole template (visas, preamble, every article) before anything is saved:
    an error names the part and the line."""

    def articles(self) -> list[tuple[int, str, str]]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("body"):
                continue
            rows.append((data["position"], data.get("heading", ""), data["body"]))
        return sorted(rows)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        errors = []
        context = templating.sample_context(self.instance.kind)
        for position, heading, body in self.articles():
            errors += templating.source_errors(heading, f"Article {position} (intitulé)", context)
            errors += templating.source_errors(body, f"Article {position}", context)
        if errors:
            raise ValidationError(errors)


class ArticleInline(AutocompleteFieldsMixin, admin.StackedInline):
    model = AgreementArticle
    formset = ArticleFormSet
    extra = 0
    fields = ["position", "heading", "body"]


class VisaFormSet(BaseInlineFormSet):
    """The dated visas as typed, each checked like an article before anything is saved."""

    def visas(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("text"):
                continue
            rows.append(data)
        return [
            {field: row.get(field) for field in services.VISA_FIELDS}
            for row in sorted(rows, key=lambda row: row["position"])
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        errors = []
        context = templating.sample_context(self.instance.kind)
        for position, visa in enumerate(self.visas(), start=1):
            errors += templating.source_errors(visa["text"], f"Visa {position}", context)
        if errors:
            raise ValidationError(errors)


class VisaInline(AutocompleteFieldsMixin, admin.TabularInline):
    model = AgreementVisa
    formset = VisaFormSet
    extra = 0
    fields = ["position", "text", "applies_from", "applies_until", "authority_kind"]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(AutocompleteFieldsMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "version",
        "is_active",
        "created_at",
        "created_by",
        "agreement_count",
    ]
    list_filter = ["kind", "name", "is_active"]
    fields = ["name", "kind", "version", "is_active", "title", "visas", "preamble", "change_note"]
    readonly_fields = ["kind", "version", "is_active"]
    inlines = [VisaInline, ArticleInline]

    @admin.display(description="conventions")
    def agreement_count(self, template):
        return template.agreements.count()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The version on screen is never saved over: save_related writes a new one.
        pass

    def save_related(self, request, form, formsets, change):
        (articles,) = [f for f in formsets if isinstance(f, ArticleFormSet)]
        (visas,) = [f for f in formsets if isinstance(f, VisaFormSet)]
        data = form.cleaned_data
        template = services.agreement_template_new_version(
            user=request.user,
            name=data["name"],
            title=data["title"],
            visas=data["visas"],
            preamble=data["preamble"],
            change_note=data.get("change_note", ""),
            articles=[(heading, body) for _position, heading, body in articles.articles()],
            dated_visas=visas.visas(),
        )
        request._new_template_version = template

    def _to_new_version(self, request):
        template = request._new_template_version
        self.message_user(
            request, NEW_VERSION_SAVED.format(version=template.version, name=template.name)
        )
        return HttpResponseRedirect(
            reverse("admin:conventions_agreementtemplate_change", args=[template.pk])
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_new_version(request)

    def response_change(self, request, obj):
        return self._to_new_version(request)

    def construct_change_message(self, request, form, formsets, add=False):
        template = request._new_template_version
        return [{"added": {"name": "version", "object": str(template)}}]

    def log_addition(self, request, obj, message):
        return super().log_addition(request, request._new_template_version, message)

    def log_change(self, request, obj, message):
        return super().log_addition(request, request._new_template_version, message)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "subsidy",
            "start_date",
            "end_date",
            "authority_signatory_name",
            "authority_signatory_title",
            "beneficiary_signatory_name",
            "beneficiary_signatory_title",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "subsidy" in self.fields:
            self.fields["subsidy"].queryset = Subsidy.objects.filter(
                status=SubsidyStatus.VOTED, agreement__isnull=True
            ).select_related("beneficiary")
        for name in ("start_date", "end_date"):
            if name in self.fields:
                self.fields[name].required = False


def _send(document, user, comment):
    return services.document_send(document=document, user=user)


def _close(document, user, comment):
    return services.document_end(document=document, user=user, note=comment)


def _terminate(document, user, comment):
    return services.document_end(document=document, user=user, terminated=True, note=comment)


class SignedDocumentAdmin(TransitionsAdmin):
    """What agreements and amendments share: read-only once signed, a link to sign (the
    signatures need their documents: the staff page), the other steps as actions."""

    transition_services = {"send": _send, "close": _close, "terminate": _terminate}

    SIGNATURE_FIELDS = [
        "status",
        "sent_on",
        "beneficiary_signed_on",
        "authority_signed_on",
        "authority_signed_by",
        "signature_method",
        "signed_pdf_sha256",
        "generated_pdf_sha256",
        "staff_page",
    ]

    def has_delete_permission(self, request, obj=None):
        return obj is None or (not obj.is_frozen and super().has_delete_permission(request, obj))

    def delete_service(self, request, obj):
        services.document_delete(document=obj, user=request.user)

    @admin.display(description="page de signature")
    def staff_page(self, document):
        if document.pk is None:
            return "—"
        kind = "avenant" if isinstance(document, Amendment) else "convention"
        url = reverse("conventions:agreement_detail", args=[kind, document.pk])
        return format_html('<a href="{}">Documents, signatures et vérification</a>', url)


@admin.register(Agreement)
class AgreementAdmin(SignedDocumentAdmin):
    form = AgreementForm
    list_display = [
        "number",
        "subsidy",
        "status",
        "beneficiary_signed_on",
        "authority_signed_on",
        "start_date",
        "end_date",
    ]
    list_filter = ["status", "signature_method"]
    search_fields = ["number", "subsidy__reference", "subsidy__beneficiary__legal_name"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["number", "template", *self.SIGNATURE_FIELDS]
        if obj is not None:
            readonly.append("subsidy")
        if obj is not None and obj.is_frozen:
            readonly += [f for f in AgreementForm.Meta.fields if f not in readonly]
        return readonly

    def get_fields(self, request, obj=None):
        if obj is None:
            return AgreementForm.Meta.fields
        return ["number", "template", *AgreementForm.Meta.fields, *self.SIGNATURE_FIELDS]

    def save_service(self, request, obj, form, change):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.EDITABLE_FIELDS and value not in (None, "")
        }
        if change:
            return services.agreement_update(agreement=obj, user=request.user, **data)
        return services.agreement_create(
            subsidy=form.cleaned_data["subsidy"], user=request.user, **data
        )


@admin.register(Amendment)
class AmendmentAdmin(SignedDocumentAdmin):
    list_display = ["__str__", "status", "amount_change", "new_end_date", "authority_signed_on"]
    list_filter = ["status"]

    def get_fields(self, request, obj=None):
        editable = ["agreement", "reason", "amount_change", "new_end_date"]
        return editable if obj is None else ["number", *editable, *self.SIGNATURE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["number", "agreement", "reason", "amount_change", "new_end_date"] + (
            self.SIGNATURE_FIELDS
        )

    def save_service(self, request, obj, form, change):
        if change:
            return obj  # nothing of an amendment is edited here once created
        data = form.cleaned_data
        return services.amendment_create(
            agreement=data["agreement"],
            user=request.user,
            reason=data["reason"],
            amount_change=data["amount_change"],
            new_end_date=data.get("new_end_date"),
        )


class BatchItemInline(AutocompleteFieldsMixin, admin.TabularInline):
    """The job's subsidies, one by one: what its task did."""

    model = BatchItem
    fields = ["position", "subsidy", "outcome", "agreement", "error", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BatchJob)
class BatchJobAdmin(ReadOnlyAdmin):
    """« Générer toutes les conventions de la séance »: the runs, their state, progress,
    dates and errors; the staff page of a job restarts it."""

    list_display = [
        "created_at",
        "session",
        "state",
        "progress",
        "started_at",
        "finished_at",
        "error_count",
        "created_by",
    ]
    list_select_related = ["session", "created_by"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    readonly_fields = ["staff_page"]
    inlines = [BatchItemInline]

    def changelist_view(self, request, extra_context=None):
        batch.fail_stale_jobs()  # someone looking is when a lost worker shows
        return super().changelist_view(request, extra_context)

    @admin.display(description="état", ordering="status")
    def state(self, job):
        return job.state_label

    @admin.display(description="progression")
    def progress(self, job):
        return f"{job.done} sur {job.total}"

    @admin.display(description="erreurs")
    def error_count(self, job):
        return len(job.errors)

    @admin.display(description="page du traitement")
    def staff_page(self, job):
        url = reverse("conventions:batch_job_detail", args=[job.pk])
        return format_html('<a href="{}">État, subventions et reprise</a>', url)


# Frozen documents (issue 15): shown with their fingerprint and history, never written here;
# their files only through the permission-checked staff views.


@admin.register(Bundle)
class BundleAdmin(FrozenAdmin):
    """A session's complete file (ZIP and manifest), built in the background."""

    list_display = ["created_at", "session", "status", "progress", "finished_at", "created_by"]
    list_select_related = ["session", "created_by"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    fields = [
        "session",
        "status",
        "progress",
        "sha256",
        "error",
        "created_by",
        "created_at",
        "finished_at",
        "staff_page",
    ]
    readonly_fields = ["progress", "staff_page"]

    @admin.display(description="progression")
    def progress(self, bundle):
        return f"{bundle.done} sur {bundle.total}"

    @admin.display(description="page du dossier complet")
    def staff_page(self, bundle):
        return download_link(
            reverse("conventions:bundle_detail", args=[bundle.pk]), "État et téléchargement"
        )


@admin.register(NotificationLetter)
class NotificationLetterAdmin(FrozenAdmin):
    list_display = ["number", "subsidy", "emailed_on", "created_at", "created_by"]
    list_select_related = ["subsidy__beneficiary", "created_by"]
    search_fields = ["number", "subsidy__reference", "subsidy__beneficiary__legal_name"]
    date_hierarchy = "created_at"
    fields = [
        "number",
        "subsidy",
        "template",
        "pdf_sha256",
        "pdf_link",
        "emailed_on",
        "created_at",
        "created_by",
    ]
    readonly_fields = ["pdf_link"]

    @admin.display(description="PDF")
    def pdf_link(self, letter):
        if not letter.pdf:
            return "—"
        return download_link(reverse("conventions:letter_pdf", args=[letter.pk]), "Lire le PDF")


@admin.register(BeneficiarySignature)
class BeneficiarySignatureAdmin(FrozenAdmin):
    """The beneficiary's signature of an agreement, on paper or online: its evidence."""

    list_display = ["agreement", "method", "signatory_name", "signed_at"]
    list_select_related = ["agreement", "signed_by"]
    list_filter = ["method"]
    search_fields = ["agreement__number", "signatory_name"]
    fields = [
        "agreement",
        "method",
        "signed_by",
        "signatory_name",
        "signatory_title",
        "signed_at",
        "ip_address",
        "consent",
        "document_sha256",
        "verification",
    ]
