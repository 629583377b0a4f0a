"""Issue 16's whole path in a real browser (Chromium through Playwright): an association
account's request is submitted; the instructor asks for a missing document; the
association answers in its space; the file is voted and its agreement generated; the
association signs online; the authority signs; the association types and transmits its
financial report; the instructor (Finances) approves it.

The sign-up, confirmation, clerk's confirmation, request and acknowledgment are the
steps of tests/browser/test_portail.py, run first; then the browser drives the
follow-up, the answer, the online signature and the financial report, and the staff
pages between them; axe-core checks every portal page on the way. The vote and the
agreement's generation are written as the clerks' own browser test makes them
(tests/browser/test_scenario.py).
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from conventions import services as agreement_services
from conventions import signatures
from conventions.enums import AgreementStatus
from conventions.models import Agreement
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions import payments
from subventions.enums import ReportStatus, Role, SubsidyStatus
from subventions.models import Application, Authority, InformationRequest, Subsidy
from tests.browser import test_portail as request_steps
from tests.browser.conftest import assert_every_field_labelled, log_in, log_out
from tests.conventions.agreements import pdf_bytes
from tests.subventions.factories import (
    AuthorityFactory,
    BudgetLineFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year - 1
PASSWORD = "Un-mot-de-passe-solide-42"  # the one tests/browser/test_portail.py signs up with
STAFF = {
    "ines": Role.INSTRUCTOR,
    "sarah": Role.ASSEMBLY_SECRETARIAT,
    "simon": Role.SIGNATORY,
    "fanny": Role.FINANCE,
}


def make_staff():
    for username, role in STAFF.items():
        group, _ = Group.objects.get_or_create(name=role)
        user = get_user_model().objects.create_user(
            username, password="pw", first_name=username, email=f"{username}@mel.example"
        )
        user.groups.add(group)


def voted_with_agreement(subsidy) -> Agreement:
    """Proposed, voted, the act executory, the agreement generated (the clerks' browser
    path for these is tests/browser/test_scenario.py)."""
    executory = datetime.date(YEAR, 4, 2)
    Subsidy.objects.filter(pk=subsidy.pk).update(
        status=SubsidyStatus.VOTED,
        amount_proposed=subsidy.amount_requested,
        amount_awarded=subsidy.amount_requested,
        budget_line=BudgetLineFactory(year=subsidy.year),
        executory_on=executory,
    )
    deliberation = Deliberation.objects.create(policy_area=subsidy.policy_area, title=subsidy.title)
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=DeliberationStatus.ADOPTED, executory_date=executory, voted_at=timezone.now()
    )
    subsidy = Subsidy.objects.get(pk=subsidy.pk)
    payments.report_create(subsidy=subsidy)
    sarah = get_user_model().objects.get(username="sarah")
    return agreement_services.agreement_create(subsidy=subsidy, user=sarah)


def portal_log_in(page):
    page.goto("/association/connexion/")
    page.fill("#id_username", "camille@asso.example")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/association/$"))


def portal_log_out(page):
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r".*/association/connexion/.*"))


def test_the_association_path(
    page, browser, live_server, live_reference_data, make_user, settings, tmp_path
):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True  # the demo seal
    # Sign-up … submission and acknowledgment of receipt, in the browser (hG's steps).
    request_steps.test_an_association_signs_up_applies_and_receives_its_acknowledgment(
        page, browser, live_server, live_reference_data, make_user, tmp_path
    )
    check = request_steps.Checker(page)
    if Authority.current() is None:
        AuthorityFactory()
    make_staff()
    subsidy = Application.objects.get().subsidy
    # The file's year is last year's, so that its report may be received this year.
    Subsidy.objects.filter(pk=subsidy.pk).update(
        instructor=get_user_model().objects.get(username="ines"), year=YEAR
    )
    subsidy.refresh_from_db()

    # The instructor asks for a missing document.
    log_in(page, "ines")
    page.goto(f"/dossiers/{subsidy.pk}/")
    page.click("text=Demander des compléments")
    assert_every_field_labelled(page)
    page.fill("#id_subject", "Budget détaillé")
    page.fill("#id_body", "Merci de joindre le budget détaillé de l'action.")
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    page.fill("#id_deadline", deadline.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))
    assert page.locator("h1 .badge", has_text="Incomplet").count() == 1
    log_out(page)

    # The association answers in its space, with a PDF.
    portal_log_in(page)
    page.goto(f"/association/dossiers/{subsidy.pk}/")
    assert "Le service attend votre réponse" in page.content()
    check("dossier-incomplet")
    page.click("text=répondre")
    check("repondre")
    page.fill("#id_body", "Voici le budget détaillé.")
    answer = tmp_path / "budget.pdf"
    answer.write_bytes(pdf_bytes())
    page.set_input_files("#id_attachment", str(answer))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/association/dossiers/{subsidy.pk}/$"))
    assert not InformationRequest.objects.get().is_open
    assert "Voici le budget détaillé." in page.content()

    # The file is voted, its agreement generated: the association signs online.
    agreement = voted_with_agreement(subsidy)
    page.goto(f"/association/dossiers/{subsidy.pk}/")
    check("dossier-convention")
    page.click("text=Signer la convention")
    check("signer-la-convention")
    page.fill("#id_online-name", "Camille Durand")
    page.fill("#id_online-title", "présidente")
    page.check("#id_online-consent")
    page.click("text=Signer la convention >> nth=-1")
    page.wait_for_url(re.compile(rf".*/association/dossiers/{subsidy.pk}/$"))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    with page.expect_download() as download:
        page.click("text=Télécharger la convention (PDF)")
    assert download.value.suggested_filename.endswith(".pdf")

    # The authority signs last, as today.
    signatures.document_sign_paper(
        document=agreement,
        user=get_user_model().objects.get(username="simon"),
        scan=_scan(),
        signed_on=timezone.localdate(),
    )
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.AGREEMENT_SIGNED

    # The association types its financial report, then transmits it signed.
    page.goto(f"/association/dossiers/{subsidy.pk}/")
    page.click("text=Remplir le compte rendu en ligne")
    check("compte-rendu")
    page.fill("#id_budget-planned_64", "15 000")
    page.fill("#id_budget-actual_64", "14 200")
    page.fill("#id_budget-planned_74", "10 000")
    page.fill("#id_budget-actual_74", "10 000")
    page.fill("#id_cr-achievements", "Deux jardins créés, 14 ateliers avec les écoles.")
    page.fill("#id_cr-differences_explanation", "Moins d'outillage acheté que prévu.")
    page.fill("#id_cr-signatory_name", "Camille Durand")
    page.fill("#id_cr-signatory_title", "présidente")
    page.check("#id_cr-attested")
    page.click("text=Enregistrer le brouillon")
    page.wait_for_url(re.compile(r".*/compte-rendu-financier/$"))
    check("compte-rendu-enregistre")
    signed = tmp_path / "compte-rendu-signe.pdf"
    signed.write_bytes(pdf_bytes())
    page.set_input_files("#id_signed_pdf", str(signed))
    page.click("text=Transmettre au service")
    page.wait_for_url(re.compile(rf".*/association/dossiers/{subsidy.pk}/$"))
    report = Subsidy.objects.get(pk=subsidy.pk).financial_report
    assert report.status == ReportStatus.RECEIVED
    check("compte-rendu-transmis")
    portal_log_out(page)

    # The instructor (Finances) approves it.
    log_in(page, "fanny")
    page.goto(f"/comptes-rendus/{report.pk}/examen/")
    assert "64 – Charges de personnel" in page.content()
    page.check("input[name=decision][value=approve]")
    page.click("text=Enregistrer la décision")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def _scan():
    from django.core.files.base import ContentFile

    return ContentFile(pdf_bytes(), name="convention-signee.pdf")
