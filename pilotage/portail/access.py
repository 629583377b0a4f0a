"""Who may open a page of the association space, and which objects it may see.

Every portal view is wrapped in `portal_account_required` (or `PortalAccountMixin`) and
reads its objects through `get_beneficiary_for_account` / `get_subsidy_for_account` /
`get_application_for_account`, which answer 404 for anything not the account's own: an
association never learns whether another one's id exists.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from subventions.memberships import (
    beneficiaries_for_account,
    is_portal_account,
    subsidies_for_account,
)
from subventions.models import Application, Beneficiary, Subsidy, VaultDocument

NOT_AN_ACCOUNT = (
    "Cette page est réservée aux comptes des associations. Les agents de la collectivité "
    "utilisent l'application de gestion."
)
NOT_FOUND = "Cette page n'existe pas, ou elle ne concerne pas votre association."
TOO_MANY = "Trop de tentatives : patientez quelques minutes avant de réessayer."
RATE_LIMITED_TEMPLATE = "portail/429.html"


def portal_account_required(view):
    """Logged in (else the portal's login page), and an association account (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portail:login"))
        if not is_portal_account(request.user):
            raise PermissionDenied(NOT_AN_ACCOUNT)
        return view(request, *args, **kwargs)

    return wrapped


class PortalAccountMixin:
    """The class-based views' twin of `portal_account_required`."""

    def dispatch(self, request, *args, **kwargs):
        return portal_account_required(super().dispatch)(request, *args, **kwargs)


def get_beneficiary_for_account(user, pk) -> Beneficiary:
    beneficiary = beneficiaries_for_account(user).filter(pk=pk).first()
    if beneficiary is None:
        raise Http404(NOT_FOUND)
    return beneficiary


def get_subsidy_for_account(user, pk) -> Subsidy:
    subsidy = subsidies_for_account(user).filter(pk=pk).select_related("beneficiary").first()
    if subsidy is None:
        raise Http404(NOT_FOUND)
    return subsidy


def get_application_for_account(user, pk) -> Application:
    application = (
        Application.objects.filter(beneficiary__in=beneficiaries_for_account(user), pk=pk)
        .select_related("beneficiary", "subsidy")
        .first()
    )
    if application is None:
        raise Http404(NOT_FOUND)
    return application


def get_vault_document_for_account(user, pk) -> VaultDocument:
    document = VaultDocument.objects.filter(
        beneficiary__in=beneficiaries_for_account(user), pk=pk
    ).first()
    if document is None:
        raise Http404(NOT_FOUND)
    return document


def rate_limited(group: str, rate: str, *, key: str = "ip"):
    """Refuse a POST past `rate` (django-ratelimit, counted in the cache) with a French
    429 page, so that sign-up, login links and messages cannot be flooded."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and is_ratelimited(
                request, group=f"portail.{group}", key=key, rate=rate, increment=True
            ):
                return render(request, RATE_LIMITED_TEMPLATE, {"message": TOO_MANY}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
