"""« À faire »: what waits for each person, from the roles they hold.

A list of small providers, one per kind of work (`TodoKind`): a queryset of the objects
waiting, the role-map action whose roles do that work (subventions.roles), the lookup of
the financial year of an entry, and how an entry is named and linked. Another part of
the application adds a kind with `register(TodoKind(...))`. The association space's
work is here too: the requests submitted online are among the files to instruct (their
origin said), the associations' answers wait for the file's instructor, the accounts
asking to act for an association wait for a clerk, the reports typed online for
Finances.

Reads are constant in the number of entries: one query counts every visible kind by year
(a UNION of grouped counts), then one query per kind lists the entries of the chosen year
(at most `ENTRIES_SHOWN`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.filters import AWAITING_SIGNATURE
from conventions.models import Agreement
from core.formatting import euros, short_date, typography
from core.modeling import subquery_sum
from core.workflow import has_role
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from subventions.enums import (
    ApplicationStatus,
    InformationRequestStatus,
    InstalmentCondition,
    MembershipStatus,
    ReportStatus,
    Role,
    SubsidyStatus,
)
from subventions.models import (
    FinancialReport,
    InformationRequest,
    Membership,
    Payment,
    PaymentInstalment,
    Subsidy,
)
from subventions.roles import allowed

ENTRIES_SHOWN = 50
# Reports due within this many days are « attendus » (the reminders' horizon).
REPORTS_HORIZON_DAYS = 30


@dataclass(frozen=True)
class TodoKind:
    """One kind of work waiting: which objects, for whom, how each one is shown."""

    key: str
    label: str  # « Dossiers à instruire »
    action: str  # the role-map action whose roles do this work
    # (user, today) → the objects waiting, whatever their year.
    waiting: Callable[[object, datetime.date], QuerySet]
    # The lookup filtering on the entry's financial year, and the expression giving it.
    year_lookup: str
    year: object
    url: Callable[[object], str]
    text: Callable[[object, datetime.date], str]
    # Who does it, shown under the title (what comes next and who does it).
    who: str = ""
    select_related: tuple[str, ...] = field(default=())


KINDS: list[TodoKind] = []


def register(kind: TodoKind) -> TodoKind:
    """Add a kind of work (its key is unique)."""
    if any(existing.key == kind.key for existing in KINDS):
        raise ValueError(f"« À faire » : le type {kind.key} est déjà déclaré.")
    KINDS.append(kind)
    return kind


def kinds_for(user) -> list[TodoKind]:
    """The kinds of work the user's roles do (superusers: all)."""
    return [kind for kind in KINDS if allowed(user, kind.action)]


# The providers


def _subsidy_url(subsidy) -> str:
    return reverse("subventions:subsidy_detail", args=[subsidy.pk])


def _name(beneficiary) -> str:
    return beneficiary.short_name or beneficiary.legal_name


def _subsidy_text(subsidy, today) -> str:
    return (
        f"{subsidy.reference} — {_name(subsidy.beneficiary)} : {subsidy.purpose or subsidy.title}"
    )


def _online_request(subsidy):
    """The request the association submitted in its space for this file, if any (read
    from the `application` the query selected: no query of its own)."""
    try:
        application = subsidy.application
    except ObjectDoesNotExist:
        return None
    return application if application.status == ApplicationStatus.SUBMITTED else None


def _file_to_instruct_text(subsidy, today) -> str:
    text = _subsidy_text(subsidy, today)
    application = _online_request(subsidy)
    if application is not None:
        text += f" (demande en ligne du {short_date(timezone.localdate(application.submitted_at))})"
    return text


def _files_to_instruct(user, today):
    files = Subsidy.objects.filter(status=SubsidyStatus.DRAFT)
    if not has_role(user, Role.HEAD_OF_SERVICE):
        # An instructor sees the files given to them, and those given to nobody yet.
        files = files.filter(Q(instructor=user) | Q(instructor__isnull=True))
    return files


register(
    TodoKind(
        key="a_instruire",
        label="Dossiers à instruire",
        who="Instructeur : compléter le dossier, puis le transmettre au Responsable de service.",
        action="subsidy.submit",
        waiting=_files_to_instruct,
        year_lookup="year",
        year=F("year"),
        url=_subsidy_url,
        text=_file_to_instruct_text,
        select_related=("beneficiary", "application"),
    )
)


