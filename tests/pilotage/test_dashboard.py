"""The dashboard: figures by status and budget line, links to the lists, the coming sessions."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from deliberations.enums import Body
from deliberations.models import Session
from pilotage import selectors
from subventions.enums import Role, SubsidyStatus
from tests.subventions.factories import BudgetLineFactory, FinancialReportFactory, SubsidyFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text with its spaces (no-break ones included) made plain."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def login_as(client, make_user, role, **fields):
    user = make_user(role, **fields)
    client.force_login(user)
    return user


@pytest.fixture
def year_files():
    line = BudgetLineFactory(year=2021, amount_voted=Decimal("200000"), label="Associations")
    SubsidyFactory(year=2021, budget_line=line, amount_requested=Decimal("40000"))
    SubsidyFactory(year=2021, voted=True, budget_line=line, amount_requested=Decimal("35000"))
    SubsidyFactory(year=2021, withdrawn=True, budget_line=line)
    SubsidyFactory(year=2021, amount_requested=Decimal("5000"))  # no budget line yet
    SubsidyFactory(year=2020)
    return line


def test_dashboard_figures_by_status_and_budget_line(year_files):
    figures = selectors.dashboard_figures(2021, datetime.date(2021, 3, 1))
    counts = {status: count for status, _label, count in figures.status_counts}
    assert counts[SubsidyStatus.DRAFT] == 2
    assert counts[SubsidyStatus.VOTED] == 1
    assert counts[SubsidyStatus.WITHDRAWN] == 1
    assert figures.total_files == 4
    line_bar, unassigned = figures.budget
    assert (line_bar.credits, line_bar.requested, line_bar.voted) == (
        Decimal("200000"),
        Decimal("75000"),  # the withdrawn file no longer counts
        Decimal("35000"),
    )
    assert line_bar.credits_width == Decimal("100.0")
    assert line_bar.requested_width == Decimal("37.5")
    assert (unassigned.line, unassigned.requested) == (None, Decimal("5000"))


def test_dashboard_links_every_figure_to_its_list(client, make_user, year_files):
    login_as(client, make_user, Role.READER)
    response = client.get(reverse("dashboard"), {"year": "2021"})
    page = response.content.decode()
    list_url = reverse("subventions:subsidy_list")
    assert f'href="{list_url}?year=2021&amp;status=brouillon"' in page
    assert f"budget_line={year_files.pk}" in page
    assert "budget_line=null" in page
    assert "200 000 €" in text(response)
    assert "75 000 €" in text(response)
    # Following the "voted" link lists exactly the file counted.
    voted_link = re.search(
        rf'href="({re.escape(list_url)}\?year=2021&amp;budget_line={year_files.pk}'
        r'(?:&amp;status=(?:votee|conventionnee|versee|soldee))+)"',
        page,
    ).group(1)
    listed = client.get(voted_link.replace("&amp;", "&")).context["rows"]
    assert [s.amount_awarded for s in listed] == [Decimal("35000")]


def test_dashboard_overdue_reports_link_to_the_files_concerned(client, make_user):
    # The due date follows the financed year: 30 June of the next one.
    late = FinancialReportFactory(subsidy__year=2021)
    this_year = datetime.date.today().year
    FinancialReportFactory(subsidy__year=this_year)  # due next June
    FinancialReportFactory(approved=True, subsidy__year=2021)
    login_as(client, make_user, Role.READER)
    page = client.get(reverse("dashboard")).content.decode()
    list_url = reverse("subventions:subsidy_list")
    link = re.search(rf'<a href="({re.escape(list_url)}\?report=en_retard)"[^>]*>(\d+)</a>', page)
    assert link.group(2) == "1"
    listed = client.get(link.group(1)).context["rows"]
    assert [subsidy.pk for subsidy in listed] == [late.subsidy_id]


def test_dashboard_shows_the_next_sessions(client, make_user):
    login_as(client, make_user, Role.READER)
    today = datetime.date.today()
    Session.objects.create(body=Body.BUREAU, date=today - datetime.timedelta(days=3), time="14:00")
    Session.objects.create(body=Body.COUNCIL, date=today + datetime.timedelta(days=10), time="9:30")
    response = client.get(reverse("dashboard"))
    assert list(response.context["sessions"]) == list(Session.objects.filter(date__gte=today))
    assert "Conseil du" in text(response)
    assert "Conventions à signer" in text(response)


def test_dashboard_counts_agreements_to_sign_and_links_the_list(client, make_user):
    from tests.conventions.factories import AgreementFactory

    AgreementFactory(ready=True)
    AgreementFactory()  # a draft: not yet to sign
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("dashboard"))
    assert response.context["figures"].agreements_to_sign == 1
    link = re.search(r'href="(/conventions/\?status=[^"]+)"', response.content.decode()).group(1)
    listed = client.get(html.unescape(link))
    assert len(listed.context["rows"]) == 1
