"""Lists whose cost does not grow with the tables: beneficiaries chosen by autocomplete
(never listed in the page), the last page read like the first, filters by the chosen
value, the JSON endpoints behind the autocompletes, the years from the budget lines."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from core.autocomplete import AUTOCOMPLETE_LIMIT, INVALID_CHOICE
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions.enums import Role
from subventions.models import Beneficiary, Subsidy
from tests.subventions.factories import (
    BeneficiaryFactory,
    BudgetLineFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)
from tests.subventions.test_lists import add_agreements, add_deliberations

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "subventions:subsidy_list",
    "subventions:beneficiary_list",
    "deliberations:deliberation_list",
    "conventions:agreement_list",
    "deliberations:session_list",
    "deliberations:member_list",
]


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.READER))
    return client


def add_beneficiaries(count: int) -> list[Beneficiary]:
    return Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(siret="", legal_name=f"Association numéro {n:05d}")
        for n in range(Beneficiary.objects.count(), Beneficiary.objects.count() + count)
    )


def page_sizes(client) -> dict[str, int]:
    sizes = {}
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        sizes[name] = len(response.content)
    return sizes


def test_no_list_page_grows_with_the_number_of_beneficiaries(reader):
    # 30 rows of each list before and after: every page shows its full 25 rows both times.
    add_agreements(30)
    add_deliberations(30)
    small = page_sizes(reader)
    add_beneficiaries(1000 - Beneficiary.objects.count())
    assert Beneficiary.objects.count() == 1000
    big = page_sizes(reader)
    for name in LIST_PAGES:
        # A <select> of the beneficiaries would add some 60 000 bytes for 1 000 of them.
        assert abs(big[name] - small[name]) < 3000, (name, small[name], big[name])
    for name in LIST_PAGES:
        assert "Association numéro 00999" not in reader.get(reverse(name)).content.decode()


def test_every_page_read_forwards_and_backwards_gives_every_row_once(reader):
    area = PolicyAreaFactory()
    beneficiary = BeneficiaryFactory()
    # Equal amounts: the order is completed by the key, so the pages never overlap.
    for year in (2020, 2021):
        SubsidyFactory.create_batch(
            40, beneficiary=beneficiary, policy_area=area, year=year, amount_requested=100
        )
    url = reverse("subventions:subsidy_list")
    for query in ({}, {"tri": "montant"}, {"tri": "-montant"}, {"tri": "statut"}):
        shown = []
        for number in (1, 2, 3, 4):
            response = reader.get(url, {**query, "page": number})
            shown += [subsidy.pk for subsidy in response.context["rows"]]
        assert len(shown) == 80 and len(set(shown)) == 80, query
    default = [s.pk for s in Subsidy.objects.order_by("-year", "reference")]
    last = reader.get(url, {"page": 4})
    assert [s.pk for s in last.context["rows"]] == default[75:]
    assert "Page 4 sur 4" in last.content.decode()
    # A page past the end shows the last one, as before.
    assert [s.pk for s in reader.get(url, {"page": 99}).context["rows"]] == default[75:]


def test_filter_by_the_beneficiary_chosen_in_the_autocomplete(reader):
    apes = BeneficiaryFactory(legal_name="Acteurs pour une économie solidaire", short_name="APES")
    theirs = SubsidyFactory(beneficiary=apes)
    SubsidyFactory()
    response = reader.get(reverse("subventions:subsidy_list"), {"beneficiary": apes.pk})
    assert [s.pk for s in response.context["rows"]] == [theirs.pk]
    page = response.content.decode()
    # Only the chosen value is in the page, with its name for whom has no JavaScript.
    assert f'value="{apes.pk} – Acteurs pour une économie solidaire (APES)"' in page
    assert 'data-autocomplete-url="/beneficiaires/autocompletion/"' in page
    assert "tom-select.complete.min.js" in page
    # Without JavaScript the number typed with the name kept still filters.
    again = reader.get(reverse("subventions:subsidy_list"), {"beneficiary": f"{apes.pk} – APES"})
    assert [s.pk for s in again.context["rows"]] == [theirs.pk]


@pytest.mark.parametrize(
    "name",
    ["subventions:subsidy_list", "conventions:agreement_list", "deliberations:deliberation_list"],
)
def test_a_beneficiary_typed_wrong_is_refused_in_french(reader, name):
    response = reader.get(reverse(name), {"beneficiary": "n'importe quoi"})
    assert response.status_code == 200
    assert response.context["filter"].errors["beneficiary"] == [INVALID_CHOICE]
    response = reader.get(reverse(name), {"beneficiary": "999999"})
    assert response.status_code == 200
    assert response.context["filter"].errors["beneficiary"] == [INVALID_CHOICE]


def test_agreements_and_deliberations_filtered_by_beneficiary(reader):
    add_agreements(3)
    add_deliberations(3)
    beneficiary = Subsidy.objects.filter(agreement__isnull=False).first().beneficiary
    agreements = reader.get(reverse("conventions:agreement_list"), {"beneficiary": beneficiary.pk})
    assert [a.subsidy.beneficiary_id for a in agreements.context["rows"]] == [beneficiary.pk]
    beneficiary = DeliberationSubsidy.objects.first().subsidy.beneficiary
    deliberations = reader.get(
        reverse("deliberations:deliberation_list"), {"beneficiary": beneficiary.pk}
    )
    assert len(deliberations.context["rows"]) == 1


# The autocompletes' JSON endpoints


def results(client, url_name: str, typed: str) -> list[dict]:
    response = client.get(reverse(url_name), {"q": typed})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


@pytest.mark.parametrize(
    "url_name", ["subventions:beneficiary_autocomplete", "subventions:partner_autocomplete"]
)
def test_the_autocompletes_need_login_and_a_role(client, make_user, url_name):
    assert client.get(reverse(url_name), {"q": "apes"}).status_code == 302
    client.force_login(make_user())
    assert client.get(reverse(url_name), {"q": "apes"}).status_code == 403


def test_beneficiaries_found_by_name_acronym_siret_rna_and_few(reader):
    apes = BeneficiaryFactory(
        legal_name="Acteurs pour une économie solidaire",
        short_name="APES",
        siret="41985000300007",
        rna="W595012345",
    )
    add_beneficiaries(60)
    for typed in ("apes", "economie solid", "ÉCONOMIE", "419 850 003", "w595012345"):
        found = results(reader, "subventions:beneficiary_autocomplete", typed)
        assert [row["value"] for row in found] == [str(apes.pk)], typed
    assert found[0]["text"] == "Acteurs pour une économie solidaire (APES) – 41985000300007"
    many = results(reader, "subventions:beneficiary_autocomplete", "association")
    assert len(many) == AUTOCOMPLETE_LIMIT
    assert results(reader, "subventions:beneficiary_autocomplete", "") == []
    assert results(reader, "subventions:beneficiary_autocomplete", "%_'\"<") == []


def test_partners_found_by_name(reader):
    region = FundingPartnerFactory(name_with_article="la Région Hauts-de-France")
    FundingPartnerFactory(name_with_article="l'État (DREETS)")
    found = results(reader, "subventions:partner_autocomplete", "region hauts")
    assert found == [{"value": str(region.pk), "text": "la Région Hauts-de-France"}]


# Forms


def test_subsidy_form_carries_the_chosen_beneficiary_only(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    add_beneficiaries(300)
    page = client.get(reverse("subventions:subsidy_create")).content.decode()
    assert "Association numéro 00299" not in page
    assert 'data-autocomplete-url="/beneficiaires/autocompletion/"' in page
    assert 'data-autocomplete-url="/financeurs/autocompletion/"' in page


def test_the_years_offered_come_from_the_budget_lines_and_the_files(reader):
    BudgetLineFactory(year=2026)
    SubsidyFactory(year=2019)
    SubsidyFactory(year=2021)
    form = reader.get(reverse("subventions:subsidy_list")).context["filter"].form
    # The budget years, and every year from the first file's to the last's.
    years = [year for year, _ in form.fields["year"].choices if year]
    assert years == [2026, 2021, 2020, 2019]


def test_beneficiary_totals_count_each_file_once(reader):
    beneficiary = BeneficiaryFactory()
    SubsidyFactory(beneficiary=beneficiary, amount_requested=Decimal("1000"), voted=True)
    SubsidyFactory(beneficiary=beneficiary, amount_requested=Decimal("3000"), voted=True)
    row = reader.get(reverse("subventions:beneficiary_list")).context["rows"][0]
    assert row.subsidy_count == 2
    assert row.total_requested == Decimal("4000")


@pytest.mark.parametrize(
    "typed", ["a", "%_'\"<", "  ", "SUB-", "économie", "=1+1\x00", "x:*|!(", "21B 0110 \u200b"]
)
def test_any_search_typed_shows_a_page(reader, typed):
    SubsidyFactory(beneficiary=BeneficiaryFactory(legal_name="Économie et territoires"))
    for name in LIST_PAGES[:4]:
        response = reader.get(reverse(name), {"q": typed})
        assert response.status_code == 200, (name, typed)
    found = reader.get(reverse("subventions:subsidy_list"), {"q": "economie"})
    assert len(found.context["rows"]) == 1


def test_a_deliberation_row_shows_its_first_files_and_counts_the_others(reader):
    area = PolicyAreaFactory()
    subsidies = [SubsidyFactory(policy_area=area) for _ in range(10)]
    deliberation = Deliberation.objects.create(policy_area=area, title="Délibération cadre")
    DeliberationSubsidy.objects.bulk_create(
        DeliberationSubsidy(deliberation=deliberation, subsidy=subsidy, position=n)
        for n, subsidy in enumerate(subsidies)
    )
    page = reader.get(reverse("deliberations:deliberation_list")).content.decode()
    shown = [s.reference for s in subsidies if s.reference in page]
    assert shown == [s.reference for s in subsidies[:3]]
    assert "et 7\u00a0autres dossiers" in page or "et 7 autres dossiers" in page


def test_each_list_finds_a_row_by_its_own_words_and_another_by_its_file_once_each(reader):
    """Each search reads its sides as separate sets joined by OR (subventions.search): a
    row matched by both sides shows once, and the count says so."""
    from conventions.models import Agreement

    add_agreements(4)
    add_deliberations(4)
    subsidies = list(Subsidy.objects.order_by("pk"))
    # A file found by its own words, another by its beneficiary's, a third by both.
    Subsidy.objects.filter(pk=subsidies[0].pk).update(purpose="Jardins partagés de Fives")
    Beneficiary.objects.filter(pk=subsidies[1].beneficiary_id).update(city="Fives-Caille")
    Subsidy.objects.filter(pk=subsidies[2].pk).update(title="Fives en fête")
    Beneficiary.objects.filter(pk=subsidies[2].beneficiary_id).update(legal_name="Fives Solidaire")
    # The first four files have an agreement, the next four a deliberation each.
    Beneficiary.objects.filter(pk=subsidies[4].beneficiary_id).update(city="Fives")
    Deliberation.objects.filter(
        pk=DeliberationSubsidy.objects.get(subsidy=subsidies[5]).deliberation_id
    ).update(title="Quartier de Fives : programme")
    expected_files = {subsidies[0].pk, subsidies[1].pk, subsidies[2].pk, subsidies[4].pk}

    found = reader.get(reverse("subventions:subsidy_list"), {"q": "fives"})
    assert {row.pk for row in found.context["rows"]} == expected_files
    assert "4 résultats" in found.content.decode()

    found = reader.get(reverse("conventions:agreement_list"), {"q": "fives"})
    files = {row.subsidy_id for row in found.context["rows"]}
    assert files == expected_files & set(Agreement.objects.values_list("subsidy_id", flat=True))

    found = reader.get(reverse("deliberations:deliberation_list"), {"q": "fives"})
    acts = [row.pk for row in found.context["rows"]]
    assert len(acts) == len(set(acts))
    assert set(acts) == set(
        DeliberationSubsidy.objects.filter(
            subsidy__in=[subsidies[4].pk, subsidies[5].pk]
        ).values_list("deliberation_id", flat=True)
    )
    assert len(acts) == 2

    found = reader.get(reverse("subventions:beneficiary_list"), {"q": "fives"})
    assert {row.pk for row in found.context["rows"]} == {
        subsidies[1].beneficiary_id,
        subsidies[2].beneficiary_id,
        subsidies[4].beneficiary_id,
    }
    # The agreement's number, typed compact, finds it alone.
    number = Agreement.objects.order_by("pk").first().number
    found = reader.get(reverse("conventions:agreement_list"), {"q": number.replace("-", "")})
    assert [row.number for row in found.context["rows"]] == [number]
