"""Reads of the conventions app that span several models."""

from django.db.models import Prefetch

from subventions.models import CoFunding, Subsidy

from .enums import DeliberationStatus
from .models import Deliberation, DeliberationSubsidy


def deliberation_by_number(number: str) -> Deliberation | None:
    """The deliberation of that number (spaces as typed are normalised), or None."""
    number = " ".join(number.split())
    return (
        Deliberation.objects.select_related("session", "policy_area").filter(number=number).first()
    )


def deliberation_subsidies(deliberation: Deliberation) -> list[Subsidy]:
    """The deliberation's subsidies in table order, with all the text shows of them.

    A constant number of queries whatever the number of subsidies.
    """
    links = (
        DeliberationSubsidy.objects.filter(deliberation_id=deliberation.pk)
        .select_related("subsidy__beneficiary")
        .prefetch_related(
            "subsidy__axes",
            Prefetch(
                "subsidy__cofundings",
                queryset=CoFunding.objects.prefetch_related("partner_links__partner"),
            ),
        )
    )
    return [link.subsidy for link in links]


def subsidies_in_active_deliberations(subsidies) -> dict[int, Deliberation]:
    """For each given subsidy already in a deliberation not withdrawn: that deliberation."""
    links = DeliberationSubsidy.objects.filter(
        subsidy__in=subsidies, deliberation__in=Deliberation.objects.active()
    ).select_related("deliberation")
    return {link.subsidy_id: link.deliberation for link in links}


def granting_deliberation(subsidy: Subsidy) -> Deliberation | None:
    """The adopted deliberation granting the subsidy (the first executory one), if any."""
    return (
        Deliberation.objects.select_related("session")
        .filter(links__subsidy=subsidy, status=DeliberationStatus.ADOPTED)
        .order_by("executory_date", "pk")
        .first()
    )