def _answers_to_read(user, today):
    answered = InformationRequest.objects.filter(status=InformationRequestStatus.ANSWERED)
    if not has_role(user, Role.HEAD_OF_SERVICE):
        # As for the files to instruct: the instructor's files, and those of nobody yet.
        answered = answered.filter(
            Q(subsidy__instructor=user) | Q(subsidy__instructor__isnull=True)
        )
    return answered.order_by("answered_at", "pk")


def _answer_text(request, today) -> str:
    subsidy = request.subsidy
    return (
        f"{subsidy.reference} — {_name(subsidy.beneficiary)} : réponse à « {request.subject} »"
        f" reçue le {short_date(timezone.localdate(request.answered_at))}"
    )


register(
    TodoKind(
        key="reponses_associations",
        label="Réponses des associations à lire",
        who=(
            "Instructeur : lire la réponse et sa pièce sur le dossier, "
            "puis clore la demande de compléments."
        ),
        action="ask_information",
        waiting=_answers_to_read,
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=lambda request: _subsidy_url(request.subsidy) + "#titre-echanges",
        text=_answer_text,
        select_related=("subsidy__beneficiary",),
    )
)


def _membership_text(membership, today) -> str:
    user = membership.user
    person = user.get_full_name() or user.get_username()
    return (
        f"{person} ({user.email}) pour {_name(membership.beneficiary)}, "
        f"{membership.role_in_association} — demandé le "
        f"{short_date(timezone.localdate(membership.requested_at))}"
    )


register(
    TodoKind(
        key="rattachements_a_confirmer",
        label="Comptes association à confirmer",
        who=(
            "Vérifier que la personne agit bien pour l'association, "
            "puis confirmer ou refuser son rattachement."
        ),
        action="manage_memberships",
        waiting=lambda user, today: Membership.objects.filter(
            status=MembershipStatus.PENDING
        ).order_by("requested_at", "pk"),
        # A membership has no financial year: the year it was asked for.
        year_lookup="requested_at__year",
        year=ExtractYear("requested_at"),
        url=lambda membership: (
            reverse("subventions:membership_list") + f"#rattachement-{membership.pk}"
        ),
        text=_membership_text,
        select_related=("user", "beneficiary"),
    )
)

register(
    TodoKind(
        key="a_proposer",
        label="Dossiers à proposer",
        who="Responsable de service : proposer le montant au vote, ou renvoyer le dossier.",
        action="subsidy.propose",
        waiting=lambda user, today: Subsidy.objects.filter(status=SubsidyStatus.UNDER_REVIEW),
        year_lookup="year",
        year=F("year"),
        url=_subsidy_url,
        text=_subsidy_text,
        select_related=("beneficiary",),
    )
)


def files_to_schedule() -> QuerySet:
    """Proposed files that no deliberation (withdrawn ones aside) carries yet."""
    on_agenda = DeliberationSubsidy.objects.filter(subsidy=OuterRef("pk")).exclude(
        deliberation__status=DeliberationStatus.WITHDRAWN
    )
    return Subsidy.objects.filter(status=SubsidyStatus.PROPOSED).filter(~Exists(on_agenda))


register(
    TodoKind(
        key="a_inscrire",
        label="Dossiers à inscrire à l'ordre du jour",
        who="Secrétariat des assemblées : placer le dossier proposé dans une délibération.",
        action="manage_sessions",
        waiting=lambda user, today: files_to_schedule(),
        year_lookup="year",
        year=F("year"),
        url=_subsidy_url,
        text=_subsidy_text,
        select_related=("beneficiary",),
    )
)


def _session_text(session, today) -> str:
    count = session.deliberation_count
    plural = "s" if count > 1 else ""
    return f"{session} — {count} délibération{plural} à l'ordre du jour"


