"""The dashboard: the year's files by status, its budget lines, what waits for a signature or
a financial report, and the coming sessions."""

from django.shortcuts import render
from django.utils import timezone

from conventions.filters import AWAITING_SIGNATURE
from core.middleware import YEAR_PARAMETER
from subventions.enums import ACTIVE_STATUSES, VOTED_STATUSES
from subventions.permissions import require

from . import selectors


@require("view")
def dashboard(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get(YEAR_PARAMETER, today.year))
    except ValueError:
        year = today.year
    figures = selectors.dashboard_figures(year, today)
    return render(
        request,
        "pilotage/dashboard.html",
        {
            "figures": figures,
            "sessions": selectors.next_sessions(today),
            "today": today,
            "active_statuses": ACTIVE_STATUSES,
            "voted_statuses": VOTED_STATUSES,
            "awaiting_signature": AWAITING_SIGNATURE,
        },
    )
