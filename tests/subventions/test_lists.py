"""The staff lists: filters, search, sorting, pagination, exports, constant query count."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from deliberations.models import Deliberation, DeliberationSubsidy
from subventions.enums import Role, SubsidyStatus
from subventions.models import Beneficiary, Subsidy
from tests.subventions.factories import (
    BeneficiaryFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.READER))
    return client


def references(response) -> list[str]:
    return [subsidy.reference for subsidy in response.context["rows"]]


@pytest.fixture
def files():
    culture, economy = PolicyAreaFactory(label="CULTURE"), PolicyAreaFactory(label="ÉCONOMIE")
    apes = BeneficiaryFactory(legal_name="Acteurs pour une économie solidaire", short_name="APES")
    other = BeneficiaryFactory(legal_name="Théâtre du Nord", short_name="TDN")
    return {
        "apes_2020": SubsidyFactory(beneficiary=apes, year=2020, policy_area=economy, voted=True),
        "apes_2021": SubsidyFactory(
            beneficiary=apes,
            year=2021,
            policy_area=economy,
            amount_requested=Decimal("50000"),
            purpose="Animation territoriale",
        ),
        "tdn_2021": SubsidyFactory(
            beneficiary=other,
            year=2021,
            policy_area=culture,
            amount_requested=Decimal("12000"),
            under_review=True,
        ),
        "apes": apes,
        "culture": culture,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2021"}, ["apes_2021", "tdn_2021"]),
        ({"status": [SubsidyStatus.VOTED, SubsidyStatus.UNDER_REVIEW]}, ["apes_2020", "tdn_2021"]),
        ({"q": "théâtre"}, ["tdn_2021"]),
        ({"q": "animation APES"}, ["apes_2021"]),
        ({"amount_min": "20 000", "amount_max": "40 000"}, ["apes_2020"]),
    ],
)
def test_subsidy_filters(reader, files, query, expected):
    response = reader.get(reverse("subventions:subsidy_list"), query)
    assert sorted(references(response)) == sorted(files[key].reference for key in expected)


def test_subsidy_filters_by_policy_area_and_beneficiary(reader, files):
    url = reverse("subventions:subsidy_list")
    by_area = reader.get(url, {"policy_area": files["culture"].pk})
    assert references(by_area) == [files["tdn_2021"].reference]
    by_beneficiary = reader.get(url, {"beneficiary": files["apes"].pk, "tri": "exercice"})
    assert references(by_beneficiary) == [
        files["apes_2020"].reference,
        files["apes_2021"].reference,
    ]


def test_subsidy_sorting_by_amount_both_ways(reader, files):
    url = reverse("subventions:subsidy_list")
    up = references(reader.get(url, {"tri": "montant"}))
    assert up == [files[k].reference for k in ("tdn_2021", "apes_2020", "apes_2021")]
    down = references(reader.get(url, {"tri": "-montant"}))
    assert down == list(reversed(up))


def test_an_unknown_sort_is_refused_not_run(reader, files):
    response = reader.get(reverse("subventions:subsidy_list"), {"tri": "beneficiary__iban"})
    assert "tri" in response.context["filter"].form.errors


def test_pagination_keeps_the_filters(reader):
    area = PolicyAreaFactory()
    SubsidyFactory.create_batch(30, policy_area=area)
    SubsidyFactory.create_batch(3)
    url = reverse("subventions:subsidy_list")
    page_two = reader.get(url, {"policy_area": area.pk, "page": 2})
    assert len(page_two.context["rows"]) == 5
    html = page_two.content.decode()
    assert f"policy_area={area.pk}&amp;page=1" in html
    assert "Page 2 sur 2" in html


def test_subsidy_csv_export_holds_the_filtered_rows(reader, files):
    response = reader.get(reverse("subventions:subsidy_export", args=["csv"]), {"year": "2021"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeff")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Exercice", "Bénéficiaire"]
    assert sorted(row[0] for row in rows[1:]) == sorted(
        [files["apes_2021"].reference, files["tdn_2021"].reference]
    )
    apes_row = next(row for row in rows if row[0] == files["apes_2021"].reference)
    assert apes_row[rows[0].index("Montant demandé")] == "50000,00"
    assert apes_row[rows[0].index("Demande reçue le")] == "15/01/2021"


def test_subsidy_xlsx_export_holds_the_filtered_rows(reader, files):
    response = reader.get(reverse("subventions:subsidy_export", args=["xlsx"]), {"q": "théâtre"})
    assert response["Content-Disposition"] == 'attachment; filename="subventions.xlsx"'
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("Référence")] == files["tdn_2021"].reference
    assert row[header.index("Montant demandé")] == 12000


def test_an_unknown_export_format_is_not_found(reader):
    assert reader.get(reverse("subventions:subsidy_export", args=["pdf"])).status_code == 404


def test_beneficiary_filters_and_totals(reader, files):
    url = reverse("subventions:beneficiary_list")
    response = reader.get(url, {"year": "2020"})
    (apes,) = response.context["rows"]
    assert apes == files["apes"]
    # The year chooses the beneficiaries, not the files counted in their totals.
    assert apes.subsidy_count == 2
    assert apes.total_awarded == Decimal("35000")
    assert [b.short_name for b in reader.get(url, {"q": "nord"}).context["rows"]] == ["TDN"]
    by_status = reader.get(url, {"year": "2021", "status": SubsidyStatus.UNDER_REVIEW})
    assert [b.short_name for b in by_status.context["rows"]] == ["TDN"]
    rich = reader.get(url, {"amount_min": "1000"})
    assert [b.short_name for b in rich.context["rows"]] == ["APES"]


def test_beneficiary_exports(reader, files):
    response = reader.get(reverse("subventions:beneficiary_export", args=["csv"]), {"q": "apes"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["APES"]
    xlsx = reader.get(reverse("subventions:beneficiary_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet.max_row == 3


# Constant number of queries


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"tri": "-montant"} if "dossiers" in url else {})
    assert response.status_code == 200
    return len(captured)


def add_subsidies(count: int):
    area = PolicyAreaFactory()
    beneficiaries = Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(siret="") for _ in range(count)
    )
    start = Subsidy.objects.count()
    return Subsidy.objects.bulk_create(
        SubsidyFactory.build(
            beneficiary=beneficiary,
            policy_area=area,
            reference=f"SUB-2021-{start + n:05d}",
        )
        for n, beneficiary in enumerate(beneficiaries)
    )


def add_deliberations(count: int):
    subsidies = add_subsidies(count)
    area = subsidies[0].policy_area
    deliberations = Deliberation.objects.bulk_create(
        Deliberation(policy_area=area, title=f"Délibération {n}") for n in range(count)
    )
    DeliberationSubsidy.objects.bulk_create(
        DeliberationSubsidy(deliberation=d, subsidy=s)
        for d, s in zip(deliberations, subsidies, strict=True)
    )


def add_agreements(count: int):
    from conventions.models import Agreement
    from tests.conventions.factories import AgreementTemplateFactory

    template = AgreementTemplateFactory()
    start = Agreement.objects.count()
    Agreement.objects.bulk_create(
        Agreement(
            number=f"CONV-2021-{start + n:05d}",
            subsidy=subsidy,
            template=template,
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2021, 12, 31),
        )
        for n, subsidy in enumerate(add_subsidies(count))
    )


@pytest.mark.parametrize(
    ("url_name", "add"),
    [
        ("subventions:subsidy_list", add_subsidies),
        ("subventions:beneficiary_list", add_subsidies),
        ("deliberations:deliberation_list", add_deliberations),
        ("conventions:agreement_list", add_agreements),
    ],
)
def test_same_number_of_queries_for_5_and_500_rows(reader, url_name, add):
    url = reverse(url_name)
    add(5)
    five = list_queries(reader, url)
    add(495)
    five_hundred = list_queries(reader, url)
    assert five == five_hundred
    print(f"{url_name}: {five} requêtes pour 5 et pour 500 lignes")


@pytest.mark.parametrize(
    ("count", "status"), [(0, "Aucun résultat"), (1, "1 résultat"), (2, "2 résultats")]
)
def test_the_result_count_follows_french_plural(reader, count, status):
    for _ in range(count):
        BeneficiaryFactory()
    page = reader.get(reverse("subventions:beneficiary_list")).content.decode()
    assert f'<p class="mb-0" role="status">{status}</p>' in page
