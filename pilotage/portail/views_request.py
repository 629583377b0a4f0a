"""The request of an association (Cerfa 12156*06) in steps, its submission, and the
account's list of files (« Mes dossiers »)."""

from django.shortcuts import render

from subventions.memberships import subsidies_for_account
from subventions.models import Application

from .access import portal_account_required


@portal_account_required
def subsidy_list(request):
    subsidies = (
        subsidies_for_account(request.user)
        .select_related("beneficiary", "application")
        .order_by("-year", "-pk")
    )
    return render(
        request,
        "portail/subsidy_list.html",
        {"subsidies": subsidies, "applications": Application.objects.none()},
    )
