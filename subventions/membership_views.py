"""Staff pages of the association accounts: the requests to confirm or refuse, and the
invitation a clerk sends from a beneficiary's page (login and permission required)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.views import paginate, run_form

from . import memberships
from .enums import MembershipStatus
from .models import Beneficiary, Membership
from .permissions import require

CONFIRMED = "{user} agit désormais pour {beneficiary}."
REFUSED = "La demande de {user} est refusée ; le motif lui est affiché."
INVITED = "L'invitation est envoyée à {email}."
# The association space's page that confirms an address (pilotage.portail), by its name.
CONFIRM_URL_NAME = "portail:confirm_email"


class InviteForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique de la personne")
    role_in_association = forms.CharField(
        label="Sa qualité dans l'association", max_length=100, help_text="« présidente »…"
    )
    is_representative = forms.BooleanField(label="Représentant légal", required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est affiché au demandeur.",
    )


@require("manage_memberships")
def membership_list(request):
    pending = (
        Membership.objects.filter(status=MembershipStatus.PENDING)
        .select_related("user", "beneficiary")
        .order_by("requested_at", "pk")
    )
    page = paginate(request, pending)
    return render(
        request,
        "subventions/membership_list.html",
        {"pending": page.object_list, "page": page, "refuse_form": RefuseForm()},
    )


@require("manage_memberships")
@require_POST
def membership_confirm(request, pk):
    membership = get_object_or_404(Membership, pk=pk)
    try:
        memberships.membership_confirm(membership=membership, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, CONFIRMED.format(user=membership.user, beneficiary=membership.beneficiary)
        )
    return redirect("subventions:membership_list")


@require("manage_memberships")
def membership_refuse(request, pk):
    membership = get_object_or_404(Membership, pk=pk)
    form = RefuseForm(request.POST or None)

    def refuse(data):
        return memberships.membership_refuse(
            membership=membership, user=request.user, reason=data["reason"]
        )

    if run_form(request, form, refuse) is not None:
        messages.success(request, REFUSED.format(user=membership.user))
        return redirect("subventions:membership_list")
    return render(
        request,
        "subventions/membership_refuse.html",
        {"membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@require("manage_memberships")
def membership_invite(request, pk):
    beneficiary = get_object_or_404(Beneficiary, pk=pk)
    form = InviteForm(request.POST or None)

    def invite(data):
        return memberships.membership_invite(
            beneficiary=beneficiary, invited_by=request.user, **data
        )

    membership = run_form(request, form, invite)
    if membership is not None:
        link = request.build_absolute_uri(
            reverse(CONFIRM_URL_NAME, args=[memberships.confirmation_token(membership.user)])
        )
        send_mail(
            f"Invitation à l'espace association — {beneficiary}",
            render_to_string(
                "subventions/email/membership_invitation.txt",
                {"membership": membership, "link": link, "clerk": request.user},
            ),
            settings.DEFAULT_FROM_EMAIL,
            [membership.user.email],
        )
        messages.success(request, INVITED.format(email=membership.user.email))
        return redirect("subventions:beneficiary_detail", beneficiary.pk)
    return render(
        request,
        "subventions/membership_invite.html",
        {"beneficiary": beneficiary, "form": form},
        status=400 if form.errors else 200,
    )
