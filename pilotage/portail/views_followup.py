"""The follow-up of a file in the association space.

A placeholder until the follow-up page (status history, deliberation, agreement,
payments, messages) replaces it: the file's reference, title and status.
"""

from django.shortcuts import render

from .access import get_subsidy_for_account, portal_account_required


@portal_account_required
def subsidy_detail(request, pk):
    subsidy = get_subsidy_for_account(request.user, pk)
    return render(request, "portail/subsidy_detail.html", {"subsidy": subsidy})
