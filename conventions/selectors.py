"""Reads of the agreements that span several models."""

import re

from subventions.models import Subsidy


def agreement_by_reference(reference: str):
    """The agreement or amendment a command names: « CONV-2021-0001 », « CONV-2021-0001-A1 »,
    or the subsidy's reference « SUB-2021-0001 » (its agreement). None when unknown."""
    from .models import Agreement, Amendment

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


def signed_amendments_total(subsidy: Subsidy):
    """The sum of the amount changes of the subsidy's amendments signed by the authority."""
    from django.db.models import Sum

    from .models import Amendment

    total = (
        Amendment.objects.signed_by_authority()
        .filter(agreement__subsidy=subsidy)
        .aggregate(total=Sum("amount_change"))["total"]
    )
    return total or 0


def current_amount(subsidy: Subsidy):
    """Awarded + signed amendments (DESIGN.md §6). Clawbacks are the money's business:
    `Subsidy.current_amount` (subventions) adds them when it exists."""
    from decimal import Decimal

    awarded = subsidy.amount_awarded or Decimal("0")
    return awarded + signed_amendments_total(subsidy)


def signed_amendments_sum():
    """Annotation on a Subsidy queryset: the amount changes of its amendments signed by
    the authority, 0 when none — for `SubsidyQuerySet.with_money()` (one subquery)."""
    from decimal import Decimal

    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from .models import Amendment

    total = DecimalField(max_digits=14, decimal_places=2)
    amendments = (
        Amendment.objects.signed_by_authority()
        .filter(agreement__subsidy=OuterRef("pk"))
        .order_by()
        .values("agreement__subsidy")
        .annotate(total=Sum("amount_change"))
        .values("total")
    )
    return Coalesce(Subquery(amendments, output_field=total), Value(Decimal("0"), total))
