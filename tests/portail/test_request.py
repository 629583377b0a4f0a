"""The request in steps, the vault, the submission and the acknowledgment of receipt."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import PDF_NOT_PDF
from subventions.enums import ApplicationStatus, SubsidyStatus
from subventions.models import Application, Subsidy, VaultDocument
from tests.pdftext import pdf_pages_text
from tests.subventions.factories import PolicyAreaFactory

from .helpers import AXES, FUNDERS, budget_data, fill, pdf_upload, project_data, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_area():
    return PolicyAreaFactory()


@pytest.fixture
def application(client, account, association):
    client.force_login(account)
    response = client.post(f"/association/associations/{association.pk}/demande/", {"year": 2026})
    assert response.status_code == 302
    return Application.objects.get()


def test_a_new_request_is_prefilled_with_what_is_known(client, application, association):
    page = client.get(step_url(application, "association"))
    assert page.context["form"].initial["legal_name"] == association.legal_name
    assert application.created_by.email.endswith("@asso.example")


def test_each_step_is_a_draft_the_person_comes_back_to(client, application, policy_area):
    client.post(step_url(application, "projet"), {**project_data(policy_area), "quitter": ""})
    application.refresh_from_db()
    assert application.current_step == "projet"
    assert [axis["title"] for axis in application.axes] == [title for title, _ in AXES]
    home = client.get("/association/").content.decode()
    assert "Jardins partagés 2026" in home
    assert "/etape/projet/" in home


def test_axes_are_added_and_removed(client, application, policy_area):
    data = project_data(policy_area)
    client.post(step_url(application, "projet"), {**data, "ajouter": ""})
    page = client.get(step_url(application, "projet"))
    assert len(page.context["axes"].forms) == 3  # two saved, one empty to add
    data.update({"axes-INITIAL_FORMS": "2", "axes-0-DELETE": "on"})
    client.post(step_url(application, "projet"), data)
    application.refresh_from_db()
    assert [axis["title"] for axis in application.axes] == [AXES[1][0]]


def test_submission_creates_the_file_with_the_axes_and_plan_word_for_word(
    client, application, policy_area
):
    fill(client, application, policy_area)
    response = client.post(f"/association/demandes/{application.pk}/deposer/")
    assert response.status_code == 302
    application.refresh_from_db()
    subsidy = application.subsidy
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == application.created_by
    assert subsidy.status == SubsidyStatus.DRAFT
    assert subsidy.amount_requested == Decimal("10000")
    assert subsidy.projected_budget == Decimal("20000.50")
    assert subsidy.instructor is None
    assert [(a.position, a.title, a.description) for a in subsidy.axes.all()] == [
        (1, AXES[0][0], AXES[0][1]),
        (2, AXES[1][0], ""),
    ]
    lines = [(line.partner_names, line.amount) for line in subsidy.cofundings.all()]
    assert lines == [(FUNDERS[0][1], Decimal("4000")), (FUNDERS[1][1], Decimal("3000.50"))]
    assert subsidy.history.first().history_user == application.submitted_by
    # The acknowledgment of receipt: e-mail with its PDF.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert subsidy.reference in message.subject
    assert "camille@asso.example" in message.to
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    text = " ".join(pdf_pages_text(content))
    assert subsidy.reference in text
    assert "Accusé de réception" in text
    assert "L. 112-3" in text or "L. 112-3" in text.replace("\u00a0", " ")
    assert "Service des subventions" in text
    # Visible in « Mes dossiers », the acknowledgment downloadable again.
    listing = client.get("/association/dossiers/").content.decode()
    assert subsidy.reference in listing
    pdf = client.get(f"/association/demandes/{application.pk}/accuse-de-reception.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_an_incomplete_request_lists_what_is_missing_and_creates_nothing(client, application):
    response = client.post(f"/association/demandes/{application.pk}/deposer/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le projet : son intitulé." in page.replace("\u00a0", " ")
    assert "Les pièces : statuts." in page.replace("\u00a0", " ")
    assert "déclaration sur l&#x27;honneur" in page
    assert not Subsidy.objects.exists()
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_an_unbalanced_budget_is_refused_at_submission(client, application, policy_area):
    fill(client, application, policy_area)
    client.post(step_url(application, "budget"), budget_data(requested="9 000"))
    response = client.post(f"/association/demandes/{application.pk}/deposer/")
    assert response.status_code == 400
    assert "pas équilibré" in response.content.decode()
    assert not Subsidy.objects.exists()


def test_a_submitted_request_no_longer_changes(client, application, policy_area):
    fill(client, application, policy_area)
    client.post(f"/association/demandes/{application.pk}/deposer/")
    response = client.post(step_url(application, "association"), {"legal_name": "Autre"})
    assert response.status_code == 302
    assert response["Location"] == f"/association/demandes/{application.pk}/"
    application.refresh_from_db()
    assert application.association["legal_name"] != "Autre"
    again = client.post(f"/association/demandes/{application.pk}/deposer/")
    assert again.status_code == 302
    assert Subsidy.objects.count() == 1


# Bad inputs: French error on the field, nothing saved.


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"siret": "123"}, "siret", "14 chiffres"),
        ({"rna": "W12"}, "rna", "lettre W"),
        ({"postal_code": "00000"}, "postal_code", "code postal"),
        ({"contact_email": "nope"}, "contact_email", "courriel valide"),
        ({"annual_budget": "-5"}, "annual_budget", "négatif"),
        ({"annual_budget": "beaucoup"}, "annual_budget", "montant"),
        ({"members": "-1"}, "members", "supérieure ou égale à 0"),
    ],
)
def test_association_step_bad_inputs(client, application, data, field, message):
    before = dict(application.association)
    response = client.post(step_url(application, "association"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message.lower() in errors.lower(), errors
    application.refresh_from_db()
    assert application.association == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"project_start": "2026-12-31", "project_end": "2026-01-01"}, "project_end", "précéder"),
        ({"project_start": "31/02/2026"}, "project_start", "date valide"),
        ({"project_title": "x" * 501}, "project_title", "au plus 500"),
    ],
)
def test_project_step_bad_inputs(client, application, policy_area, changes, field, message):
    response = client.post(
        step_url(application, "projet"), {**project_data(policy_area), **changes}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    application.refresh_from_db()
    assert application.project_title == "" and application.axes == []


def test_an_axis_title_too_long_is_said_on_the_axis(client, application, policy_area):
    data = project_data(policy_area, axes=[("x" * 301, "")])
    response = client.post(step_url(application, "projet"), data)
    assert "au plus 300" in " ".join(response.context["axes"].forms[0].errors["title"])
    application.refresh_from_db()
    assert application.axes == []


@pytest.mark.parametrize(
    ("funders", "field", "message"),
    [
        ([("region", "", "4 000")], "name", "Nommez le financeur"),
        ([("region", "la Région", "")], "amount", "Indiquez le montant"),
        ([("region", "la Région", "-3")], "amount", "négatif"),
        ([("planete", "Mars", "3")], "kind", "Sélectionnez un choix valide"),
    ],
)
def test_budget_step_bad_funders(client, application, funders, field, message):
    response = client.post(step_url(application, "budget"), budget_data(funders=funders))
    assert response.status_code == 200
    assert message in " ".join(response.context["funders"].forms[0].errors[field])
    application.refresh_from_db()
    assert application.funders == [] and application.budget == {}


def test_budget_step_bad_amount(client, application):
    response = client.post(step_url(application, "budget"), {**budget_data(), "charge_60": "-1"})
    assert "négatif" in " ".join(response.context["form"].errors["charge_60"])
    application.refresh_from_db()
    assert application.amount_requested is None


def test_attestations_refuse_a_document_of_another_association(client, application, make_account):
    from tests.subventions.factories import BeneficiaryFactory

    other = BeneficiaryFactory()
    foreign = VaultDocument.objects.create(
        beneficiary=other, kind="statuts", file=SimpleUploadedFile("s.pdf", b"%PDF-1.4")
    )
    response = client.post(
        step_url(application, "attestations"), {"signatory_name": "X", "doc_statuts": foreign.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in " ".join(
        response.context["documents"].errors["doc_statuts"]
    )
    assert not application.documents.exists()


# The vault


def test_vault_keeps_a_pdf_with_its_validity(client, application, association):
    response = client.post(
        f"/association/associations/{association.pk}/coffre-fort/",
        {"kind": "rib", "file": pdf_upload(), "valid_until": "2030-01-31"},
    )
    assert response.status_code == 302
    document = VaultDocument.objects.get()
    assert document.uploaded_by == application.created_by
    assert len(document.sha256) == 64
    download = client.get(f"/association/pieces/{document.pk}/")
    assert download.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("rib.pdf", b"GIF89a pas un pdf"), PDF_NOT_PDF),
        (SimpleUploadedFile("rib.exe", b"MZ\x90\x00"), PDF_NOT_PDF),
    ],
)
def test_vault_refuses_a_file_that_is_not_a_pdf(client, application, association, upload, message):
    response = client.post(
        f"/association/associations/{association.pk}/coffre-fort/", {"kind": "rib", "file": upload}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not VaultDocument.objects.exists()


def test_vault_refuses_a_file_too_large(client, application, association, settings):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    response = client.post(
        f"/association/associations/{association.pk}/coffre-fort/", {"kind": "rib", "file": big}
    )
    assert response.status_code == 400
    assert "Mo au plus" in " ".join(response.context["form"].errors["file"])
    assert not VaultDocument.objects.exists()


def test_vault_bad_date_and_missing_file(client, application, association):
    response = client.post(
        f"/association/associations/{association.pk}/coffre-fort/",
        {"kind": "rib", "valid_until": "demain"},
    )
    errors = response.context["form"].errors
    assert "obligatoire" in errors["file"][0]
    assert "date valide" in errors["valid_until"][0]
    assert not VaultDocument.objects.exists()
