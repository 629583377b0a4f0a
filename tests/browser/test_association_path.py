"""Issue 16's whole path in a real browser (Chromium through Playwright): an association
account's request is submitted; the instructor asks for a missing document; the
association answers in its space; the file is voted and its agreement generated; the
association signs online; the authority signs; the association types and transmits its
financial report; the instructor (Finances) approves it.

The sign-up, confirmation, clerk's confirmation, request and acknowledgment are the
steps of tests/browser/test_portail.py, run first; then the browser drives the
follow-up, the answer, the online signature and the financial report, and the staff
pages between them, each step by its role: the instructor completes the file and puts it
under review, the head of service proposes it, the assemblies' secretariat places it on
a session, records the vote, transmits and publishes the act (executory today) and
prepares the agreement, the signatory signs it for the authority (with the clerks'
browser steps of tests/browser/test_scenario.py). axe-core checks every portal page on
the way; with SUBVENTIONS_SCREENSHOTS, each portal step is saved at 1280 and 390 px
after those of tests/browser/test_portail.py.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.models import Agreement
from subventions import payments
from subventions.enums import InformationRequestStatus, ReportStatus, Role, SubsidyStatus
from subventions.models import Application, InformationRequest, Subsidy
from tests.browser import test_portail as request_steps
from tests.browser import test_scenario as scenario
from tests.browser.conftest import assert_every_field_labelled, log_in, log_out
from tests.conventions.agreements import pdf_bytes
from tests.subventions.factories import (
    BudgetLineFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year - 1
PASSWORD = "Un-mot-de-passe-solide-42"  # the one tests/browser/test_portail.py signs up with
STAFF = {"simon": Role.SIGNATORY, "fanny": Role.FINANCE}


def make_staff():
    """The clerks of the scenario (ines, rene, sarah), the signatory and Finances."""
    scenario.make_users()
    for username, role in STAFF.items():
        group, _ = Group.objects.get_or_create(name=role)
        user = get_user_model().objects.create_user(
            username, password="pw", first_name=username, email=f"{username}@mel.example"
        )
        user.groups.add(group)


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
    check = request_steps.Checker(page, first=request_steps.STEPS)
    make_staff()
    refs = scenario.reference_data()
    line = BudgetLineFactory(year=YEAR, label="Économie sociale et solidaire")
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
    portal_log_out(page)

    # The answer waits in the instructor's « À faire »: read on the file, the request
    # closed. The instructor then completes the file and puts it under review…
    log_in(page, "ines")
    page.goto(f"/a-faire/?year={YEAR}")
    page.locator("#reponses_associations").get_by_role(
        "link", name=re.compile("réponse à « Budget détaillé »")
    ).click()
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/#titre-echanges$"))
    assert (
        "Voici le budget détaillé."
        in page.locator("#titre-echanges").locator("xpath=..").inner_text()
    )
    page.get_by_role("button", name=re.compile("Réponse lue : clore la demande")).click()
    page.wait_for_selector(".alert-success")
    assert InformationRequest.objects.get().status == InformationRequestStatus.CLOSED
    page.click("text=Modifier le dossier")
    page.fill("#id_amount_proposed", "10 000")
    page.select_option("#id_budget_line", str(line.pk))
    scenario.submit(page)
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))
    scenario.run_action(page, "Mettre en instruction")
    log_out(page)
    # …the head of service proposes it…
    log_in(page, "rene")
    page.goto(f"/dossiers/{subsidy.pk}/")
    scenario.run_action(page, "Proposer au vote")
    log_out(page)
    # …the secretariat places it on the session held yesterday, records the vote,
    # transmits and publishes the act, and prepares the agreement.
    log_in(page, "sarah")
    deliberation = scenario.place_on_session(page, refs["session"], subsidy)
    page.click("main a:has-text('Enregistrer le vote') >> nth=0")
    scenario.record_unanimous_adoption(page)
    scenario.transmit_and_publish(page, deliberation, refs["classification"])
    # Under the legal threshold, the authority still wants an agreement: prepared from
    # the file.
    page.goto(f"/dossiers/{subsidy.pk}/")
    page.click("main a:has-text('Préparer la convention')")
    assert_every_field_labelled(page)
    scenario.submit(page)
    page.wait_for_selector(".alert-success")
    log_out(page)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.VOTED
    assert subsidy.executory_on == timezone.localdate()
    agreement = Agreement.objects.get(subsidy=subsidy)

    # The association finds its act and its agreement, and signs online.
    portal_log_in(page)
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

    portal_log_out(page)

    # The authority signs last, as today: the signatory records the signed original.
    log_in(page, "simon")
    page.goto(f"/conventions/convention/{agreement.pk}/")
    page.click("main a:has-text('Signer')")
    assert_every_field_labelled(page)
    original = tmp_path / "convention-signee.pdf"
    original.write_bytes(pdf_bytes())
    page.set_input_files("#id_papier-scan", str(original))
    page.click("text=Enregistrer l'original signé")
    page.wait_for_url(re.compile(rf".*/conventions/convention/{agreement.pk}/$"))
    page.wait_for_selector(".alert-success")
    log_out(page)
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.AGREEMENT_SIGNED

    # The association follows its file: signed by both, then types its financial report.
    portal_log_in(page)
    page.goto(f"/association/dossiers/{subsidy.pk}/")
    check("dossier-signe")

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

    # Finances find it in their « À faire », typed online, and approve it.
    log_in(page, "fanny")
    page.goto(f"/a-faire/?year={YEAR}")
    page.locator("#comptes_rendus_a_examiner").get_by_role(
        "link", name=re.compile("reçu en ligne le")
    ).click()
    page.wait_for_url(re.compile(rf".*/comptes-rendus/{report.pk}/examen/$"))
    assert "64 – Charges de personnel" in page.content()
    page.check("input[name=decision][value=approve]")
    page.click("text=Enregistrer la décision")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    # Paid (the money panel's own browser test is tests/browser/test_money_and_sending.py),
    # the association reads its whole file: history, act, agreement, report, payment.
    payments.payment_create(
        subsidy=Subsidy.objects.get(pk=subsidy.pk),
        date=timezone.localdate(),
        amount=Decimal("10000"),
        mandate_number=f"{timezone.localdate().year}-000123",
        user=get_user_model().objects.get(username="fanny"),
    )
    log_out(page)
    portal_log_in(page)
    page.goto(f"/association/dossiers/{subsidy.pk}/")
    main = page.inner_text("main")
    assert deliberation.number in main and agreement.number in main
    assert "10\u00a0000\u00a0€" in main
    check("dossier-verse")
