"""The read API under /api/: refused to anonymous visitors, tokens, schema, query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from subventions.enums import Role
from tests.conventions.factories import AgreementFactory
from tests.pilotage.opendata_helpers import granted, published_subsidy
from tests.subventions.factories import BeneficiaryFactory, SubsidyFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/subventions/", "/api/beneficiaires/", "/api/deliberations/", "/api/conventions/"]
PRIVATE_FIELDS = {"iban", "bic", "email", "phone", "notes", "note"}


@pytest.fixture
def reader(make_user):
    return make_user(Role.READER)


@pytest.fixture
def api(reader):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader).key}")
    return client


@pytest.mark.parametrize("url", [*LISTS, "/api/"])
def test_anonymous_requests_are_refused(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000")
    assert client.get("/api/subventions/").status_code == 401


@pytest.mark.parametrize("url", LISTS)
def test_a_token_of_a_staff_reader_reads_every_list(api, url):
    published_subsidy(1)
    response = api.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_accounts_without_staff_or_view_permission_are_refused(make_user):
    outsider = get_user_model().objects.create_user("public", password="x")
    no_role = make_user()  # staff, but no role: no view permission
    for user in (outsider, no_role):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/subventions/").status_code == 403, user


def test_a_logged_in_staff_session_works(client, reader):
    client.force_login(reader)
    assert client.get("/api/subventions/").status_code == 200


def test_the_api_is_read_only(make_user):
    # An instructor may add and change beneficiaries, but not through the API.
    client = APIClient()
    client.force_authenticate(make_user(Role.INSTRUCTOR))
    assert client.post("/api/beneficiaires/", {"legal_name": "X"}).status_code == 405
    beneficiary = BeneficiaryFactory()
    url = f"/api/beneficiaires/{beneficiary.pk}/"
    assert client.patch(url, {"legal_name": "Y"}).status_code == 405
    assert client.delete(url).status_code in (403, 405)
    beneficiary.refresh_from_db()
    assert beneficiary.legal_name != "Y"


def test_no_private_field_is_exposed(api):
    subsidy = published_subsidy(
        1,
        beneficiary=BeneficiaryFactory(
            iban="FR7630001007941234567890185", bic="BDFEFRPPCCT", notes="confidentiel"
        ),
    )
    for url in LISTS:
        for record in api.get(url).json()["results"]:
            assert not PRIVATE_FIELDS & set(record), url
    body = api.get(f"/api/beneficiaires/{subsidy.beneficiary_id}/").content.decode()
    assert "FR7630001007941234567890185" not in body
    assert "confidentiel" not in body


def test_subsidy_shows_its_deliberation_and_agreement(api):
    subsidy = published_subsidy(3)
    record = api.get(f"/api/subventions/{subsidy.pk}/").json()
    assert record["reference"] == subsidy.reference
    assert record["deliberations"] == ["21 B 0003"]
    assert record["agreement"] == subsidy.agreement.number
    assert record["amount_awarded"] == "35000.00"


def test_lists_filter(api):
    published_subsidy(1, year=2021)
    published_subsidy(2, year=2022)
    SubsidyFactory(year=2022)
    assert api.get("/api/subventions/?year=2022").json()["count"] == 2
    assert api.get("/api/subventions/?year=2022&status=brouillon").json()["count"] == 1
    assert api.get("/api/conventions/?year=2021").json()["count"] == 1
    assert api.get("/api/conventions/?signed=true").json()["count"] == 2
    assert api.get("/api/deliberations/?number=21 B 0002").json()["count"] == 1


def test_schema_and_docs_are_served():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(LISTS) <= set(paths)
    assert all(set(operations) == {"get"} for operations in paths.values())
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def build(start: int, stop: int) -> None:
    """Files start+1 … stop, each granted by its deliberation, each with an agreement."""
    for n in range(start + 1, stop + 1):
        subsidy = SubsidyFactory(voted=True)
        granted(subsidy, number=f"21 B {n:04d}")
        AgreementFactory(subsidy=subsidy, number=f"CONV-TEST-{n:04d}")


def list_queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_lists_keep_a_constant_query_count(api, url):
    build(0, 5)
    few = list_queries(api, url)
    build(5, 50)
    assert list_queries(api, url) == few