register(
    TodoKind(
        key="seances_a_preparer",
        label="Séances à préparer",
        who="Secrétariat des assemblées : ordre du jour, convocation, présences.",
        action="manage_sessions",
        waiting=lambda user, today: (
            Session.objects.filter(date__gte=today)
            .annotate(
                deliberation_count=Count(
                    "deliberations", filter=~Q(deliberations__status=DeliberationStatus.WITHDRAWN)
                )
            )
            .order_by("date", "time")
        ),
        year_lookup="date__year",
        year=ExtractYear("date"),
        url=lambda session: reverse("deliberations:session_detail", args=[session.pk]),
        text=_session_text,
        select_related=("authority",),
    )
)

register(
    TodoKind(
        key="votes_a_enregistrer",
        label="Votes à enregistrer",
        who="Secrétariat des assemblées : le vote des délibérations des séances tenues.",
        action="manage_sessions",
        waiting=lambda user, today: Deliberation.objects.filter(
            status=DeliberationStatus.DRAFT, session__date__lte=today
        ),
        year_lookup="session__date__year",
        year=ExtractYear("session__date"),
        url=lambda deliberation: reverse(
            "deliberations:deliberation_detail", args=[deliberation.pk]
        ),
        text=lambda deliberation, today: f"{deliberation.title} ({deliberation.session})",
        select_related=("session", "session__authority"),
    )
)


def _agreement_url(agreement) -> str:
    return reverse("conventions:agreement_detail", args=["convention", agreement.pk])


def _agreement_text(agreement, today) -> str:
    subsidy = agreement.subsidy
    name = subsidy.beneficiary.short_name or subsidy.beneficiary.legal_name
    return f"Convention {agreement.number} — {name} ({agreement.get_status_display().lower()})"


register(
    TodoKind(
        key="conventions_a_envoyer",
        label="Conventions à envoyer",
        who="Envoyer au bénéficiaire la convention prête pour signature.",
        action="prepare_agreements",
        waiting=lambda user, today: Agreement.objects.filter(status=AgreementStatus.READY),
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=_agreement_url,
        text=_agreement_text,
        select_related=("subsidy__beneficiary",),
    )
)

register(
    TodoKind(
        key="conventions_a_signer",
        label="Conventions à signer",
        who="Signataire : signer pour la collectivité.",
        action="sign_agreement",
        waiting=lambda user, today: Agreement.objects.filter(status__in=AWAITING_SIGNATURE),
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=_agreement_url,
        text=_agreement_text,
        select_related=("subsidy__beneficiary",),
    )
)


def instalments_due(today: datetime.date) -> QuerySet:
    """Instalments that may be paid now and are not paid in full: the file is voted and
    executory, its agreement signed when one is required, and the instalment's condition
    met (at signature; at its date; once the financial report is approved)."""
    return (
        PaymentInstalment.objects.filter(
            subsidy__status__in=(SubsidyStatus.VOTED, SubsidyStatus.AGREEMENT_SIGNED),
            subsidy__executory_on__lte=today,
        )
        .filter(
            Q(subsidy__agreement_signed_on__isnull=False)
            | Q(subsidy__amount_awarded__lte=settings.AGREEMENT_THRESHOLD)
        )
        .filter(
            Q(condition=InstalmentCondition.ON_SIGNATURE)
            | Q(condition=InstalmentCondition.ON_DATE, due_date__lte=today)
            | Q(
                condition=InstalmentCondition.ON_FINANCIAL_REPORT,
                subsidy__financial_report__status=ReportStatus.APPROVED,
            )
        )
        .annotate(paid=subquery_sum(Payment.objects.all(), link="instalment"))
        .filter(paid__lt=F("amount"))
    )


def _instalment_text(instalment, today) -> str:
    subsidy = instalment.subsidy
    name = subsidy.beneficiary.short_name or subsidy.beneficiary.legal_name
    return (
        f"{subsidy.reference} — {name} : {instalment.label}, "
        f"{euros(instalment.amount - instalment.paid)} à verser"
    )


register(
    TodoKind(
        key="versements_a_effectuer",
        label="Versements à effectuer",
        who="Finances : mandater les échéances dont la condition est remplie.",
        action="record_money",
        waiting=lambda user, today: instalments_due(today),
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=lambda instalment: _subsidy_url(instalment.subsidy),
        text=_instalment_text,
        select_related=("subsidy__beneficiary",),
    )
)


