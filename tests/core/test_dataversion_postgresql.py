"""On PostgreSQL the lists' count and page, their filter form and the dashboard's figures
are read once for each version of the data (core.dataversion), and every committed write,
even a bulk `update()` that sends no signal, is seen by the next request."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.dataversion import current_version
from subventions.enums import Role, SubsidyStatus
from subventions.models import Subsidy
from tests.subventions.factories import PolicyAreaFactory
from tests.subventions.test_lists import add_subsidies

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_reference_data"),
]


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.READER))
    return client


def page(client, url: str, **params) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured]


def tbody(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_a_list_read_again_counts_and_sorts_nothing_again(reader):
    add_subsidies(30)
    url = reverse("subventions:subsidy_list")
    first_html, first = page(reader, url)
    again_html, again = page(reader, url)
    assert any("COUNT(" in sql for sql in first)
    assert not any("COUNT(" in sql for sql in again)
    assert "30 résultats" in first_html and "30 résultats" in again_html
    assert tbody(again_html) == tbody(first_html)
    assert tbody(first_html).count("<tr>") == 25


def test_every_committed_write_is_seen_by_the_next_request(reader):
    subsidies = add_subsidies(30)
    url = reverse("subventions:subsidy_list")
    rejected = {"status": SubsidyStatus.REJECTED}
    html, _ = page(reader, url, **rejected)
    assert "Aucun résultat" in html
    # A bulk update sends no signal: the next request sees it all the same.
    Subsidy.objects.filter(pk=subsidies[3].pk).update(
        status=SubsidyStatus.REJECTED, title="Changé en masse"
    )
    html, _ = page(reader, url, **rejected)
    assert "1 résultat" in html and subsidies[3].reference in html
    # The rows are read again by key: a change that keeps the page's order shows at once.
    Subsidy.objects.filter(pk=subsidies[3].pk).update(purpose="Objet corrigé après coup")
    html, _ = page(reader, url, **rejected)
    assert "Objet corrigé après coup" in html
    Subsidy.objects.filter(pk=subsidies[3].pk).delete()
    html, _ = page(reader, url, **rejected)
    assert "Aucun résultat" in html
    html, _ = page(reader, url)
    assert "29 résultats" in html


def test_a_new_choice_of_the_filter_form_shows_at_once(reader):
    add_subsidies(3)
    url = reverse("subventions:subsidy_list")
    html, _ = page(reader, url)
    assert "Culture et patrimoine vivant" not in html
    PolicyAreaFactory(label="Culture et patrimoine vivant")
    html, _ = page(reader, url)
    assert "Culture et patrimoine vivant" in html


def test_the_dashboard_figures_follow_the_files(reader):
    add_subsidies(4)
    url = reverse("dashboard") + "?year=2021"
    html, first = page(reader, url)
    _again_html, again = page(reader, url)
    assert len(again) < len(first)
    add_subsidies(3)
    html, _ = page(reader, url)
    assert 'year=2021">7</a>' in html


def test_nothing_is_cached_by_a_transaction_that_has_written():
    assert current_version() is not None
    with transaction.atomic():
        assert current_version() is not None
        PolicyAreaFactory()
        # Its own rows are not in the version yet: another request would not see them.
        assert current_version() is None


def test_the_version_grows_with_every_commit_and_keeps_growing_once_folded():
    area = PolicyAreaFactory()
    versions = [current_version()]
    for n in range(520):
        # Each in its own transaction (autocommit): 520 commits, a fold among them.
        type(area).objects.filter(pk=area.pk).update(label=f"Politique {n}")
        versions.append(current_version())
    numbers = [int(version.rsplit(":", 1)[1]) for version in versions]
    assert numbers == sorted(set(numbers))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_data_change")
        assert cursor.fetchone()[0] < 500


def test_a_new_session_shows_at_once_on_the_sessions_page_and_the_dashboard(reader):
    from deliberations.enums import Body
    from deliberations.models import Session

    today = timezone.localdate()
    Session.objects.create(body=Body.BUREAU, date=today - datetime.timedelta(days=3), time="14:00")
    for url in (reverse("deliberations:session_list"), reverse("dashboard")):
        page(reader, url)
        page(reader, url)
    Session.objects.create(
        body=Body.COUNCIL,
        date=today + datetime.timedelta(days=10),
        time="9:30",
        place="Salle Delory",
    )
    html, _ = page(reader, reverse("deliberations:session_list"))
    assert "Salle Delory" in html
    html, _ = page(reader, reverse("dashboard"))
    assert "9h30" in html


def test_a_list_read_again_from_the_cache_builds_no_filters(reader, monkeypatch):
    """The filters (their form, their validation, the search's subqueries) are built only
    for what the cache does not hold: a page asked again builds none, and shows the same."""
    from subventions.filters import SubsidyFilter

    add_subsidies(30)
    built = []
    original = SubsidyFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SubsidyFilter, "__init__", counting)
    url = reverse("subventions:subsidy_list")
    first_html, _ = page(reader, url, q="SUB-2021", page=2)
    assert built == [1]
    again_html, _ = page(reader, url, q="SUB-2021", page=2)
    assert built == [1]
    # The same page, but for the form tokens of the navigation (log out).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again_html) == token.sub("", first_html)
    assert "Page 2 sur 2" in again_html and tbody(again_html).count("<tr>") >= 5


def test_filters_refused_are_still_said_when_the_page_comes_from_the_cache(reader):
    add_subsidies(3)
    url = reverse("subventions:subsidy_list")
    for _ in range(2):
        html, _ = page(reader, url, year="deux mille")
        assert "Sélectionnez un choix valide" in html


def test_the_database_connection_runs_without_jit():
    """PostgreSQL's JIT compilation, started on estimated costs, spent 450 ms on a 100 ms
    list count at 100 000 files: the settings turn it off for the application."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
