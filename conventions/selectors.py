"""Reads of the agreements that span several models."""

import re

from core.modeling import subquery_count

from .models import Agreement, Amendment


def agreement_by_reference(reference: str) -> Agreement | Amendment | None:
    """The agreement or amendment a command names: « CONV-2021-0001 », « CONV-2021-0001-A1 »,
    or the subsidy's reference « SUB-2021-0001 » (its agreement). None when unknown."""
    reference = reference.strip().upper()
    match = re.match(r"^(?P<agreement>.+)-A(?P<number>[0-9]+)$", reference)
    if match:
        return (
            Amendment.objects.select_related("agreement__subsidy__beneficiary")
            .filter(agreement__number=match["agreement"], number=int(match["number"]))
            .first()
        )
    agreements = Agreement.objects.select_related("subsidy__beneficiary", "template")
    return (
        agreements.filter(number=reference).first()
        or agreements.filter(subsidy__reference=reference).first()
    )


def agreement_list():
    """Agreements with their subsidy, beneficiary and amendment count: constant queries."""
    return (
        Agreement.objects.select_related("subsidy__beneficiary", "subsidy__policy_area", "template")
        # A correlated subquery: counted for the page's rows only, no GROUP BY.
        .annotate(amendment_count=subquery_count(Amendment.objects.all(), link="agreement"))
        .order_by("-created_at", "-pk")
    )
