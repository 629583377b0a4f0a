"""The clerks' admin for sessions and deliberations: every write goes through the services.

Staff edit the free sections of a draft and preview the generated text on its page; the
Secrétariat des assemblées places it on a session, records the vote and the executory
date from buttons on that page, with the staff pages' forms and the same step
(core.views.run_form). A voted deliberation is shown read-only, its frozen PDF
downloadable as it was; its status changes only through its transitions.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin import ServiceAdmin, TransitionsAdmin, report
from core.formatting import euros
from core.grammar import plural
from core.views import run_form
from subventions.enums import SubsidyStatus
from subventions.models import Subsidy

from . import rendering, services
from .enums import DeliberationStatus
from .forms import ExecutoryForm, PlaceOnSessionForm, VoteForm, record_vote
from .models import Deliberation, Session
from .permissions import can_manage_sessions


@admin.register(Session)
class SessionAdmin(ServiceAdmin):
    list_display = ["__str__", "date", "time", "body", "place", "deliberation_count"]
    list_filter = ["body"]
    date_hierarchy = "date"
    fields = ["body", "date", "time", "place", "note", "authority"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliberations_held=Count("deliberations"))

    @admin.display(description="délibérations", ordering="deliberations_held")
    def deliberation_count(self, session):
        return session.deliberations_held

    def save_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            return services.session_update(session=obj, user=request.user, **data)
        return services.session_create(user=request.user, **data)

    def delete_service(self, request, obj):
        services.session_delete(session=obj, user=request.user)


class DeliberationForm(forms.ModelForm):
    """The draft's text and, on creation or while a draft, its subsidies."""

    subsidy_choice = forms.ModelMultipleChoiceField(
        label="subventions",
        queryset=Subsidy.objects.none(),
        required=False,
        help_text="Subventions proposées, dans l'ordre du tableau.",
        widget=admin.widgets.FilteredSelectMultiple("subventions", is_stacked=False),
    )

    class Meta:
        model = Deliberation
        fields = [
            "title",
            "preamble",
            "context",
            "partnership_description",
            "previous_year_activity",
            "axes_introduction",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.instance.subsidies.all()) if self.instance.pk else []
        self.fields["subsidy_choice"].queryset = Subsidy.objects.for_list().filter(
            Q(status=SubsidyStatus.PROPOSED) | Q(pk__in=[s.pk for s in current])
        )
        if current:
            self.fields["subsidy_choice"].initial = current
        else:
            self.fields["subsidy_choice"].required = True
            self.fields["title"].required = False
            self.fields["title"].help_text = "Laissé vide : le titre de la subvention."


def _withdraw(deliberation, user, comment):
    return services.deliberation_withdraw(deliberation=deliberation, user=user)


