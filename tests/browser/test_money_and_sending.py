"""In a real browser: the Secrétariat des assemblées sends the APES 2021 agreement and the
e-mail carries its PDF; a Finances user then pays the 2021 APES subsidy in its
instalments, records and approves the financial report, and sees the file « soldée »."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command

from conventions import rendering, signatures
from conventions.enums import AgreementStatus
from conventions.models import Agreement
from pilotage.demo import DEMO_PASSWORD
from subventions import payments
from subventions.enums import InstalmentCondition, SubsidyStatus
from subventions.models import Subsidy
from tests.browser.conftest import log_in, log_out
from tests.subventions.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign(agreement: Agreement, users: dict) -> None:
    """Both parties sign (as recorded by the services): payments may start."""
    today = datetime.date.today()
    agreement = signatures.document_record_beneficiary_signature(
        document=agreement, user=users["secretariat"], signed_on=today
    )
    signatures.document_sign_paper(
        document=agreement,
        user=users["signataire"],
        scan=ContentFile(rendering.build_pdf(agreement).content, name="original-signe.pdf"),
        signed_on=today,
        confirmed=True,
        reason="Signature tardive de la démonstration.",
    )


def test_send_the_agreement_then_pay_and_close_apes_2021(
    page, settings, live_reference_data, tmp_path
):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    subsidy = Subsidy.objects.get(year=2021, beneficiary__short_name="APES")
    agreement = Agreement.objects.get(subsidy=subsidy)
    users = {u.username: u for u in get_user_model().objects.all()}

    # The Secrétariat sends the agreement to the beneficiary.
    mail.outbox.clear()
    log_in(page, "secretariat", DEMO_PASSWORD)
    page.goto(f"/conventions/convention/{agreement.pk}/")
    page.click("text=Envoyer au bénéficiaire")
    page.click("text=Confirmer l'envoi par courriel")
    page.wait_for_url(re.compile(rf".*/conventions/convention/{agreement.pk}/$"))
    assert page.locator(".alert-success").count() == 1
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SENT
    [message] = mail.outbox
    assert message.to == [subsidy.beneficiary.email]
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{agreement.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    log_out(page)

    sign(agreement, users)
    half = Decimal("50")
    payments.schedule_set(
        subsidy=subsidy,
        user=users["finances"],
        instalments=[
            payments.InstalmentData("Avance", InstalmentCondition.ON_SIGNATURE, share=half),
            payments.InstalmentData("Solde", InstalmentCondition.ON_FINANCIAL_REPORT, share=half),
        ],
    )

    # Finances pays the advance, records and approves the report, pays the balance.
    log_in(page, "finances", DEMO_PASSWORD)
    page.goto(f"/dossiers/{subsidy.pk}/")
    page.click("text=Verser l'échéance 1")
    page.fill("#id_mandate_number", "2021-004512")
    page.click("text=Enregistrer le versement")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/.*"))
    assert "17 500" in page.locator("[data-testid=reste-a-verser]").inner_text().replace(
        "\u00a0", " "
    ).replace("\u202f", " ")
    assert page.locator("text=En attente du compte rendu financier approuvé").count() == 1

    page.click("text=Enregistrer la réception")
    report = tmp_path / "compte-rendu.pdf"
    report.write_bytes(pdf_bytes())
    page.set_input_files("#id_file", str(report))
    page.click("button:has-text('Enregistrer la réception')")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/.*"))
    page.click("text=Approuver le compte rendu")
    page.click("text=Confirmer l'approbation")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/.*"))

    page.click("text=Verser l'échéance 2")
    page.fill("#id_mandate_number", "2021-004513")
    page.click("text=Enregistrer le versement")
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/.*"))
    assert page.locator("h1 .badge").inner_text() == "Soldée"
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CLOSED