def _report_text(report, today) -> str:
    subsidy = report.subsidy
    name = subsidy.beneficiary.short_name or subsidy.beneficiary.legal_name
    if report.due_date < today:
        when = f"en retard depuis le {short_date(report.due_date)}"
    else:
        when = f"attendu le {short_date(report.due_date)}"
    return f"{subsidy.reference} — {name} : compte rendu {when}"


register(
    TodoKind(
        key="comptes_rendus_attendus",
        label="Comptes rendus attendus ou en retard",
        who="Instructeur : obtenir du bénéficiaire son compte rendu financier.",
        action="edit_subsidy",
        waiting=lambda user, today: FinancialReport.objects.to_remind(
            today, days=REPORTS_HORIZON_DAYS
        ),
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=lambda report: _subsidy_url(report.subsidy),
        text=_report_text,
        select_related=("subsidy__beneficiary",),
    )
)


def _typed_online(report) -> bool:
    """Whether the association typed and transmitted this report in its space (read from
    the `statement` the query selected)."""
    try:
        return report.statement.submitted_at is not None
    except ObjectDoesNotExist:
        return False


def _received_report_url(report) -> str:
    # A report typed online is reviewed side by side, planned and actual; another one
    # on its file.
    if _typed_online(report):
        return reverse("subventions:financial_report_review", args=[report.pk])
    return _subsidy_url(report.subsidy)


def _received_report_text(report, today) -> str:
    subsidy = report.subsidy
    how = " en ligne" if _typed_online(report) else ""
    return (
        f"{subsidy.reference} — {_name(subsidy.beneficiary)} : "
        f"reçu{how} le {short_date(report.received_on)}"
    )


register(
    TodoKind(
        key="comptes_rendus_a_examiner",
        label="Comptes rendus à examiner",
        who="Finances : approuver le compte rendu reçu, ou le rejeter avec son motif.",
        action="record_money",
        waiting=lambda user, today: FinancialReport.objects.filter(status=ReportStatus.RECEIVED),
        year_lookup="subsidy__year",
        year=F("subsidy__year"),
        url=_received_report_url,
        text=_received_report_text,
        select_related=("subsidy__beneficiary", "statement"),
    )
)


# Reading


@dataclass
class Entry:
    url: str
    text: str


@dataclass
class TodoList:
    kind: TodoKind
    count: int  # in the chosen year
    by_year: dict[int, int]
    entries: list[Entry] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.entries), 0)


def counts_by_year(kinds: list[TodoKind], user, today: datetime.date) -> dict[str, dict]:
    """{kind key: {year: count}} for every kind, in one query (a UNION of grouped counts)."""
    if not kinds:
        return {}
    parts = [
        kind.waiting(user, today)
        .order_by()
        .annotate(todo_kind=Value(kind.key), todo_year=kind.year)
        .values("todo_kind", "todo_year")
        .annotate(todo_count=Count("pk"))
        .values_list("todo_kind", "todo_year", "todo_count")
        for kind in kinds
    ]
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    counts: dict[str, dict[int, int]] = {kind.key: {} for kind in kinds}
    for key, year, count in query:
        counts[key][year] = counts[key].get(year, 0) + count
    return counts


def todo_lists(user, year: int, today: datetime.date, *, entries: bool = True) -> list[TodoList]:
    """The user's kinds of work with their counts by year, and (with `entries`) the
    entries of `year`, at most ENTRIES_SHOWN each. 1 + (one per kind) queries."""
    kinds = kinds_for(user)
    counts = counts_by_year(kinds, user, today)
    lists = []
    for kind in kinds:
        by_year = dict(sorted(counts[kind.key].items(), reverse=True))
        todo = TodoList(kind=kind, count=by_year.get(year, 0), by_year=by_year)
        if entries and todo.count:
            rows = (
                kind.waiting(user, today)
                .filter(**{kind.year_lookup: year})
                .select_related(*kind.select_related)[:ENTRIES_SHOWN]
            )
            todo.entries = [
                Entry(url=kind.url(row), text=typography(kind.text(row, today))) for row in rows
            ]
        lists.append(todo)
    return lists