@admin.register(Deliberation)
class DeliberationAdmin(TransitionsAdmin):
    form = DeliberationForm
    list_display = ["number", "title", "session", "status", "executory_date", "total"]
    list_filter = ["status", "session__body", "policy_area"]
    search_fields = ["number", "title", "subsidies__beneficiary__legal_name"]
    list_select_related = ["session"]
    readonly_fields = [
        "number",
        "session",
        "policy_area",
        "status",
        "vote_summary",
        "executory_date",
        "frozen_pdf",
        "pdf_sha256",
        "buttons",
        "preview",
        # The act after the vote: written by the services (deliberations.services).
        "classification",
        "transmitted_on",
        "prefecture_received_on",
        "prefecture_act_id",
        "published_on",
        "displayed_on",
        "executory_manual_reason",
    ]
    fieldsets = [
        (None, {"fields": ["number", "session", "status", "buttons", "note"]}),
        ("Texte", {"fields": ["title", "subsidy_choice", "policy_area", "preamble", "context"]}),
        (
            "Partenariat",
            {"fields": ["partnership_description", "previous_year_activity", "axes_introduction"]},
        ),
        ("Vote", {"fields": ["vote_summary", "executory_date", "frozen_pdf", "pdf_sha256"]}),
        (
            "Après le vote",
            {
                "fields": [
                    "classification",
                    "transmitted_on",
                    "prefecture_received_on",
                    "prefecture_act_id",
                    "published_on",
                    "displayed_on",
                    "executory_manual_reason",
                ]
            },
        ),
        ("Aperçu du texte généré", {"fields": ["preview"]}),
    ]
    actions = ["adopt_unanimously"]
    # Adoption and rejection need the vote: its page (the « Enregistrer le vote » button).
    transition_services = {"withdraw": _withdraw}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subsidies")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["subsidy_choice", "title", "note"]})]
        if obj.is_frozen:
            return [
                (name, {"fields": [f for f in opts["fields"] if f != "subsidy_choice"]})
                for name, opts in self.fieldsets
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != DeliberationStatus.DRAFT:
            return [*self.readonly_fields, *DeliberationForm.Meta.fields]
        return self.readonly_fields

    # Columns and read-only fields

    @admin.display(description="montant total")
    def total(self, deliberation):
        return euros(sum((s.amount or 0) for s in deliberation.subsidies.all()))

    @admin.display(description="vote")
    def vote_summary(self, deliberation):
        if not deliberation.has_vote:
            return "—"
        if deliberation.unanimous:
            summary = "à l'unanimité"
        else:
            summary = (
                f"pour : {deliberation.votes_for}, contre : {deliberation.votes_against}, "
                f"abstentions : {deliberation.abstentions}"
            )
        return f"{deliberation.get_status_display()} {summary}"

    @admin.display(description="PDF figé")
    def frozen_pdf(self, deliberation):
        if not deliberation.pdf:
            return "—"
        url = reverse("admin:deliberations_deliberation_pdf", args=[deliberation.pk])
        return format_html('<a href="{}">Télécharger le PDF adopté</a>', url)

    @admin.display(description="actions")
    def buttons(self, deliberation):
        links = [("pdf", "PDF")]
        if deliberation.status == DeliberationStatus.DRAFT:
            if not deliberation.number:
                links.append(("place", "Inscrire à une séance"))
            else:
                links.append(("vote", "Enregistrer le vote"))
        elif deliberation.may_type_executory:
            # An act voted before the application; the others' date is computed.
            links.append(("executory", "Date exécutoire"))
        return format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (reverse(f"admin:deliberations_deliberation_{name}", args=[deliberation.pk]), label)
                for name, label in links
            ),
        )

    @admin.display(description="aperçu")
    def preview(self, deliberation):
        if deliberation.pk is None:
            return "—"
        # The HTML comes from our templates, which escape every value they print.
        return mark_safe(rendering.render_html_body(deliberation))

    # Writes, through the services

    def save_service(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in DeliberationForm.Meta.fields
            if name in form.cleaned_data
        }
        subsidies = list(form.cleaned_data.get("subsidy_choice") or [])
        if not change:
            return services.deliberation_create(user=request.user, subsidies=subsidies, **data)
        services.deliberation_update(deliberation=obj, user=request.user, **data)
        if subsidies and set(subsidies) != set(obj.subsidies.all()):
            services.deliberation_set_subsidies(
                deliberation=obj, subsidies=subsidies, user=request.user
            )
        return obj

    def save_related(self, request, form, formsets, change):
        pass  # the subsidies are set by the services in save_service

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != DeliberationStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_service(self, request, obj):
        services.deliberation_delete(deliberation=obj, user=request.user)

    # Actions on several deliberations

    @admin.action(description="Enregistrer l'adoption à l'unanimité")
    def adopt_unanimously(self, request, queryset):
        done = 0
        for deliberation in queryset:
            try:
                services.deliberation_adopt(
                    deliberation=deliberation, user=request.user, unanimous=True
                )
                done += 1
            except ValidationError as error:
                messages.error(request, f"{deliberation} : {' '.join(error.messages)}")
        if done:
            messages.success(
                request, f"{plural(done, 'délibération traitée', 'délibérations traitées')}."
            )

    # Pages of one deliberation

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", view(self.pdf_view), name="deliberations_deliberation_pdf"),
            path("<int:pk>/place/", view(self.place_view), name="deliberations_deliberation_place"),
            path("<int:pk>/vote/", view(self.vote_view), name="deliberations_deliberation_vote"),
            path(
                "<int:pk>/executory/",
                view(self.executory_view),
                name="deliberations_deliberation_executory",
            ),
            *super().get_urls(),
        ]

    def _deliberation(self, request, pk) -> Deliberation:
        deliberation = get_object_or_404(Deliberation, pk=pk)
        if not self.has_view_permission(request, deliberation):
            raise PermissionDenied
        return deliberation

    def pdf_view(self, request, pk):
        deliberation = self._deliberation(request, pk)
        try:
            content = rendering.render_pdf(deliberation)
        except ValidationError as error:
            report(request, error)
            return HttpResponseRedirect(deliberation.get_absolute_url())
        response = HttpResponse(content, content_type="application/pdf")
        name = (deliberation.number or f"projet-{deliberation.pk}").replace(" ", "")
        response["Content-Disposition"] = f'inline; filename="deliberation-{name}.pdf"'
        return response

    def _form_view(self, request, pk, form_class, title, run):
        """The staff pages' form for one step, with the admin's calendar for dates; the
        service's refusal on the form (core.views.run_form)."""
        deliberation = self._deliberation(request, pk)
        if not can_manage_sessions(request.user)[0]:
            raise PermissionDenied
        form = form_class(request.POST or None)
        for field in form.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = admin.widgets.AdminDateWidget()
        if run_form(request, form, lambda data: run(deliberation, data)) is not None:
            messages.success(request, f"{deliberation} : {title.lower()} enregistré(e).")
            return HttpResponseRedirect(deliberation.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": deliberation,
            "title": f"{title} — {deliberation}",
            "form": form,
        }
        return TemplateResponse(request, "deliberations/admin/deliberation_form.html", context)

    def place_view(self, request, pk):
        def run(deliberation, data):
            return services.deliberation_place_on_session(
                deliberation=deliberation,
                session=data["session"],
                number=data["number"],
                user=request.user,
            )

        return self._form_view(request, pk, PlaceOnSessionForm, "Inscription à une séance", run)

    def vote_view(self, request, pk):
        def run(deliberation, data):
            return record_vote(deliberation, request.user, data)

        # The members with an interest in a beneficiary are proposed as not taking part.
        form_class = partial(VoteForm, deliberation=self._deliberation(request, pk))
        return self._form_view(request, pk, form_class, "Vote", run)

    def executory_view(self, request, pk):
        def run(deliberation, data):
            return services.deliberation_set_executory(
                deliberation=deliberation,
                date=data["date"],
                reason=data["reason"],
                user=request.user,
            )

        return self._form_view(request, pk, ExecutoryForm, "Date exécutoire", run)


