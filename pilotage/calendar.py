"""The sessions calendar: a year's sessions by month, each with the state of its agenda.
One query whatever the number of sessions."""

import datetime
from dataclasses import dataclass

from babel.dates import get_month_names
from django.db.models import Count, Q

from deliberations.enums import DeliberationStatus
from deliberations.models import Session


@dataclass
class Month:
    number: int
    name: str
    sessions: list[Session]


def sessions_by_month(year: int) -> list[Month]:
    """The twelve months of `year`, each with its sessions in order, annotated with their
    agenda: deliberations (withdrawn ones aside), files on them, votes recorded or not."""
    on_agenda = ~Q(deliberations__status=DeliberationStatus.WITHDRAWN)
    sessions = (
        Session.objects.filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        )
        .select_related("authority")
        .annotate(
            deliberation_count=Count("deliberations", filter=on_agenda, distinct=True),
            file_count=Count("deliberations__links", filter=on_agenda, distinct=True),
            adopted_count=Count(
                "deliberations",
                filter=Q(deliberations__status=DeliberationStatus.ADOPTED),
                distinct=True,
            ),
            rejected_count=Count(
                "deliberations",
                filter=Q(deliberations__status=DeliberationStatus.REJECTED),
                distinct=True,
            ),
            draft_count=Count(
                "deliberations",
                filter=Q(deliberations__status=DeliberationStatus.DRAFT),
                distinct=True,
            ),
        )
        .order_by("date", "time")
    )
    names = get_month_names("wide", locale="fr_FR")
    months = [Month(number=n, name=names[n], sessions=[]) for n in range(1, 13)]
    for session in sessions:
        months[session.date.month - 1].sessions.append(session)
    return months
