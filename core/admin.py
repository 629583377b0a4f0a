"""The admin's building blocks, and the admin of the shared models (counters, transition log).

The admin is for corrections, and it writes only through the services, as the staff pages
do (HackSoft's `save_model` calling a service; les-emplois' read-only admin of workflow
models):

- `ServiceAdmin`: its `save_service()` is the one write of a change form; a refusal of the
  service is shown as a message and nothing is saved. Inlines save through it too (each
  app's `save_related`), deletions only where a service deletes.
- `ReadOnlyAdmin`: a log or a row written by a service elsewhere: shown, never written.
- `TransitionsAdmin`: a workflow-bearing model (a `StatusField`), whose status is shown
  read-only and changes only through its transitions, offered as actions and as buttons
  on the change page that call the app's services (`transition_services`); the log of
  its transitions is shown below the form.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .admin_widgets import AutocompleteFieldsMixin
from .files import is_private_storage
from .forms import AmountField, identifier_formfield
from .models import Counter, TransitionLog
from .views import apply_service_error

DONE = "{label} : fait."
DONE_MANY = "{label} : {count} {name}."
REVERT_REFUSED = (
    "Une version passée se consulte sans se rétablir : modifiez la fiche pour y revenir."
)


class FrenchAmountsMixin:
    """Amounts typed and shown the French way, by the staff forms' own field: « 753 091,00 »,
    « 1 000,50 » with a space, a no-break space or a narrow no-break space."""

    formfield_overrides = {models.DecimalField: {"form_class": AmountField}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # SIRET and IBAN typed with or without spaces, shown grouped (core.forms).
        if identifier := identifier_formfield(db_field, **kwargs):
            identifier.widget.attrs.setdefault("class", "vTextField")
            return identifier
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class OddDatesChangeList(ChangeList):
    """The change list of a model whose stored dates may be odd (year 1, 31/12/9999, typed
    before dates were bounded): a year, month or day link that Python's dates cannot bound
    (the year after 9999…) is an incorrect lookup — the full list again — never a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class OddDatesMixin:
    def get_changelist(self, request, **kwargs):
        return OddDatesChangeList


def _is_private_file(model, name) -> bool:
    if not isinstance(name, str):
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.FileField) and is_private_storage(field.storage)


class PrivateFilesMixin:
    """A private file (core.files.private_storage) has no public URL, and the admin links
    a read-only file field to its URL: such a field is left out where it would be shown
    read-only (a role that may only view, a frozen row); the model's admin shows it
    through its permission-checked download view instead."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        readonly = set(self.get_readonly_fields(request, obj))
        if obj is None:
            editable = (
                self.has_add_permission(request, obj)
                if self._inline()
                else (self.has_add_permission(request))
            )
        else:
            editable = self.has_change_permission(request, obj)
        return [
            name
            for name in fields
            if not (_is_private_file(self.model, name) and (name in readonly or not editable))
        ]

    def _inline(self) -> bool:
        return isinstance(self, admin.options.InlineModelAdmin)


class ModelAdmin(
    PrivateFilesMixin,
    AutocompleteFieldsMixin,
    FrenchAmountsMixin,
    OddDatesMixin,
    SimpleHistoryAdmin,
):
    pass


class NamedRowFieldsMixin:
    """A tabular inline's inputs have no <label> (their column header is the only one): each
    gets an accessible name, « Montant (ligne 2) », for screen readers (RGAA 11.1)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "nouvelle ligne" if index is None else f"ligne {index + 1}"
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class TabularInline(
    PrivateFilesMixin, AutocompleteFieldsMixin, FrenchAmountsMixin, admin.TabularInline
):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (NamedRowFieldsMixin, formset), {})


class StackedInline(
    PrivateFilesMixin, AutocompleteFieldsMixin, FrenchAmountsMixin, admin.StackedInline
):
    pass


def report(request, error: ValidationError) -> None:
    """A service's refusal, as the admin's error messages."""
    for message in error.messages:
        messages.error(request, message)


def _clean_with_refusal(refusal: ValidationError):
    """A form `clean` that adds the service's refusal, as the staff pages show it
    (core.views.apply_service_error)."""

    def clean(form):
        cleaned = super(type(form), form).clean()
        apply_service_error(form, refusal)
        return cleaned

    return clean


