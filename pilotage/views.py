"""The dashboard (the year's files by status, its budget lines and what is still available
on them, what waits for the user), the « À faire » page, the sessions calendar and the
charts."""

from django.shortcuts import render
from django.utils import timezone

from conventions.filters import AWAITING_SIGNATURE
from core import dataversion
from core.middleware import YEAR_PARAMETER
from subventions.enums import ACTIVE_STATUSES, VOTED_STATUSES
from subventions.permissions import require

from . import calendar, charts, selectors, todo

# The one query parameter naming the financial year, as on the list pages.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def chosen_year(request, default) -> int:
    """The year asked for in the query string, else `default` (called only when needed):
    a value that is not a year is ignored rather than refused."""
    value = request.GET.get(YEAR_PARAMETER, "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    return default() if callable(default) else default


@require("view")
def dashboard(request):
    today = timezone.localdate()
    # What the dashboard reads of the data (the year's sums over its files above all):
    # computed once for each version of the data, read again by every request until
    # anything is saved (core.dataversion).
    version = dataversion.current_version()

    def remember(what: tuple, compute):
        return dataversion.remember(version, repr(("dashboard", today, *what)), compute)

    year = chosen_year(request, lambda: remember(("year",), lambda: selectors.default_year(today)))
    figures = remember(("figures", year), lambda: selectors.dashboard_figures(year, today))
    sessions = remember(("sessions",), lambda: list(selectors.next_sessions(today)))
    return render(
        request,
        "pilotage/dashboard.html",
        {
            "figures": figures,
            "sessions": sessions,
            "todo_lists": todo.todo_lists(request.user, year, today, entries=False),
            "today": today,
            "active_statuses": ACTIVE_STATUSES,
            "voted_statuses": VOTED_STATUSES,
            "awaiting_signature": AWAITING_SIGNATURE,
        },
    )


@require("view")
def todo_page(request):
    today = timezone.localdate()
    year = chosen_year(request, lambda: selectors.default_year(today))
    lists = todo.todo_lists(request.user, year, today)
    years = sorted(
        {year, today.year} | {y for todo_list in lists for y in todo_list.by_year},
        reverse=True,
    )
    return render(
        request,
        "pilotage/todo.html",
        {"year": year, "years": years, "todo_lists": lists, "today": today},
    )


@require("view")
def session_calendar(request):
    today = timezone.localdate()
    year = chosen_year(request, today.year)
    return render(
        request,
        "pilotage/calendar.html",
        {
            "year": year,
            "months": calendar.sessions_by_month(year),
            "today": today,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
        },
    )


@require("view")
def chart_page(request):
    today = timezone.localdate()
    year = chosen_year(request, lambda: selectors.default_year(today))
    return render(
        request,
        "pilotage/charts.html",
        {
            "year": year,
            "years": selectors.year_choices(year, today.year),
            "policy_areas": charts.voted_by_policy_area(year),
            "budget_lines": charts.budget_lines_paid_and_voted(year),
        },
    )
