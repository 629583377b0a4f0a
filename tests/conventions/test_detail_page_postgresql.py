"""On PostgreSQL a file's page is read once for each version of the data
(core.dataversion): read again, it makes only the queries of any page; after any
committed write, and after a renamed account, it shows the new data at once; what the
user may do is never taken from another user's reading."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subventions.enums import Role
from subventions.models import ActionAxis
from tests.conventions.test_detail_page_queries import rich_file
from tests.subventions.factories import AuthorityFactory

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_reference_data"),
]


def page(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The CSRF token of the page's forms is masked anew on each response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html, len(captured)


def test_a_files_page_read_again_reads_only_the_session_and_the_version(client, make_user):
    AuthorityFactory()
    subsidy = rich_file(5, make_user)
    client.force_login(make_user(Role.READER))
    url = reverse("subventions:subsidy_detail", args=[subsidy.pk])
    first, first_count = page(client, url)
    again, again_count = page(client, url)
    assert again == first
    # Then: session, user, BEGIN, roles, version, the people named, COMMIT.
    assert (first_count, again_count) == (23, 7)


def test_a_files_page_shows_every_write_at_once(client, make_user):
    AuthorityFactory()
    subsidy = rich_file(2, make_user)
    client.force_login(make_user(Role.READER))
    url = reverse("subventions:subsidy_detail", args=[subsidy.pk])
    page(client, url)
    ActionAxis.objects.filter(subsidy=subsidy, position=1).update(title="Axe corrigé")
    html, _ = page(client, url)
    assert "Axe 1 : Axe corrigé" in html
    # The accounts' table does not move the version: the people are read each time.
    get_user_model().objects.filter(pk=subsidy.instructor_id).update(first_name="Renommée")
    html, _ = page(client, url)
    assert "Renommée" in html


def test_what_the_user_may_do_is_never_another_users(client, make_user):
    AuthorityFactory()
    subsidy = rich_file(2, make_user)
    url = reverse("subventions:subsidy_detail", args=[subsidy.pk])
    client.force_login(make_user(Role.READER))
    html, _ = page(client, url)
    assert "Modifier le dossier" not in html and "Demander des compléments" not in html
    client.force_login(make_user(Role.INSTRUCTOR))
    html, _ = page(client, url)
    assert "Modifier le dossier" in html and "Demander des compléments" in html
