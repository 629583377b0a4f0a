"""Filling a request through the portal's pages, as a person would."""

import functools

from django.core.files.uploadedfile import SimpleUploadedFile

from subventions.applications import REQUIRED_DOCUMENTS

ASSOCIATION = {
    "legal_name": "Association des Jardins partagés",
    "short_name": "AJP",
    "siret": "",
    "rna": "W595012345",
    "address": "12 rue des Lilas",
    "postal_code": "59000",
    "city": "Lille",
    "representative_name": "Camille Durand",
    "representative_title": "Présidente",
    "contact_name": "Camille Durand",
    "contact_email": "camille@asso.example",
    "contact_phone": "03 20 00 00 00",
    "object": "Créer et animer des jardins partagés.",
    "approvals": "",
    "members": "120",
    "volunteers": "25",
    "employees_fte": "1,5",
    "annual_budget": "85 000",
}
AXES = [
    ("Créer deux jardins partagés dans le quartier de Fives", "Avec les habitants."),
    ("Animer des ateliers de jardinage pour les écoles", ""),
]
FUNDERS = [
    ("region", "la Région Hauts-de-France", "4 000"),
    ("departement", "le Département du Nord", "3 000,50"),
]


@functools.cache
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Statuts</h1>").write_pdf()


def pdf_upload(name="piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def step_url(application, step):
    return f"/association/demandes/{application.pk}/etape/{step}/"


def project_data(policy_area, axes=AXES):
    data = {
        "project_title": "Jardins partagés 2026",
        "policy_area": policy_area.pk,
        "project_objectives": "Rapprocher les habitants.",
        "project_description": "Deux jardins, des ateliers.",
        "project_public": "Habitants et écoliers.",
        "project_territory": "Lille-Fives",
        "project_start": "2026-03-01",
        "project_end": "2026-12-31",
        "project_means": "Un animateur, des outils.",
        "project_indicators": "Nombre de participants.",
        "axes-TOTAL_FORMS": str(len(axes)),
        "axes-INITIAL_FORMS": "0",
        "axes-MIN_NUM_FORMS": "0",
        "axes-MAX_NUM_FORMS": "1000",
    }
    for n, (title, description) in enumerate(axes):
        data[f"axes-{n}-title"] = title
        data[f"axes-{n}-description"] = description
    return data


def budget_data(funders=FUNDERS, requested="10 000"):
    data = {
        "amount_requested": requested,
        "charge_60": "5 000",
        "charge_64": "15 000,50",
        "income_70": "1 000",
        "income_75": "2 000",
        "financeurs-TOTAL_FORMS": str(len(funders)),
        "financeurs-INITIAL_FORMS": "0",
        "financeurs-MIN_NUM_FORMS": "0",
        "financeurs-MAX_NUM_FORMS": "1000",
    }
    for n, (kind, name, amount) in enumerate(funders):
        data[f"financeurs-{n}-kind"] = kind
        data[f"financeurs-{n}-name"] = name
        data[f"financeurs-{n}-amount"] = amount
    return data


def fill(client, application, policy_area):
    """Every step through the pages; the pieces uploaded to the vault first."""
    beneficiary = application.beneficiary
    for kind in REQUIRED_DOCUMENTS:
        response = client.post(
            f"/association/associations/{beneficiary.pk}/coffre-fort/",
            {"kind": kind, "file": pdf_upload(), "valid_until": "2030-12-31"},
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
    for step, data in (
        ("association", ASSOCIATION),
        ("projet", project_data(policy_area)),
        ("budget", budget_data()),
    ):
        response = client.post(step_url(application, step), data)
        assert response.status_code == 302, (
            step,
            response.context and response.context.get("form").errors,
        )
    page = client.get(step_url(application, "attestations"))
    documents = page.context["documents"]
    data = {
        "sworn_statement": "on",
        "republican_commitment": "on",
        "signatory_name": "Camille Durand",
    }
    for name in documents.fields:
        data[name] = documents.initial[name]
    response = client.post(step_url(application, "attestations"), data)
    assert response.status_code == 302
