"""Staff pages: login, password reset, dashboard, the file page and its lifecycle actions."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from conventions.enums import Body
from conventions.models import Session
from subventions import selectors
from subventions.enums import Role, SubsidyStatus
from subventions.models import SubsidyTransition
from subventions.services import subsidy_transition
from tests.subventions.factories import (
    AuthorityFactory,
    BudgetLineFactory,
    CoFundingFactory,
    FinancialReportFactory,
    FundingPartnerFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text with its spaces (no-break ones included) made plain."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def login_as(client, make_user, role, **fields):
    user = make_user(role, **fields)
    client.force_login(user)
    return user


# Login, logout, password reset


def test_login_page_is_french_and_logs_in_to_the_dashboard(client, make_user):
    lea = make_user(Role.READER, username="lea")
    page = client.get(reverse("login"))
    assert 'lang="fr"' in page.content.decode()
    assert "Nom d’utilisateur" in text(page)
    assert "Mot de passe oublié ?" in text(page)
    response = client.post(reverse("login"), {"username": lea.username, "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_is_said_in_french(client, make_user):
    make_user(Role.READER)
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in text(response)


def test_password_reset_sends_a_french_email(client, make_user):
    make_user(Role.INSTRUCTOR, email="ines@mel.example", first_name="Inès")
    response = client.post(reverse("password_reset"), {"email": "ines@mel.example"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.subject == "Subventions : choisir un nouveau mot de passe"
    assert "Bonjour Inès" in message.body
    link = re.search(r"http://testserver(/compte/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]


def test_the_root_is_the_dashboard_behind_the_login(client):
    response = client.get("/")
    assert response["Location"] == f"{reverse('login')}?next=/"


# Dashboard


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
    response = client.get(reverse("dashboard"), {"exercice": "2021"})
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


# File page


@pytest.fixture
def apes_file():
    AuthorityFactory()
    subsidy = SubsidyFactory(
        under_review=True,
        amount_requested=Decimal("35000"),
        projected_budget=Decimal("753091"),
    )
    CoFundingFactory(
        subsidy=subsidy,
        amount=Decimal("284000"),
        partners=[FundingPartnerFactory(name_with_article="l'Etat (DIRECCTE)")],
    )
    SubsidyFactory(beneficiary=subsidy.beneficiary, year=2020, voted=True)
    return subsidy


def test_file_page_shows_amounts_shares_and_other_years(client, make_user, apes_file):
    login_as(client, make_user, Role.READER)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    page = text(response)
    assert "753 091 €" in page
    assert "l'Etat (DIRECCTE) (sollicité) 284 000 € 37,7 %" in page
    assert "la MEL (en instruction) 35 000 € 4,6 %" in page
    other = response.context["other_years"].get()
    assert other.year == 2020
    assert reverse("subventions:subsidy_detail", args=[other.pk]) in response.content.decode()


def test_file_page_offers_the_actions_of_the_role_with_reasons(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    actions = {action: reason for action, _label, reason in response.context["actions"]}
    # No proposed amount nor budget line yet: « Proposer au vote » is shown disabled.
    assert set(actions) == {"send_back", "propose", "withdraw"}
    assert "Le montant proposé doit être renseigné." in actions["propose"]
    assert actions["send_back"] is None
    page = response.content.decode()
    assert reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"]) in page
    assert reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"]) not in page


def test_an_instructor_is_not_offered_the_head_of_service_actions(client, make_user, apes_file):
    login_as(client, make_user, Role.INSTRUCTOR)
    response = client.get(reverse("subventions:subsidy_detail", args=[apes_file.pk]))
    assert [action for action, _l, _r in response.context["actions"]] == ["withdraw"]


def test_an_action_is_confirmed_then_logged_with_its_comment(client, make_user, apes_file):
    head = login_as(client, make_user, Role.HEAD_OF_SERVICE, first_name="Romain")
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"])
    confirm = client.get(url)
    assert "Confirmer : renvoyer en brouillon" in text(confirm)
    response = client.post(url, {"comment": "Pièces manquantes"}, follow=True)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.DRAFT
    step = SubsidyTransition.objects.get(subsidy=apes_file)
    assert (step.user, step.comment) == (head, "Pièces manquantes")
    page = text(response)
    assert "Renvoyer en brouillon : fait." in page
    assert "En instruction → Brouillon" in page
    assert "« Pièces manquantes »" in page


def test_a_refused_action_shows_its_reason(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"])
    assert "Le montant proposé doit être renseigné." in text(client.get(url))
    response = client.post(url, {"comment": ""}, follow=True)
    assert "Le montant proposé doit être renseigné." in text(response)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.UNDER_REVIEW


def test_an_action_of_another_role_is_forbidden(client, make_user, apes_file):
    login_as(client, make_user, Role.FINANCE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "propose"])
    response = client.post(url)
    assert response.status_code == 403
    assert "réservée au rôle" in text(response)
    apes_file.refresh_from_db()
    assert apes_file.status == SubsidyStatus.UNDER_REVIEW


def test_an_unknown_action_is_not_found(client, make_user, apes_file):
    login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "delete"])
    assert client.get(url).status_code == 404


def test_a_state_change_in_between_is_refused_with_its_reason(client, make_user, apes_file):
    head = login_as(client, make_user, Role.HEAD_OF_SERVICE)
    url = reverse("subventions:subsidy_transition", args=[apes_file.pk, "send_back"])
    client.get(url)
    subsidy_transition(subsidy=apes_file, action="send_back", user=head)
    response = client.post(url, follow=True)
    assert "impossible : le dossier est au statut « Brouillon »" in text(response)


# Beneficiary page


def test_beneficiary_page_totals_by_year(client, make_user, apes_file):
    login_as(client, make_user, Role.READER)
    SubsidyFactory(beneficiary=apes_file.beneficiary, year=2021, amount_requested=Decimal("1500.5"))
    response = client.get(
        reverse("subventions:beneficiary_detail", args=[apes_file.beneficiary_id])
    )
    years = response.context["years"]
    assert [group.year for group in years] == [2021, 2020]
    assert years[0].requested == Decimal("36500.50")
    assert years[1].awarded == Decimal("35000")
    assert "Total 2021 36 500,50 €" in text(response)


def test_beneficiary_page_queries_do_not_grow_with_files(
    client, make_user, apes_file, django_assert_max_num_queries
):
    login_as(client, make_user, Role.READER)
    SubsidyFactory.create_batch(20, beneficiary=apes_file.beneficiary)
    with django_assert_max_num_queries(12):
        client.get(reverse("subventions:beneficiary_detail", args=[apes_file.beneficiary_id]))
