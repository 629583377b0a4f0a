"""Reads of the deliberations app that span several models."""

from django.db.models import DecimalField, F, Prefetch, QuerySet
from django.db.models.functions import Coalesce, Greatest

from core.modeling import subquery_count, subquery_sum
from subventions.enums import SubsidyStatus
from subventions.models import CoFunding, Subsidy
from subventions.selectors import with_previous_subsidies

from .enums import DeliberationStatus
from .models import Deliberation, DeliberationSubsidy, Session


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
    return with_previous_subsidies([link.subsidy for link in links])


def subsidies_in_active_deliberations(subsidies) -> dict[int, Deliberation]:
    """For each given subsidy already in a deliberation not withdrawn: that deliberation."""
    links = DeliberationSubsidy.objects.filter(
        subsidy__in=subsidies, deliberation__in=Deliberation.objects.active()
    ).select_related("deliberation")
    return {link.subsidy_id: link.deliberation for link in links}


def granting_deliberation(subsidy: Subsidy | int) -> Deliberation | None:
    """The adopted deliberation granting the subsidy (the first executory one), if any.
    `subsidy` may be its id: a caller that has not read the subsidy yet spares a query."""
    return (
        # With the session's authority: the documents name it (authority_or_default).
        Deliberation.objects.select_related("session__authority")
        .filter(links__subsidy=subsidy, status=DeliberationStatus.ADOPTED)
        .order_by("executory_date", "pk")
        .first()
    )


# Lists and pages

MONEY = DecimalField(max_digits=14, decimal_places=2)


def deliberation_list() -> QuerySet[Deliberation]:
    """Deliberations with their session, policy area, subsidies (prefetched, in table
    order) and the total they grant: a constant number of queries."""
    return (
        Deliberation.objects.select_related("session", "policy_area")
        .prefetch_related("links__subsidy__beneficiary")
        # Correlated subqueries: computed for the page's rows only, no GROUP BY.
        .annotate(
            subsidy_count=subquery_count(DeliberationSubsidy.objects.all(), link="deliberation"),
            # What each file is granted: awarded once voted, proposed before.
            total=subquery_sum(
                DeliberationSubsidy.objects.all(),
                link="deliberation",
                field=Coalesce("subsidy__amount_awarded", "subsidy__amount_proposed"),
            ),
        )
        .order_by("-session__date", "-number", "-pk")
    )


# The subsidies the list shows on each deliberation's row; the others are counted.
SUBSIDIES_SHOWN = 3


def deliberation_list_rows() -> QuerySet[Deliberation]:
    """The deliberation list's rows: its first SUBSIDIES_SHOWN subsidies only
    (`first_links`, one windowed query for the page), so that a row granting 500 files
    costs what a row granting one costs; `subsidy_count` says how many there are."""
    # The windowed query reads the links alone; their files and beneficiaries come in a
    # second query by primary key. Joined into the windowed query, the files were read by
    # a scan of the whole table (the planner cannot push the window's limit into the join).
    first_links = DeliberationSubsidy.objects.order_by("position", "pk")[:SUBSIDIES_SHOWN]
    return (
        deliberation_list()
        .annotate(hidden_subsidy_count=Greatest(F("subsidy_count") - SUBSIDIES_SHOWN, 0))
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("links", queryset=first_links, to_attr="first_links"),
            Prefetch(
                "first_links__subsidy",
                queryset=Subsidy.objects.select_related("beneficiary"),
            ),
        )
    )


def session_agenda(session: Session) -> list[Deliberation]:
    """The session's deliberations in number order, with subsidies and totals."""
    return list(deliberation_list().filter(session=session).order_by("number", "pk"))


def placeable_subsidies():
    """Proposed subsidies not yet in a deliberation that is still alive."""
    placed = DeliberationSubsidy.objects.filter(
        deliberation__in=Deliberation.objects.active()
    ).values("subsidy")
    return (
        Subsidy.objects.for_list()
        .filter(status=SubsidyStatus.PROPOSED)
        .exclude(pk__in=placed)
        .order_by("reference")
    )
