"""Reads of the staff pages that span several models, each in a constant number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    Prefetch,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from core.formatting import euros
from core.grammar import name_key
from core.modeling import subquery_count, subquery_sum

from .enums import VOTED_STATUSES, InstalmentCondition
from .models import (
    Authority,
    Beneficiary,
    Clawback,
    CoFundingPartner,
    FinancialReport,
    Payment,
    PaymentInstalment,
    ReportStatement,
    Subsidy,
)

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def money_sum(expression: str, **kwargs):
    return Coalesce(Sum(expression, **kwargs), ZERO, output_field=MONEY)


# Lists


# A subsidy's budget line as BudgetLine.__str__ writes it, computed by the database (the
# exports read it with values_list, without building the line).
BUDGET_LINE_LABEL = Case(
    When(budget_line__isnull=True, then=Value("")),
    default=Concat(
        Cast("budget_line__year", CharField()),
        Value(" — "),
        "budget_line__chapter",
        Value("/"),
        "budget_line__article",
        Value(" "),
        "budget_line__label",
        output_field=CharField(),
    ),
    output_field=CharField(),
)


def subsidy_list() -> QuerySet[Subsidy]:
    """Subsidies as the list shows them, with `stage_amount`: awarded, else proposed, else
    requested (`Subsidy.amount` in SQL, so that it can be filtered and sorted on)."""
    return (
        Subsidy.objects.for_list()
        .annotate(
            stage_amount=Coalesce(
                "amount_awarded", "amount_proposed", "amount_requested", output_field=MONEY
            )
        )
        .order_by("-year", "reference")
    )


def beneficiary_list() -> QuerySet[Beneficiary]:
    """Beneficiaries with their number of files and the totals requested and awarded:
    correlated subqueries, computed for the page's rows only (no GROUP BY of the table)."""
    files = Subsidy.objects.all()
    return Beneficiary.objects.annotate(
        subsidy_count=subquery_count(files, link="beneficiary"),
        total_requested=subquery_sum(files, link="beneficiary", field="amount_requested"),
        total_awarded=subquery_sum(files, link="beneficiary", field="amount_awarded"),
    ).order_by("legal_name", "pk")


# Pages


@dataclass
class YearOfSubsidies:
    year: int
    subsidies: list[Subsidy]
    requested: Decimal
    proposed: Decimal
    awarded: Decimal


def beneficiary_subsidies_by_year(beneficiary: Beneficiary) -> list[YearOfSubsidies]:
    """All the files of a beneficiary, newest year first, with each year's totals.

    Two queries whatever the number of files: the files, and the totals by year.
    """
    subsidies = list(
        beneficiary.subsidies.select_related("policy_area", "budget_line").order_by(
            "-year", "reference"
        )
    )
    totals = {
        row["year"]: row
        for row in beneficiary.subsidies.order_by()
        .values("year")
        .annotate(
            requested=money_sum("amount_requested"),
            proposed=money_sum("amount_proposed"),
            awarded=money_sum("amount_awarded"),
        )
    }
    years: dict[int, list[Subsidy]] = {}
    for subsidy in subsidies:
        years.setdefault(subsidy.year, []).append(subsidy)
    return [
        YearOfSubsidies(
            year=year,
            subsidies=items,
            requested=totals[year]["requested"],
            proposed=totals[year]["proposed"],
            awarded=totals[year]["awarded"],
        )
        for year, items in years.items()
    ]


def other_years(subsidy: Subsidy) -> QuerySet[Subsidy]:
    """The beneficiary's other files (other years, or other files of the same year)."""
    return (
        Subsidy.objects.filter(beneficiary_id=subsidy.beneficiary_id)
        .exclude(pk=subsidy.pk)
        .select_related("policy_area")
        .order_by("-year", "reference")
    )


@dataclass
class CoFundingShare:
    label: str
    amount: Decimal
    share: Decimal | None
    status: str
    is_authority: bool = False


