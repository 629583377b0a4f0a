"""The read API keeps its OpenAPI schema: every filter validated, every status documented.

schemathesis generates requests from the schema (valid and invalid ones) and runs all its
checks on every operation: no 500, only documented statuses, bodies and content types.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import CHECKS, load_all_checks

from subventions.enums import Role
from tests.pilotage.opendata_helpers import published_subsidy

pytestmark = pytest.mark.django_db

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture
def keep_connection():
    """Requests go through Django's full WSGI handler, which closes the database
    connection after each one; keep it open, as Django's test client does, so that the
    test's transaction (PostgreSQL) survives them."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_user, settings, keep_connection):
    # The throttles stay on, with rates that let the generated requests through.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "10000/min",
            "user": "10000/min",
            "failed_token": "10000/min",
        },
    }
    published_subsidy(1)
    return Token.objects.create(user=make_user(Role.READER)).key


def load_schema():
    """The schema the API serves at /api/schema/, generated here without a request (the
    database is not open yet when pytest collects), its requests sent to the WSGI app."""
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=ALL_CHECKS)


@pytest.fixture
def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("value", ["-1", "0", "10000", "2021.5", "deux mille"])
def test_an_impossible_year_is_a_400_naming_the_filter(api, value):
    for url in ("/api/deliberations/", "/api/subventions/", "/api/conventions/"):
        response = api.get(url, {"year": value})
        assert response.status_code == 400, (url, value)
        assert list(response.json()) == ["year"]


def test_an_unknown_id_filter_lists_nothing_and_zero_is_refused(api):
    assert api.get("/api/subventions/", {"beneficiary": 999999}).json()["count"] == 0
    response = api.get("/api/subventions/", {"beneficiary": 0})
    assert response.status_code == 400
    assert "beneficiary" in response.json()


def test_an_unknown_choice_is_refused(api):
    response = api.get("/api/beneficiaires/", {"legal_form": "secte"})
    assert response.status_code == 400
    assert "legal_form" in response.json()
    assert api.get("/api/conventions/", {"signed": "peut-être"}).status_code == 400


@pytest.mark.parametrize("value", ["0", "-1", "99999999999999999999999", "abc"])
def test_an_impossible_id_in_the_path_is_a_json_404(api, value):
    response = api.get(f"/api/subventions/{value}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun élément à ce numéro."}
