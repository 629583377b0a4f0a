"""« Rechercher » in the navigation: beneficiaries, files, deliberations and agreements,
accent- and case-insensitive, each group for whom may see it, in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subventions.enums import Role
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

URL = reverse("search")


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.READER))
    return client


def found(client, typed: str) -> dict[str, list[str]]:
    """{group title: [text of each row]} of the results page."""
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    return {group.title: [str(row) for row in group.rows] for group in response.context["groups"]}


def test_the_demo_is_found_however_typed(demo, reader):
    """APES by its acronym, its words with or without accents, its SIRET typed in groups,
    its RNA; the deliberation 21 B 0110 by « 21b0110 »; its file and agreement by their
    references (one demo load for all: it is slow)."""
    for typed in [
        "apes",
        "APES",
        "économie solidaire",
        "economie solidaire",
        "ECONOMIE Solid",
        "419 850 003 00007",
        "41985000300007",
        "W595012345",
    ]:
        beneficiaries = found(reader, typed)["Bénéficiaires"]
        assert any("APES" in name for name in beneficiaries), (typed, beneficiaries)

    # The SIRET is shown grouped for reading, as on every page.
    page = reader.get(URL, {"q": "apes"}).content.decode().replace("&nbsp;", "\u00a0")
    assert "SIRET 419\u00a0850\u00a0003\u00a000007" in page

    deliberations = found(reader, "21b0110")["Délibérations"]
    assert any(name.startswith("21 B 0110") for name in deliberations), deliberations
    assert "21 B 0110" in reader.get(URL, {"q": "21b0110"}).content.decode()

    files = found(reader, demo.reference.lower())["Dossiers de subvention"]
    assert any(demo.reference in row for row in files)
    number = demo.agreement.number
    assert any(number in row for row in found(reader, number)["Conventions"])


def test_nothing_found_says_so(reader):
    page = reader.get(URL, {"q": "zzzzqqq"}).content.decode()
    assert "Aucun résultat pour «\u00a0zzzzqqq\u00a0»." in page.replace("&nbsp;", "\u00a0")


def test_the_search_box_is_in_the_navigation(reader):
    page = reader.get(reverse("subventions:subsidy_list")).content.decode()
    assert f'action="{URL}"' in page
    assert 'id="recherche-globale"' in page


def test_search_needs_login_and_a_role(client, make_user):
    assert client.get(URL, {"q": "apes"}).status_code == 302
    client.force_login(make_user())
    assert client.get(URL, {"q": "apes"}).status_code == 403


def test_same_number_of_queries_for_5_and_500_matches(reader):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(URL, {"q": "solidaire"}).status_code == 200
        return len(captured)

    BeneficiaryFactory.create_batch(5, legal_name="Maison solidaire")
    five = queries()
    BeneficiaryFactory.create_batch(495, legal_name="Épicerie solidaire")
    assert queries() == five
    # Ten rows per group, and a link to the whole list.
    response = reader.get(URL, {"q": "solidaire"})
    assert len(response.context["groups"][0].rows) == 10
    assert "Voir tous les résultats parmi les bénéficiaires" in response.content.decode()
