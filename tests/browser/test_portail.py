"""The association space in Chromium: sign-up → e-mail confirmation → a clerk confirms →
the request with two axes, two other funders and the pieces → submission → the
acknowledgment of receipt (locmem e-mail with its PDF). axe-core (WCAG 2.1 A and AA)
finds nothing on any portal page; with SUBVENTIONS_SCREENSHOTS, each step is saved at
1280 and 390 px in docs/screenshots/portail/.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail

from subventions.enums import ApplicationStatus
from subventions.models import Application
from tests.browser.conftest import assert_every_field_labelled, log_in
from tests.portail.helpers import pdf_bytes
from tests.subventions.factories import BeneficiaryFactory, PolicyAreaFactory

OUTPUT = os.environ.get("SUBVENTIONS_SCREENSHOTS")
WIDTHS = (1280, 390)
# The pages this test checks (and screenshots, numbered 01 to STEPS).
STEPS = 20
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Checker:
    """axe-core on each page, and its screenshots when asked for."""

    def __init__(self, page, *, first: int = 0):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe = Axe()
        # The screenshots are numbered in the order of the path (a later test's pages
        # after this one's: `first` is the number of pages checked before).
        self.count = first
        self.folder = Path(OUTPUT) / "portail" if OUTPUT else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        results = self.axe.run(self.page, options=WCAG)
        assert results.violations_count == 0, (name, results.generate_report())
        assert_every_field_labelled(self.page)
        self.count += 1
        if self.folder:
            for width in WIDTHS:
                self.page.set_viewport_size({"width": width, "height": 900})
                path = self.folder / f"{self.count:02d}-{name}-{width}.png"
                self.page.screenshot(path=path, full_page=True)
            self.page.set_viewport_size({"width": 1280, "height": 900})


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_an_association_signs_up_applies_and_receives_its_acknowledgment(
    page, browser, live_server, live_reference_data, make_user, tmp_path
):
    association = BeneficiaryFactory(rna="W595012345", siret="")
    PolicyAreaFactory(label="Économie sociale et solidaire")
    clerk = make_user("Instructeur", username="clerc")
    check = Checker(page)
    pdf = tmp_path / "piece.pdf"
    pdf.write_bytes(pdf_bytes())

    # Sign-up, with a first mistake shown in the error summary.
    page.goto("/association/inscription/")
    check("inscription")
    page.fill("#id_first_name", "Camille")
    page.fill("#id_last_name", "Durand")
    page.fill("#id_email", "camille@asso.example")
    page.fill("#id_password1", "Un-mot-de-passe-solide-42")
    page.fill("#id_password2", "autre")
    page.click("text=Créer mon compte")
    page.wait_for_selector(".error-summary")
    check("inscription-erreur")
    page.fill("#id_password1", "Un-mot-de-passe-solide-42")
    page.fill("#id_password2", "Un-mot-de-passe-solide-42")
    page.click("text=Créer mon compte")
    page.wait_for_url(re.compile(r".*/inscription/envoyee/$"))
    check("inscription-envoyee")

    # The confirmation link, then the request to act for the association.
    page.goto(_link(mail.outbox[-1]))
    page.wait_for_url(re.compile(r".*/association/rattachement/$"))
    check("rattachement")
    page.fill("#id_rna", "W595012345")
    page.fill("#id_role_in_association", "présidente")
    page.check("#id_is_representative")
    page.click("text=Envoyer la demande")
    page.wait_for_url(re.compile(r".*/association/$"))
    check("accueil-en-attente")
    assert "en attente" in page.inner_text("main").lower()

    # A clerk confirms, in another browser context.
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR")
    clerk_page = staff.new_page()
    log_in(clerk_page, clerk.username)
    clerk_page.goto("/comptes-association/")
    clerk_page.click("form button:has-text('Confirmer')")
    clerk_page.wait_for_selector("text=agit désormais pour")
    staff.close()

    # The request, step by step.
    page.goto("/association/")
    check("accueil")
    page.click("text=Demander une subvention")
    check("nouvelle-demande")
    page.fill("#id_year", "2026")
    page.click("text=Commencer la demande")
    page.wait_for_url(re.compile(r".*/etape/association/$"))
    page.fill("#id_address", "12 rue des Lilas")
    page.fill("#id_postal_code", "59000")
    page.fill("#id_city", "Lille")
    page.fill("#id_representative_name", "Camille Durand")
    page.fill("#id_representative_title", "Présidente")
    page.fill("#id_contact_name", "Camille Durand")
    page.fill("#id_contact_email", "camille@asso.example")
    page.fill("#id_object", "Créer et animer des jardins partagés.")
    page.fill("#id_members", "120")
    page.fill("#id_annual_budget", "85 000")
    check("etape-association")
    page.click("text=Enregistrer et continuer")
    page.wait_for_url(re.compile(r".*/etape/projet/$"))
    page.fill("#id_project_title", "Jardins partagés 2026")
    page.select_option("#id_policy_area", label="Économie sociale et solidaire")
    for field, value in {
        "project_objectives": "Rapprocher les habitants.",
        "project_description": "Deux jardins, des ateliers.",
        "project_public": "Habitants et écoliers.",
        "project_indicators": "Nombre de participants.",
    }.items():
        page.fill(f"#id_{field}", value)
    page.fill("#id_project_start", "2026-03-01")
    page.fill("#id_project_end", "2026-12-31")
    page.fill("#id_axes-0-title", "Créer deux jardins partagés à Fives")
    page.get_by_role("button", name="Enregistrer et ajouter un axe").click()
    page.wait_for_selector("#id_axes-1-title")
    page.fill("#id_axes-1-title", "Animer des ateliers pour les écoles")
    check("etape-projet")
    page.click("text=Enregistrer et continuer")
    page.wait_for_url(re.compile(r".*/etape/budget/$"))
    page.fill("#id_charge_60", "5 000")
    page.fill("#id_charge_64", "15 000")
    page.fill("#id_income_75", "3 000")
    page.fill("#id_amount_requested", "10 000")
    page.select_option("#id_financeurs-0-kind", "region")
    page.fill("#id_financeurs-0-name", "la Région Hauts-de-France")
    page.fill("#id_financeurs-0-amount", "4 000")
    page.get_by_role("button", name="Enregistrer et ajouter un financeur").click()
    page.wait_for_selector("#id_financeurs-1-name")
    page.select_option("#id_financeurs-1-kind", "departement")
    page.fill("#id_financeurs-1-name", "le Département du Nord")
    page.fill("#id_financeurs-1-amount", "3 000")
    check("etape-budget")
    page.click("text=Enregistrer et continuer")
    page.wait_for_url(re.compile(r".*/etape/attestations/$"))

    # The pieces go to the vault, then back to the request.
    page.click("text=Ajoutez-la au coffre-fort")
    check("coffre-fort")
    for kind in ("statuts", "dirigeants", "rib", "rapport_activite", "comptes"):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(pdf))
        page.fill("#id_valid_until", "2030-12-31")
        page.click("text=Ajouter au coffre-fort")
        page.wait_for_url(re.compile(r".*/etape/attestations/$"))
        if kind != "comptes":
            page.click("text=Ajoutez-la au coffre-fort")
    page.check("#id_sworn_statement")
    page.check("#id_republican_commitment")
    page.fill("#id_signatory_name", "Camille Durand")
    check("etape-attestations")
    page.click("text=Enregistrer et continuer")
    page.wait_for_url(re.compile(r".*/etape/recapitulatif/$"))
    check("etape-recapitulatif")
    assert "Avant de déposer" not in page.content(), page.inner_text("main")
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url(re.compile(r".*/demandes/\d+/$"))
    check("demande-deposee")

    application = Application.objects.get(beneficiary=association)
    assert application.status == ApplicationStatus.SUBMITTED
    subsidy = application.subsidy
    assert [axis.title for axis in subsidy.axes.all()] == [
        "Créer deux jardins partagés à Fives",
        "Animer des ateliers pour les écoles",
    ]
    assert [line.partner_names for line in subsidy.cofundings.all()] == [
        "la Région Hauts-de-France",
        "le Département du Nord",
    ]
    acknowledgment = mail.outbox[-1]
    assert subsidy.reference in acknowledgment.subject
    assert acknowledgment.attachments[0][2] == "application/pdf"
    if check.folder:  # the acknowledgment's PDF, as the association reads it
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-singlefile",
                "-",
                str(check.folder / "accuse-de-reception"),
            ],
            input=acknowledgment.attachments[0][1],
            check=True,
        )

    page.click("text=Mes dossiers")
    check("mes-dossiers")
    page.locator("main a:visible", has_text=subsidy.reference).click()
    check("dossier")
    page.goto("/association/accessibilite/")
    check("accessibilite")
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r".*/association/connexion/$"))
    check("connexion")
    page.goto("/association/connexion/lien/")
    check("lien-de-connexion")
    page.goto("/association/mot-de-passe/")
    check("mot-de-passe-oublie")
    assert check.count == STEPS