def funding_plan(subsidy: Subsidy, authority_name: str) -> list[CoFundingShare]:
    """The co-funding lines then the authority's own amount, each with its share (in %)
    of the projected budget, rounded as `Subsidy.budget_share` rounds."""
    budget = subsidy.projected_budget

    def share(amount):
        if not budget or amount is None:
            return None
        return amount * 100 / budget

    rows = [
        CoFundingShare(
            label=line.group_label or line.partner_names,
            amount=line.amount,
            share=share(line.amount),
            status=line.get_status_display(),
        )
        for line in subsidy.cofundings.all()
    ]
    rows.append(
        CoFundingShare(
            label=authority_name,
            amount=subsidy.amount,
            share=subsidy.budget_share,
            status=subsidy.get_status_display(),
            is_authority=True,
        )
    )
    return rows


# Likely duplicates of a beneficiary

SAME_RNA = "même numéro RNA"
SAME_SIRET = "même SIRET"
SAME_NAME = "même nom"
SIMILAR_NAME = "nom proche"
# pg_trgm's similarity (0 to 1) above which two normalised names are « proches ».
SIMILARITY_THRESHOLD = 0.5
DUPLICATES_SHOWN = 5


@dataclass(frozen=True)
class Duplicate:
    beneficiary: Beneficiary
    reason: str

    def __str__(self):
        return f"« {self.beneficiary} » ({self.reason})"


def beneficiary_duplicates(beneficiary: Beneficiary) -> list[Duplicate]:
    """The beneficiaries already stored that `beneficiary` (normalised, saved or not) is
    likely to repeat: same RNA, same SIRET, same normalised name (core.grammar.name_key),
    and on PostgreSQL a name similar by trigrams (pg_trgm). At most DUPLICATES_SHOWN, the
    surest first."""
    others = Beneficiary.objects.exclude(pk=beneficiary.pk) if beneficiary.pk else None
    others = others if others is not None else Beneficiary.objects.all()
    key = name_key(beneficiary.legal_name)
    found: dict[int, Duplicate] = {}

    def add(queryset, reason):
        for other in queryset.order_by("legal_name", "pk")[:DUPLICATES_SHOWN]:
            found.setdefault(other.pk, Duplicate(other, reason))

    if beneficiary.rna:
        add(others.filter(rna=beneficiary.rna), SAME_RNA)
    if beneficiary.siret:
        add(others.filter(siret=beneficiary.siret), SAME_SIRET)
    if key:
        add(others.filter(name_key=key), SAME_NAME)
        if connection.vendor == "postgresql":
            similar = (
                others.annotate(similarity=TrigramSimilarity("name_key", key))
                .filter(similarity__gte=SIMILARITY_THRESHOLD)
                .order_by("-similarity", "pk")
            )
            for other in similar[:DUPLICATES_SHOWN]:
                found.setdefault(other.pk, Duplicate(other, SIMILAR_NAME))
    return list(found.values())[:DUPLICATES_SHOWN]


def with_previous_subsidies(subsidies: list[Subsidy]) -> list[Subsidy]:
    """Fill each file's `previous_subsidy` (last year's file of the same beneficiary in the
    same policy area) with one query for all of them, as the property would choose it."""
    keys = {(s.beneficiary_id, s.policy_area_id, s.year - 1) for s in subsidies}
    candidates = (
        Subsidy.objects.active()
        .filter(
            beneficiary_id__in={key[0] for key in keys},
            year__in={key[2] for key in keys},
        )
        .order_by(F("amount_awarded").desc(nulls_last=True), "pk")
    )
    first: dict[tuple, Subsidy] = {}
    for candidate in candidates:
        key = (candidate.beneficiary_id, candidate.policy_area_id, candidate.year)
        if key in keys:
            first.setdefault(key, candidate)
    for subsidy in subsidies:
        key = (subsidy.beneficiary_id, subsidy.policy_area_id, subsidy.year - 1)
        # Subsidy.previous_subsidy is a cached_property: this is its cached value.
        subsidy.__dict__["previous_subsidy"] = first.get(key)
    return subsidies


# Money of a voted file (the « Finances » part of its page)