class ServiceAdmin(ModelAdmin):
    """A change form whose only write is `save_service()` (see the module's docstring)."""

    def save_service(self, request, obj, form, change):
        """Write `obj` (its form already validated) through the app's service; return the
        row saved."""
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        saved = self.save_service(request, obj, form, change)
        if saved is not None and saved is not obj:
            # The admin goes on with `obj` (message, redirect): give it the saved row.
            obj.pk = saved.pk
            obj.refresh_from_db()

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were saved by the service, not by their formsets: the admin's log
        # says what the main form changed.
        return super().construct_change_message(request, form, None, add)

    def delete_service(self, request, obj) -> None:
        raise PermissionDenied

    def delete_refusal(self, request, obj) -> str | None:
        """Why the service would refuse to delete `obj` (None: it would not)."""
        return None

    def get_deleted_objects(self, objs, request):
        # What the service refuses is shown as protected: the admin's « Suppression
        # impossible » page, before anything is deleted.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [refusal for obj in objs if (refusal := self.delete_refusal(request, obj))]
        if refusals:
            # The service's reason first: no permission would make the deletion possible.
            return deleted, counts, set(), [*refusals, *protected]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(request, obj)

    def has_delete_permission(self, request, obj=None):
        overridden = type(self).delete_service is not ServiceAdmin.delete_service
        return overridden and super().has_delete_permission(request, obj)

    # A past version is shown, never restored as such: restoring would write without the
    # service (django-simple-history saves the form alone, without the inlines).

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            messages.error(request, REVERT_REFUSED)
            return HttpResponseRedirect(request.get_full_path())
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The service refused after the form's checks: its transaction is undone. The
            # form is shown again as it was typed, the refusal on its fields.
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                report(request, error)
                return HttpResponseRedirect(request.get_full_path())
            request._service_refusal = error
            for upload in request.FILES.values():
                upload.seek(0)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"clean": _clean_with_refusal(refusal)})


class ReadOnlyAdmin(PrivateFilesMixin, AutocompleteFieldsMixin, OddDatesMixin, admin.ModelAdmin):
    """Shown, never written from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """A frozen document or a row written by a service (a signature, a letter, a bundle, an
    association's request…): shown with its history (django-simple-history's page), never
    written from the admin. Its files are not among its fields: the model's admin links
    them through their permission-checked views (`download_link`)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied  # a past version is read in the history list, not restored


def download_link(url: str | None, label: str = "Télécharger") -> str:
    """A link to a permission-checked view, never to the stored file itself."""
    if not url:
        return "—"
    return format_html('<a href="{}">{}</a>', url, label)


def transition_log(obj) -> list:
    """The status changes of a workflow-bearing object, oldest first, with their authors."""
    if obj is None:
        return []
    return list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("user")
    )


class TransitionsAdmin(ServiceAdmin):
    """A workflow-bearing model: its status read-only, its transitions through services.

    `transition_services`: {action: service(instance, user, comment) → instance} for the
    transitions the admin offers; the others (those that need a document, a signature, a
    vote) are done on the staff pages.
    """

    change_form_template = "admin/transitions_change_form.html"
    transition_services: dict = {}

    def get_readonly_fields(self, request, obj=None):
        return ["status", *[f for f in super().get_readonly_fields(request, obj) if f != "status"]]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in self.transition_services:
            run = self._action(action)
            actions[run.__name__] = (run, run.__name__, run.short_description)
        return actions

    def _action(self, action: str):
        label = workflow.label(self.model, action)

        def run(modeladmin, request, queryset):
            done = 0
            for obj in queryset:
                try:
                    self.transition_services[action](obj, request.user, "")
                    done += 1
                except ValidationError as refusal:
                    messages.error(request, f"{obj} : {' '.join(refusal.messages)}")
            if done:
                opts = self.model._meta
                name = opts.verbose_name if done == 1 else opts.verbose_name_plural
                messages.success(request, DONE_MANY.format(label=label, count=done, name=name))

        run.__name__ = f"transition_{action}"
        run.short_description = label
        return run

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        offered = []
        if obj is not None:
            offered = [
                item
                for item in workflow.offered(obj, request.user)
                if item[0] in self.transition_services
            ]
        extra_context = {
            **(extra_context or {}),
            "transition_log": transition_log(obj),
            "transitions": offered,
            "transition_url": f"admin:{self._url_name()}",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_transition"

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name=self._url_name(),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        service = self.transition_services.get(action)
        try:
            if service is None:
                raise ValidationError(workflow.UNKNOWN.format(action=action))
            service(obj, request.user, request.POST.get("comment", ""))
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        else:
            label = workflow.label(self.model, action)
            self.message_user(request, DONE.format(label=label), messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
        )


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "target_display", "action", "from_display", "to_display", "user"]
    list_select_related = ["user"]
    list_filter = ["content_type", "action"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        # Each object named once, with what its name reads (LifecycleMixin.str_related).
        targets = [
            model._default_manager.select_related(*model.str_related)
            for model in apps.get_models()
            if issubclass(model, workflow.LifecycleMixin)
        ]
        return super().get_queryset(request).prefetch_related(GenericPrefetch("target", targets))

    @admin.display(description="objet")
    def target_display(self, log):
        return str(log.target)

    @admin.display(description="de")
    def from_display(self, log):
        return log.get_from_status_display()

    @admin.display(description="vers")
    def to_display(self, log):
        return log.get_to_status_display()


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ["key", "value"]
