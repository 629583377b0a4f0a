"""The clerks' day, end to end, in a real browser (Chromium through Playwright).

Each step is done by the role DESIGN.md §1 gives it: the Instructeur records the
beneficiary and the file and puts it under review, the Responsable de service proposes
it, the Secrétariat des assemblées places it on a session, records the vote (with the
keyboard only), transmits the act, records its acknowledgment and publishes it (the public
page « Actes publiés » then shows it), and generates the session's agreements; the
agreement's PDF is then downloaded.
"""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from conventions.enums import BatchJobStatus
from conventions.models import Agreement, AgreementTemplate, BatchJob
from conventions.models.templates import DEFAULT_TEMPLATE_NAME
from deliberations import actes
from deliberations import members as member_services
from deliberations import services as deliberation_services
from deliberations.enums import Body
from deliberations.models import ActClassification
from subventions.enums import Role, SubsidyStatus
from subventions.models import Authority, Beneficiary, FundingPartner, Subsidy
from tests.browser.conftest import assert_every_field_labelled, log_in, log_out
from tests.conventions.factories import AgreementArticleFactory, AgreementTemplateFactory
from tests.subventions.factories import (
    AuthorityFactory,
    BudgetLineFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    luhn_siret,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USERS = {
    "ines": Role.INSTRUCTOR,
    "rene": Role.HEAD_OF_SERVICE,
    "sarah": Role.ASSEMBLY_SECRETARIAT,
}


def make_users():
    for username, role in USERS.items():
        # A transactional test may run after another one emptied the tables that the
        # migrations had filled: the groups are made again if needed.
        group, _ = Group.objects.get_or_create(name=role)
        user = get_user_model().objects.create_user(username, password="pw", first_name=username)
        user.groups.add(group)


def reference_data():
    if Authority.current() is None:
        AuthorityFactory()
    area = PolicyAreaFactory(label="DEVELOPPEMENT ECONOMIQUE ET EMPLOI")
    line = BudgetLineFactory(year=datetime.date.today().year, label="Économie sociale")
    partner = FundingPartner.objects.filter(
        name_with_article="la Région Hauts-de-France"
    ).first() or FundingPartnerFactory(name_with_article="la Région Hauts-de-France")
    if AgreementTemplate.active() is None:
        template = AgreementTemplateFactory(name=DEFAULT_TEMPLATE_NAME)
        AgreementArticleFactory(template=template, position=1)
    secretariat = get_user_model().objects.get(username="sarah")
    session = deliberation_services.session_create(
        user=secretariat,
        body=Body.BUREAU,
        # Held yesterday: a vote is recorded once the session has taken place.
        date=datetime.date.today() - datetime.timedelta(days=1),
        time=datetime.time(14),
        place="Lille, siège de la MEL",
    )
    classification = ActClassification.objects.filter(code="7.5").first()
    classification = classification or member_services.classification_save(
        user=secretariat, code="7.5", label="Subventions", version_date=datetime.date(2021, 1, 1)
    )
    return {
        "area": area,
        "line": line,
        "partner": partner,
        "session": session,
        "classification": classification,
    }


def submit(page):
    page.click("main form button[type=submit].btn-primary")


def run_action(page, label: str) -> None:
    """A lifecycle button on the file, then its confirmation page."""
    page.click(f"main a.btn:has-text('{label}')")
    assert_every_field_labelled(page)
    submit(page)
    page.wait_for_selector(".alert-success")


# The Secrétariat's steps, also driven by the association's whole path
# (tests/browser/test_association_path.py).


def place_on_session(page, session, subsidy):
    """The proposed file placed on the session's agenda: its deliberation."""
    page.goto(f"/seances/{session.pk}/")
    page.click("text=Inscrire à l'ordre du jour")
    assert_every_field_labelled(page)
    page.check(f"input[name='inscrire-subsidies'][value='{subsidy.pk}']")
    submit(page)
    page.wait_for_selector(".alert-success")
    return subsidy.deliberations.get()


def record_unanimous_adoption(page) -> None:
    """On the vote form (opened): adopted unanimously, with the keyboard only."""
    page.focus("#id_result_0")
    page.keyboard.press("Space")  # Adoptée
    page.focus("#id_unanimous")
    page.keyboard.press("Space")
    page.focus("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".alert-success")


def transmit_and_publish(page, deliberation, classification) -> str:
    """From the deliberation's page: transmitted to the prefecture, its acknowledgment
    (received today) imported, published: the act is executory today. Its act id."""
    page.click("main a:has-text('Transmettre en préfecture')")
    assert_every_field_labelled(page)
    page.select_option("#id_classification", str(classification.pk))
    submit(page)
    page.wait_for_selector(".alert-success")
    today = timezone.localdate()
    # The prefecture's acknowledgment, imported with its upload form.
    act_id = actes.act_identifier(deliberation, Authority.current())
    acknowledgment = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<actes:ARActe xmlns:actes="{actes.NAMESPACE}" actes:IDActe="{act_id}" '
        f'actes:DateReception="{today.isoformat()}"></actes:ARActe>'
    ).encode("latin-1")
    page.click("main a:has-text('Importer l')")
    page.set_input_files(
        "main input[type=file]",
        files=[{"name": "ar.xml", "mimeType": "application/xml", "buffer": acknowledgment}],
    )
    submit(page)
    page.wait_for_selector(".alert-success")
    page.click("main a.btn:has-text('Publier')")
    assert_every_field_labelled(page)
    submit(page)
    page.wait_for_selector(".alert-success")
    assert "exécutoire depuis le" in page.inner_text(".alert-success")
    return act_id


def generate_session_agreements(page, session) -> None:
    page.goto(f"/seances/{session.pk}/")
    page.click("text=Générer toutes les conventions de la séance")
    submit(page)
    page.wait_for_selector("#progression .progress-bar:has-text('100 %')")


def test_from_the_beneficiary_to_the_agreement_pdf(page, tmp_path):
    started = time.monotonic()
    make_users()
    refs = reference_data()

    # The Instructeur records the beneficiary: a wrong SIRET first.
    log_in(page, "ines")
    page.goto("/beneficiaires/nouveau/")
    assert_every_field_labelled(page)
    page.fill("#id_legal_name", "Acteurs pour une économie solidaire")
    page.fill("#id_short_name", "APES")
    page.fill("#id_name_with_article", "l'APES")
    page.select_option("#id_legal_form", "association")
    page.fill("#id_siret", "123 456 789 00012")
    page.fill("#id_postal_code", "59000")
    page.fill("#id_city", "Lille")
    submit(page)
    error = page.locator("#div_id_siret .invalid-feedback")
    assert "SIRET" in error.inner_text()
    assert (
        page.get_attribute("#id_siret", "aria-invalid") == "true"
        or page.locator("#id_siret.is-invalid").count()
    )
    assert not Beneficiary.objects.exists()
    page.fill("#id_siret", luhn_siret(501))
    submit(page)
    page.wait_for_url(re.compile(r".*/beneficiaires/\d+/$"))
    beneficiary = Beneficiary.objects.get()

    # The file, with one axis and one co-funding line; the second axis on the edit page.
    page.goto(f"/dossiers/nouveau/?beneficiaire={beneficiary.pk}")
    assert_every_field_labelled(page)
    page.select_option("#id_policy_area", str(refs["area"].pk))
    page.fill("#id_title", "Soutien au programme d'actions")
    page.fill("#id_purpose", "Programme d'actions de l'économie sociale et solidaire")
    page.fill("#id_amount_requested", "35 000")
    page.fill("#id_amount_proposed", "35 000")
    page.fill("#id_projected_budget", "753 091")
    page.select_option("#id_budget_line", str(refs["line"].pk))
    page.fill("#id_axes-0-title", "Accompagnement des porteurs de projets")
    # The partner is chosen in its autocomplete.
    control = page.locator("#id_cofinancements-0-partners-ts-control")
    control.click()
    control.press_sequentially("Région", delay=30)
    page.locator(".ts-dropdown .option", has_text="Hauts-de-France").first.click()
    page.fill("#id_cofinancements-0-amount", "240 400")
    submit(page)
    page.wait_for_url(re.compile(r".*/dossiers/\d+/$"))
    subsidy = Subsidy.objects.get()
    page.click("text=Modifier le dossier")
    page.fill("#id_axes-1-title", "Commande publique responsable")
    submit(page)
    page.wait_for_url(re.compile(r".*/dossiers/\d+/$"))
    assert subsidy.axes.count() == 2 and subsidy.cofundings.count() == 1
    assert "Axe 2 : Commande publique responsable" in page.inner_text("main")
    run_action(page, "Mettre en instruction")
    log_out(page)

    # The Responsable de service proposes it.
    log_in(page, "rene")
    page.goto(f"/dossiers/{subsidy.pk}/")
    run_action(page, "Proposer au vote")
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.PROPOSED
    log_out(page)

    # The Secrétariat places it on the session…
    log_in(page, "sarah")
    deliberation = place_on_session(page, refs["session"], subsidy)
    assert deliberation.number.endswith("0001")

    # …records the vote with the keyboard only: the focus follows the form's order…
    page.click("main a:has-text('Enregistrer le vote') >> nth=0")
    assert_every_field_labelled(page)
    page.focus("#id_result_0")
    order = []
    for _ in range(7):
        order.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
        page.keyboard.press("Tab")
    assert order[:2] == ["id_result_0", "id_result_1"] or order[0] == "id_result_0"
    fields = [name for name in order if name.startswith("id_")]
    expected = ["id_unanimous", "id_votes_for", "id_votes_against", "id_abstentions"]
    assert [name for name in fields if name in expected] == expected
    record_unanimous_adoption(page)
    deliberation.refresh_from_db()
    assert deliberation.unanimous and deliberation.status == "adoptee"

    # …transmits the act to the prefecture, records its acknowledgment and publishes it:
    # the act is executory, the date computed (issue 11)…
    assert page.locator("main a:has-text('Date exécutoire')").count() == 0
    act_id = transmit_and_publish(page, deliberation, refs["classification"])
    today = timezone.localdate()
    deliberation.refresh_from_db()
    assert deliberation.executory_date == today
    assert deliberation.prefecture_act_id == act_id
    assert act_id in page.inner_text("main")

    # …and the public page shows the act, without logging in.
    log_out(page)
    page.goto("/actes/")
    assert deliberation.number in page.inner_text("main")
    page.fill("#id_q", deliberation.number.replace(" ", "").lower())
    page.click("main form button[type=submit]")
    page.click(f"main a:has-text('{deliberation.number}')")
    page.wait_for_url(re.compile(r".*/actes/\d{2}[BC]\d{4}/$"))
    assert "Soutien au programme d'actions" in page.inner_text("main")
    log_in(page, "sarah")

    # …and generates the session's agreements: the progress bar reaches 100 %.
    generate_session_agreements(page, refs["session"])
    agreement = Agreement.objects.get(subsidy=subsidy)

    # The agreement, from the file's documents, and its PDF.
    page.goto(f"/dossiers/{subsidy.pk}/")
    page.click(f"#titre-documents ~ ul a:has-text('{agreement.number}')")
    page.wait_for_url(re.compile(r".*/conventions/convention/\d+/$"))
    with page.expect_download() as download_info:
        page.click("main a:has-text('Télécharger le PDF')")
    path = tmp_path / "convention.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert download_info.value.suggested_filename.endswith(".pdf")
    print(f"Scénario navigateur : {time.monotonic() - started:.1f} s")


def test_the_progress_bar_moves_without_reloading(page):
    make_users()
    refs = reference_data()
    secretariat = get_user_model().objects.get(username="sarah")
    job = BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=refs["session"],
        total=4,
        done=1,
        status=BatchJobStatus.RUNNING,
        created_by=secretariat,
    )
    log_in(page, "sarah")
    page.goto(f"/seances/{refs['session'].pk}/")
    page.wait_for_selector("#progression .progress-bar:has-text('25 %')")
    page.evaluate("window.__same_page = true")
    # The worker finishes the job (a finished job has its end date).
    BatchJob.objects.filter(pk=job.pk).update(
        done=4,
        status=BatchJobStatus.DONE,
        errors=["SUB-2021-0009 : refusée"],
        finished_at=timezone.now(),
    )
    page.wait_for_selector("#progression .progress-bar:has-text('100 %')", timeout=5_000)
    assert page.evaluate("window.__same_page") is True  # no reload happened
    assert "SUB-2021-0009 : refusée" in page.inner_text("#progression")