@dataclass
class InstalmentState:
    instalment: object
    paid: Decimal
    state: str
    payable: bool

    @property
    def remaining(self) -> Decimal:
        return max(self.instalment.amount - self.paid, ZERO)


@dataclass
class MoneyPanel:
    subsidy: Subsidy
    instalments: list[InstalmentState]
    payments: list
    clawbacks: list
    report: object | None


def instalment_state(subsidy: Subsidy, instalment, paid: Decimal, report) -> tuple[str, bool]:
    """What an instalment waits for, in French, and whether it may be paid now."""
    if paid >= instalment.amount:
        return "Versée", False
    if subsidy.executory_on is None:
        return "En attente de la délibération exécutoire", False
    if subsidy.requires_agreement and subsidy.agreement_signed_on is None:
        return "En attente de la convention signée", False
    if instalment.condition == InstalmentCondition.ON_FINANCIAL_REPORT and not (
        report is not None and report.is_settled
    ):
        return "En attente du compte rendu financier approuvé", False
    if paid:
        return "Versée en partie", True
    return "À verser", True


def money_panel(subsidy_pk: int) -> MoneyPanel:
    """A file's money as its page shows it, in five queries whatever its number of rows:
    the file with its figures, the schedule with what each instalment received, the
    payments, the clawbacks and the report."""
    subsidy = Subsidy.objects.with_money().select_related("beneficiary").get(pk=subsidy_pk)
    report = FinancialReport.objects.filter(subsidy_id=subsidy_pk).first()
    return money_of(subsidy, report)


def money_of(subsidy: Subsidy, report) -> MoneyPanel:
    """The money panel of a file already read `with_money()`, with its financial report
    (or None), in three queries: the schedule, the payments, the clawbacks."""
    subsidy_pk = subsidy.pk
    instalments = PaymentInstalment.objects.filter(subsidy_id=subsidy_pk).annotate(
        paid=money_sum("payments__amount")
    )
    states = []
    for instalment in instalments.order_by("position"):
        paid = Decimal(instalment.paid).quantize(Decimal("0.01"))
        state, payable = instalment_state(subsidy, instalment, paid, report)
        states.append(InstalmentState(instalment, paid, state, payable))
    return MoneyPanel(
        subsidy=subsidy,
        instalments=states,
        payments=list(
            Payment.objects.filter(subsidy_id=subsidy_pk)
            .select_related("instalment")
            .order_by("date", "pk")
        ),
        clawbacks=list(Clawback.objects.filter(subsidy_id=subsidy_pk).order_by("date", "pk")),
        report=report,
    )


def file_exchanges(subsidy: Subsidy, *, report=False, people: bool = True) -> dict:
    """The information requests and messages of a file, for both sides (issue 16), in three
    queries whatever their number (two when its financial `report`, or None, is given);
    without `people`, their askers and authors are left to `attach_people`."""
    if report is False:
        statement = ReportStatement.objects.filter(report__subsidy=subsidy).first()
    else:
        statement = getattr(report, "statement", None) if report is not None else None
    requests = subsidy.information_requests.order_by("-created_at", "-pk")
    messages = subsidy.messages.select_related("information_request").order_by("created_at", "pk")
    if people:
        requests = requests.select_related("asked_by")
        messages = messages.select_related("author")
    return {
        "requests": list(requests),
        "messages": list(messages),
        "report_statement": statement,
    }


@dataclass(frozen=True)
class ComparedRow:
    """One figure of a request typed online beside what the clerk made of it."""

    label: str
    asked: str
    current: str

    @property
    def corrected(self) -> bool:
        return self.asked != self.current


def _axes_text(titles) -> str:
    return " ; ".join(f"Axe {n} : {title}" for n, title in enumerate(titles, start=1) if title)


def _money_text(value) -> str:
    if value in (None, ""):
        return "—"
    return euros(Decimal(str(value)))


