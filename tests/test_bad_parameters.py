"""Every staff page, given query parameters a prober would type (a year that is not one,
a negative page, a search of ten thousand characters, NUL bytes): a French message or a
sane default, never a server error."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from subventions.enums import Role
from tests.subventions.test_permissions import POST_ONLY, TABLE, demo, kwargs_for, url_names

pytestmark = pytest.mark.django_db

__all__ = ["demo"]  # the fixture, loaded with the demo data

BAD_QUERIES = [
    {"year": "abc", "page": "-1", "tri": "pas-une-colonne", "echeance": "-1"},
    {"year": "99999999999999999999", "page": "99999999999999999999", "annee": "x"},
    {"q": "é" * 10_000, "page": "abc"},
    {"q": "apes\x00", "year": "2021\x00", "page": "1\x00", "status": "\x00"},
]


@pytest.fixture
def everyone():
    """An account holding every role: every page answers it."""
    user = get_user_model().objects.create_user("tous-roles", password="x")
    user.groups.set(Group.objects.filter(name__in=list(Role)))
    return user


def test_no_page_fails_on_bad_query_parameters(client, demo, everyone):
    client.force_login(everyone)
    failures, answered = [], {}
    for name, pattern in url_names():
        if name in POST_ONLY or TABLE.get(name) == "public":
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, demo))
        for query in BAD_QUERIES:
            try:
                status = client.get(url, query).status_code
            except Exception as error:  # noqa: BLE001 — the test client re-raises a view's error
                failures.append((name, query, repr(error)[:200]))
                continue
            if status >= 500:
                failures.append((name, query, status))
            answered[status] = answered.get(status, 0) + 1
    assert failures == []
    # The walk did reach the pages (not only a login or a refusal).
    assert answered.get(200, 0) > 30 * len(BAD_QUERIES), answered
