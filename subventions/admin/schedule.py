"""The payment schedule of a file, on a page of its own in the admin (« Échéancier »).

The Finances role sets it as a whole, in order: the page's rows go to
`payments.schedule_set`, which checks that they add up to the file's current amount and
that no paid instalment is removed; a refusal is shown above the rows, nothing is saved.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import inlineformset_factory
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from core.forms import french_formfield, live_forms
from core.grammar import plural

from .. import payments
from ..models import PaymentInstalment, Subsidy
from ..roles import allowed

SAVED = "L'échéancier de {reference} est enregistré ({count})."


class InstalmentForm(forms.ModelForm):
    class Meta:
        model = PaymentInstalment
        fields = ["position", "label", "share", "amount", "condition", "due_date"]
        formfield_callback = french_formfield
        widgets = {
            "position": forms.NumberInput(attrs={"class": "schedule-position"}),
            "label": forms.TextInput(attrs={"class": "schedule-label"}),
            "share": forms.TextInput(attrs={"class": "schedule-share", "inputmode": "decimal"}),
            "amount": forms.TextInput(attrs={"class": "schedule-amount", "inputmode": "decimal"}),
            "condition": forms.Select(attrs={"class": "schedule-condition"}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"share": "", "amount": ""}


ScheduleFormSet = inlineformset_factory(
    Subsidy, PaymentInstalment, form=InstalmentForm, extra=1, can_delete=True
)


def may_set_schedule(user) -> bool:
    return allowed(user, "record_money")


def instalments_of(formset) -> list[payments.InstalmentData]:
    """The wanted schedule: the rows kept, by their number, then in the page's order."""
    rows = sorted(
        enumerate(live_forms(formset)),
        key=lambda item: (item[1].cleaned_data.get("position") or 10_000, item[0]),
    )
    return [
        payments.InstalmentData(
            label=form.cleaned_data["label"],
            condition=form.cleaned_data["condition"],
            share=form.cleaned_data.get("share"),
            amount=form.cleaned_data.get("amount"),
            due_date=form.cleaned_data.get("due_date"),
        )
        for _index, form in rows
    ]


def schedule_view(model_admin: admin.ModelAdmin, request, pk: int):
    subsidy = get_object_or_404(Subsidy.objects.with_money(), pk=pk)
    if not (model_admin.has_view_permission(request, subsidy) and may_set_schedule(request.user)):
        raise PermissionDenied
    formset = ScheduleFormSet(
        request.POST or None,
        instance=subsidy,
        queryset=subsidy.instalments.order_by("position"),
    )
    if request.method == "POST" and formset.is_valid():
        try:
            saved = payments.schedule_set(
                subsidy=subsidy, instalments=instalments_of(formset), user=request.user
            )
        except ValidationError as refusal:
            formset._non_form_errors = formset.error_class(refusal.messages)
        else:
            messages.success(
                request,
                SAVED.format(reference=subsidy.reference, count=plural(len(saved), "échéance")),
            )
            return HttpResponseRedirect(
                reverse("admin:subventions_subsidy_change", args=[subsidy.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Subsidy._meta,
        "original": subsidy,
        "title": f"Échéancier de {subsidy.reference}",
        "subtitle": str(subsidy.beneficiary),
        "formset": formset,
        "current_amount": subsidy.current_amount,
    }
    return TemplateResponse(request, "admin/subventions/subsidy/schedule.html", context)