def application_comparison(subsidy: Subsidy) -> list[ComparedRow]:
    """What the association asked in its request (Application) beside the file as the
    clerk corrects it before proposing it; [] for a file typed by a clerk."""
    application = getattr(subsidy, "application", None)
    if application is None:
        return []
    budget = application.budget or {}
    charges = sum(Decimal(str(v or 0)) for v in (budget.get("charges") or {}).values())
    funders = " ; ".join(
        f"{funder.get('name') or funder.get('kind', '')} : {_money_text(funder.get('amount'))}"
        for funder in application.funders or []
    )
    cofundings = " ; ".join(
        f"{line.group_label or line.partner_names} : {_money_text(line.amount)}"
        for line in subsidy.cofundings.all()
    )
    return [
        ComparedRow("Intitulé", application.project_title or "—", subsidy.title or "—"),
        ComparedRow(
            "Montant demandé",
            _money_text(application.amount_requested),
            _money_text(subsidy.amount_requested),
        ),
        ComparedRow(
            "Budget de l'action",
            _money_text(charges or None),
            _money_text(subsidy.projected_budget),
        ),
        ComparedRow(
            "Axes d'action",
            _axes_text(axis.get("title", "") for axis in application.axes or []) or "—",
            _axes_text(axis.title for axis in subsidy.axes.all()) or "—",
        ),
        ComparedRow("Cofinancements", funders or "—", cofundings or "—"),
    ]


# A file's page (« Fiche d'une subvention »)


@dataclass
class SubsidyPage:
    """What a file's page shows that depends only on the database, whatever the user: read
    in a constant number of queries, and kept under the data's version (core.dataversion).
    What the user may do is worked out on each request (subventions.views)."""

    subsidy: Subsidy
    funding_plan: list[CoFundingShare]
    cofunding_total: Decimal
    other_years: list[Subsidy]
    exchanges: dict
    application_rows: list[ComparedRow]
    money: MoneyPanel | None
    is_incomplete: bool


def subsidy_page(pk: int) -> SubsidyPage:
    """One file with everything its page shows, in a constant number of queries whatever
    its number of axes, co-funding lines, history rows, requests, messages or payments.

    The people it names (instructor, history, requests, messages) are not read here:
    the accounts' table does not move the data's version (core.dataversion), so
    `attach_people` reads them on each request, and a renamed account shows at once."""
    subsidy = (
        Subsidy.objects.with_money()
        .select_related(
            "beneficiary",
            "policy_area",
            "budget_line",
            "financial_report__statement",
            "application",
        )
        .prefetch_related(
            "axes",
            Prefetch(
                "cofundings__partner_links",
                queryset=CoFundingPartner.objects.select_related("partner"),
            ),
            "transitions",
        )
        .get(pk=pk)
    )
    authority = Authority.current()
    report = getattr(subsidy, "financial_report", None)
    exchanges = file_exchanges(subsidy, report=report, people=False)
    return SubsidyPage(
        subsidy=subsidy,
        funding_plan=funding_plan(
            subsidy, authority.name_with_article if authority else "la collectivité"
        ),
        cofunding_total=sum(line.amount for line in subsidy.cofundings.all()),
        other_years=list(other_years(subsidy)),
        exchanges=exchanges,
        application_rows=application_comparison(subsidy),
        money=money_of(subsidy, report) if subsidy.status in VOTED_STATUSES else None,
        is_incomplete=any(request.is_open for request in exchanges["requests"]),
    )


def attach_people(page: SubsidyPage) -> SubsidyPage:
    """The accounts a file's page names, read in one query and set on the rows that name
    them: the instructor, the authors of the history, the requests and the messages."""
    holders = [
        (page.subsidy, "instructor"),
        *((step, "user") for step in page.subsidy.transitions.all()),
        *((request, "asked_by") for request in page.exchanges["requests"]),
        *((message, "author") for message in page.exchanges["messages"]),
    ]
    ids = {getattr(row, f"{field}_id") for row, field in holders} - {None}
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    for row, field in holders:
        person = people.get(getattr(row, f"{field}_id"))
        if person is not None:
            setattr(row, field, person)
    return page