# Issue 11 (h5): the register of elected members, their interests, the attendance of the
# sessions and the classification of acts; every write through deliberations.members.

from core.admin import FrozenAdmin, ReadOnlyAdmin, TabularInline  # noqa: E402

from . import members as member_services  # noqa: E402
from .models import (  # noqa: E402
    ActClassification,
    Attendance,
    DeliberationSubsidy,
    ElectedMember,
    Interest,
    InterestedVoter,
    VoteCorrection,
)


class InterestInline(TabularInline):
    model = Interest
    extra = 0
    fields = ["organisation", "function", "beneficiary", "start_on", "end_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ElectedMember)
class ElectedMemberAdmin(ServiceAdmin):
    list_display = ["__str__", "sits_in_bureau", "sits_in_council", "active"]
    list_filter = ["active", "sits_in_bureau", "sits_in_council"]
    search_fields = ["last_name", "first_name"]
    fields = ["civility", "first_name", "last_name", "sits_in_bureau", "sits_in_council", "active"]
    inlines = [InterestInline]

    def save_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        return member_services.member_save(
            user=request.user, member=obj if change else None, **data
        )

    def save_related(self, request, form, formsets, change):
        pass  # the interests are edited on their own page, through the services

    def has_delete_permission(self, request, obj=None):
        return False  # a member leaves office (« en exercice » unticked), never the history


@admin.register(Interest)
class InterestAdmin(ServiceAdmin):
    list_display = ["member", "function", "organisation", "beneficiary", "start_on", "end_on"]
    list_filter = ["function"]
    search_fields = ["member__last_name", "organisation", "beneficiary__legal_name"]
    autocomplete_fields = ["member", "beneficiary"]
    fields = ["member", "organisation", "function", "beneficiary", "start_on", "end_on"]

    def save_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        return member_services.interest_save(
            user=request.user, interest=obj if change else None, **data
        )

    def delete_service(self, request, obj):
        member_services.interest_delete(user=request.user, interest=obj)


@admin.register(Attendance)
class AttendanceAdmin(ServiceAdmin):
    list_display = ["session", "member", "status", "proxy_holder"]
    list_filter = ["status", "session__body"]
    search_fields = ["member__last_name"]
    autocomplete_fields = ["member", "proxy_holder"]
    fields = ["session", "member", "status", "proxy_holder"]

    def save_service(self, request, obj, form, change):
        return member_services.attendance_save(user=request.user, attendance=obj)

    def delete_service(self, request, obj):
        member_services.attendance_delete(user=request.user, attendance=obj)


@admin.register(ActClassification)
class ActClassificationAdmin(ServiceAdmin):
    list_display = ["code", "label", "version_date", "active"]
    list_filter = ["active"]
    search_fields = ["code", "label"]
    fields = ["code", "label", "version_date", "active"]

    def save_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        return member_services.classification_save(
            user=request.user, classification=obj if change else None, **data
        )

    def has_delete_permission(self, request, obj=None):
        return False  # acts keep their classification: a subject leaves use (« en usage »)


@admin.register(InterestedVoter)
class InterestedVoterAdmin(ReadOnlyAdmin):
    list_display = ["deliberation", "member", "confirmed_by", "confirmed_at", "reason"]
    search_fields = ["deliberation__number", "member__last_name"]


@admin.register(VoteCorrection)
class VoteCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["deliberation", "kind", "before", "after", "corrected_by", "corrected_at"]
    list_filter = ["kind"]
    search_fields = ["deliberation__number"]


@admin.register(DeliberationSubsidy)
class DeliberationSubsidyAdmin(FrozenAdmin):
    """Which files a deliberation grants, in the order of its table: set when the files are
    put on the agenda (the session's staff page), shown here."""

    list_display = ["deliberation", "position", "subsidy"]
    list_select_related = ["deliberation", "subsidy__beneficiary"]
    search_fields = ["deliberation__number", "subsidy__reference"]
    fields = ["deliberation", "position", "subsidy"]
