"""The sessions calendar, the charts (dashboard's page and beneficiary's), and the
dashboard's year: what a user sees, in a constant number of queries."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.charts import BarChart, nice_ceiling
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from pilotage import selectors
from subventions.enums import Role, SubsidyStatus
from tests.pilotage.test_todo import bulk_files
from tests.subventions.factories import (
    BeneficiaryFactory,
    BudgetLineFactory,
    ClawbackFactory,
    PaymentFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def table_rows(response, chart_id: str) -> list[list[str]]:
    """The rows of a chart's table, each cell's text (no-break spaces kept as such)."""
    page = response.content.decode()
    figure = page[page.index(f'id="{chart_id}-titre"') :]
    body = figure[figure.index("<tbody>") : figure.index("</tbody>")]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.fixture
def reader(client, make_user):
    user = make_user(Role.READER)
    client.force_login(user)
    return user


# Calendar


def test_the_calendar_lists_the_sessions_by_month_with_their_agenda(client, reader):
    policy_area = PolicyAreaFactory()
    april = Session.objects.create(body=Body.BUREAU, date=datetime.date(2021, 4, 2), time="14:00")
    Session.objects.create(body=Body.COUNCIL, date=datetime.date(2021, 6, 28), time="18:00")
    Session.objects.create(body=Body.COUNCIL, date=datetime.date(2022, 1, 10), time="18:00")
    voted = Deliberation.objects.create(session=april, policy_area=policy_area, title="Adoptée")
    draft = Deliberation.objects.create(session=april, policy_area=policy_area, title="À voter")
    for deliberation in (voted, draft):
        DeliberationSubsidy.objects.create(
            deliberation=deliberation, subsidy=SubsidyFactory(proposed=True)
        )
    Deliberation.objects.filter(pk=voted.pk).update(
        status=DeliberationStatus.ADOPTED,
        voted_at=datetime.datetime(2021, 4, 2, 15, 0, tzinfo=datetime.UTC),
    )
    response = client.get(reverse("session_calendar"), {"year": "2021"})
    months = {month.number: month.sessions for month in response.context["months"]}
    assert [len(months[n]) for n in range(1, 13)] == [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    page = text(response)
    assert "avril 2021 Bureau du vendredi 2 avril 2021 à 14h00 passée" in page
    assert "2 délibérations à l'ordre du jour, 2 dossiers — 1 à voter, 1 adoptée" in page
    assert "juin 2021 Conseil du lundi 28 juin 2021 à 18h00 passée Ordre du jour vide" in page
    assert "2022" not in page.split("Calendrier des séances 2021")[-1].split("2022")[0]
    assert reverse("deliberations:session_detail", args=[april.pk]) in response.content.decode()


def test_the_calendar_opens_on_this_year_and_marks_coming_sessions(client, reader):
    coming = datetime.date.today() + datetime.timedelta(days=1)
    Session.objects.create(body=Body.COUNCIL, date=coming, time="18:00")
    response = client.get(reverse("session_calendar"))
    assert response.context["year"] == coming.year or coming.month == 1
    if response.context["year"] == coming.year:
        assert "à venir" in text(response)


def test_the_calendar_ignores_a_year_that_is_not_one(client, reader):
    response = client.get(reverse("session_calendar"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == datetime.date.today().year


def test_the_calendar_query_count_is_constant(client, reader):
    def sessions(count, start):
        # One a day of 2021, then the same days an hour later (a session is unique by
        # body, date and time).
        Session.objects.bulk_create(
            Session(
                body=Body.BUREAU,
                date=datetime.date(2021, 1, 1) + datetime.timedelta(days=(start + n) % 365),
                time=datetime.time((start + n) // 365),
            )
            for n in range(count)
        )

    sessions(5, 0)
    few = count_queries(client, reverse("session_calendar"), {"year": "2021"})
    sessions(500, 5)
    assert count_queries(client, reverse("session_calendar"), {"year": "2021"}) == few


# Charts


def test_nice_ceiling_rounds_up_to_a_round_amount():
    assert nice_ceiling(Decimal("0")) == 1
    assert nice_ceiling(Decimal("35000")) == 50000
    assert nice_ceiling(Decimal("200000")) == 200000
    assert nice_ceiling(Decimal("210000")) == 250000


def test_a_bar_is_as_high_as_its_amount():
    chart = BarChart(
        title="Essai",
        categories=["2020", "2021"],
        series=["Attribué"],
        values=[[Decimal("25000")], [Decimal("50000")]],
    )
    low, high = chart.bars
    assert high.height == 2 * low.height
    assert high.y + high.height == chart.axis_bottom
    assert high.text == "2021 — Attribué\xa0: 50\xa0000,00\xa0€"


@pytest.fixture
def voted_files():
    culture = PolicyAreaFactory(label="Culture")
    sport = PolicyAreaFactory(label="Sport")
    line = BudgetLineFactory(year=2021, amount_voted=Decimal("200000"), label="Associations")
    apes = SubsidyFactory(
        year=2021,
        voted=True,
        policy_area=culture,
        budget_line=line,
        amount_requested=Decimal("30000"),
    )
    SubsidyFactory(
        year=2020,
        voted=True,
        policy_area=sport,
        amount_requested=Decimal("12500.50"),
        beneficiary=apes.beneficiary,
    )
    SubsidyFactory(year=2021, policy_area=sport, amount_requested=Decimal("9999"))  # not voted
    PaymentFactory(subsidy=apes, amount=Decimal("10000"))
    ClawbackFactory(subsidy=apes, amount=Decimal("500"))
    return apes


def test_the_charts_page_shows_the_figures_in_french(client, reader, voted_files):
    response = client.get(reverse("charts"), {"year": "2021"})
    page = response.content.decode()
    assert 'role="img"' in page
    assert "<title" in page
    assert "style=" not in page
    assert table_rows(response, "graphique-politiques") == [
        ["2017", "0,00\xa0€", "0,00\xa0€"],
        ["2018", "0,00\xa0€", "0,00\xa0€"],
        ["2019", "0,00\xa0€", "0,00\xa0€"],
        ["2020", "0,00\xa0€", "12\xa0500,50\xa0€"],
        ["2021", "30\xa0000,00\xa0€", "0,00\xa0€"],
    ]
    assert table_rows(response, "graphique-lignes") == [
        ["65/6574 — Associations", "200\xa0000,00\xa0€", "30\xa0000,00\xa0€", "9\xa0500,00\xa0€"]
    ]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', page)
    assert headers[:3] == ["Exercice", "Culture", "Sport"]


def test_the_beneficiary_page_charts_its_subsidies_over_the_years(client, reader, voted_files):
    url = reverse("subventions:beneficiary_detail", args=[voted_files.beneficiary_id])
    response = client.get(url)
    assert table_rows(response, "graphique-beneficiaire") == [
        ["2020", "12\xa0500,50\xa0€", "12\xa0500,50\xa0€"],
        ["2021", "30\xa0000,00\xa0€", "30\xa0000,00\xa0€"],
    ]
    assert "Montants demandés et attribués par exercice" in text(response)


def test_a_beneficiary_without_files_has_no_chart(client, reader):
    beneficiary = BeneficiaryFactory()
    response = client.get(reverse("subventions:beneficiary_detail", args=[beneficiary.pk]))
    assert "graphique-beneficiaire" not in response.content.decode()


def test_the_charts_query_count_is_constant(client, reader):
    line = BudgetLineFactory(year=2021)
    bulk_files(5, status=SubsidyStatus.VOTED, amount_awarded=Decimal("35000"), budget_line=line)
    few = count_queries(client, reverse("charts"), {"year": "2021"})
    bulk_files(500, status=SubsidyStatus.VOTED, amount_awarded=Decimal("35000"), budget_line=line)
    assert count_queries(client, reverse("charts"), {"year": "2021"}) == few


# The dashboard's year


def test_the_dashboard_opens_on_the_latest_year_with_files(client, reader):
    this_year = datetime.date.today().year
    SubsidyFactory(year=2021)
    SubsidyFactory(year=2019)
    assert client.get(reverse("dashboard")).context["figures"].year == 2021
    SubsidyFactory(year=this_year + 1)
    assert client.get(reverse("dashboard")).context["figures"].year == this_year + 1
    SubsidyFactory(year=this_year)
    assert client.get(reverse("dashboard")).context["figures"].year == this_year
    # The year asked for wins, with the list pages' parameter.
    assert client.get(reverse("dashboard"), {"year": "2019"}).context["figures"].year == 2019


def test_the_dashboard_without_any_file_opens_on_this_year(client, reader):
    figures = client.get(reverse("dashboard")).context["figures"]
    assert figures.year == datetime.date.today().year
    assert figures.total_files == 0


def test_the_dashboard_counters_follow_the_year(client, reader):
    SubsidyFactory(year=2021)
    SubsidyFactory(year=2021)
    SubsidyFactory(year=2022)
    assert client.get(reverse("dashboard"), {"year": "2021"}).context["figures"].total_files == 2
    assert client.get(reverse("dashboard"), {"year": "2022"}).context["figures"].total_files == 1


def test_the_dashboard_shows_what_is_available_on_each_line(client, reader, voted_files):
    response = client.get(reverse("dashboard"), {"year": "2021"})
    bar = response.context["figures"].budget[0]
    assert bar.available == Decimal("170000")
    assert "Associations — disponible : 170 000 €" in text(response)
    # The budget's years (the 2020 file has its line), not a scan of the files.
    assert selectors.year_choices(2021) == [2021, 2020]


def test_the_dashboard_query_count_is_constant(client, reader):
    line = BudgetLineFactory(year=2021)
    bulk_files(5, status=SubsidyStatus.VOTED, amount_awarded=Decimal("35000"), budget_line=line)
    bulk_files(5, status=SubsidyStatus.DRAFT)
    few = count_queries(client, reverse("dashboard"), {"year": "2021"})
    bulk_files(500, status=SubsidyStatus.VOTED, amount_awarded=Decimal("35000"), budget_line=line)
    bulk_files(500, status=SubsidyStatus.DRAFT)
    assert count_queries(client, reverse("dashboard"), {"year": "2021"}) == few
    # And without a year, the default one costs two index lookups more at most.
    assert count_queries(client, reverse("dashboard")) <= few + 2
