"""The association's follow-up pages (issue 16, hH): the file in plain words, answering a
request, messages, the agreement signed online, the financial report online; and the
isolation walk: a second association gets 404 on every one of these URLs, staff get 403."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.models import BeneficiarySignature
from subventions import exchanges, reports
from subventions.enums import ApplicationStatus, ReportStatus, Role
from subventions.models import (
    Application,
    FileMessage,
    FinancialReport,
    InformationRequest,
    ReportLine,
    ReportStatement,
)
from tests.conventions.agreements import agreement_for, pdf_bytes
from tests.subventions.conftest import *  # noqa: F403 (the money fixtures: payable)
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db
IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR, email="instructeur@example.org")


@pytest.fixture
def subsidy(association, instructor):
    return SubsidyFactory(beneficiary=association, under_review=True, instructor=instructor)


@pytest.fixture
def awaited(subsidy, instructor):
    return exchanges.information_request_create(
        subsidy=subsidy,
        user=instructor,
        subject="Statuts à jour",
        body="Merci de joindre vos statuts.",
        deadline=IN_A_MONTH,
    )


def pdf(name="reponse.pdf", content=None):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


def test_the_file_page_speaks_plain_words_and_shows_the_awaited_answer(
    client, account, subsidy, awaited
):
    client.force_login(account)
    page = client.get(reverse("portail:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert "Incomplet" in page
    assert "Le service attend votre réponse" in page
    assert "Statuts à jour" in page


def test_the_association_reads_its_files_status_in_its_own_words(client, account, association):
    """A request just received is « Reçue » for the association (« Brouillon » is the
    clerks' word), and its file's history starts with its receipt."""
    received = SubsidyFactory(beneficiary=association)
    Application.objects.create(
        beneficiary=association,
        year=received.year,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime(2021, 1, 15, 10)),
        subsidy=received,
    )
    client.force_login(account)
    page = client.get(reverse("portail:subsidy_detail", args=[received.pk])).content.decode()
    assert '<span class="badge text-bg-primary align-middle">Reçue</span>' in page
    assert "Brouillon" not in page
    assert "15/01/2021</span> — Votre demande est reçue par le service." in page
    listing = client.get(reverse("portail:subsidy_list")).content.decode()
    assert "<td>Reçue<br>" in listing and "Brouillon" not in listing


def test_an_approved_report_is_no_longer_asked_for(client, payable, association, account):
    subsidy = payable(beneficiary=association)
    FinancialReport.objects.filter(subsidy=subsidy).update(
        status=ReportStatus.APPROVED, received_on=datetime.date(2022, 3, 1)
    )
    client.force_login(account)
    page = client.get(reverse("portail:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert "Approuvé par le service." in page
    assert "à transmettre au plus tard" not in page


def test_the_association_answers_with_a_pdf(client, account, subsidy, awaited):
    client.force_login(account)
    url = reverse("portail:information_request_answer", args=[subsidy.pk, awaited.pk])
    response = client.post(url, {"body": "Les voici.", "attachment": pdf()})
    assert response.status_code == 302
    awaited.refresh_from_db()
    assert not awaited.is_open
    message = FileMessage.objects.get()
    download = client.get(reverse("portail:file_message_attachment", args=[subsidy.pk, message.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"body": ""}, "Ce champ est obligatoire"),
        ({"body": "x", "attachment": "GIF"}, "pas un PDF"),
    ],
)
def test_a_bad_answer_is_refused_in_french(client, account, subsidy, awaited, data, expected):
    if data.get("attachment") == "GIF":
        data = {**data, "attachment": pdf("image.pdf", b"GIF89a....")}
    client.force_login(account)
    url = reverse("portail:information_request_answer", args=[subsidy.pk, awaited.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not FileMessage.objects.exists()
    awaited.refresh_from_db()
    assert awaited.is_open


def test_an_oversized_attachment_is_refused(client, account, subsidy, settings):
    client.force_login(account)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024))
    response = client.post(
        reverse("portail:file_message_create", args=[subsidy.pk]),
        {"body": "Voici", "attachment": big},
    )
    assert response.status_code == 400
    assert "Mo au plus" in response.content.decode()
    assert not FileMessage.objects.exists()


def test_the_association_signs_online(client, make_user, make_account, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    agreement = agreement_for(make_user(Role.ASSEMBLY_SECRETARIAT))
    account = make_account(agreement.subsidy.beneficiary)
    client.force_login(account)
    url = reverse("portail:agreement_sign", args=[agreement.subsidy.pk])
    assert "Signer en ligne" in client.get(url).content.decode()
    refused = client.post(url, {"method": "simple", "online-name": "Camille Martin"})
    assert refused.status_code == 400
    assert "Cochez la case de consentement" in refused.content.decode()
    assert not BeneficiarySignature.objects.exists()
    response = client.post(
        url,
        {
            "method": "simple",
            "online-name": "Camille Martin",
            "online-title": "présidente",
            "online-consent": "on",
        },
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    assert BeneficiarySignature.objects.get().ip_address == "198.51.100.4"
    download = client.get(reverse("portail:agreement_pdf", args=[agreement.subsidy.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_upload_of_the_wrong_type_is_refused(client, make_user, make_account):
    agreement = agreement_for(make_user(Role.ASSEMBLY_SECRETARIAT))
    client.force_login(make_account(agreement.subsidy.beneficiary))
    response = client.post(
        reverse("portail:agreement_sign", args=[agreement.subsidy.pk]),
        {
            "method": "upload",
            "upload-name": "Camille Martin",
            "upload-title": "présidente",
            "upload-kind": "scan",
            "upload-file": pdf("convention.pdf", b"PK\x03\x04 a zip"),
        },
    )
    assert response.status_code == 400
    assert "pas un PDF" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.READY


def test_the_report_online(client, payable, association, account):
    subsidy = payable(beneficiary=association)
    client.force_login(account)
    url = reverse("portail:report_edit", args=[subsidy.pk])
    bad = client.post(url, {"action": "save", "budget-planned_64": "-5", "budget-actual_64": "abc"})
    assert bad.status_code == 400
    content = html.unescape(bad.content.decode())
    assert "Un montant n'est jamais négatif" in content
    assert "Saisissez un montant en euros" in content
    assert not ReportStatement.objects.exists()
    saved = client.post(
        url,
        {
            "action": "save",
            "budget-planned_64": "30 000",
            "budget-actual_64": "28 000,50",
            "cr-achievements": "Trois ateliers",
            "cr-signatory_name": "Camille Martin",
            "cr-attested": "on",
        },
    )
    assert saved.status_code == 302
    assert ReportLine.objects.get().actual == Decimal("28000.50")
    missing = client.post(url, {"action": "submit"})
    assert missing.status_code == 400
    assert "Ce champ est obligatoire" in missing.content.decode()
    sent = client.post(url, {"action": "submit", "signed_pdf": pdf("cr.pdf")})
    assert sent.status_code == 302
    subsidy.financial_report.refresh_from_db()
    assert subsidy.financial_report.status == ReportStatus.RECEIVED


def test_a_rejection_reason_is_shown_to_the_association(client, payable, association, account):
    from subventions import payments

    subsidy = payable(beneficiary=association)
    report = subsidy.financial_report
    reports.report_statement_save(
        report=report,
        user=account,
        data={"achievements": "x", "signatory_name": "C. M.", "attested": True},
        lines={"64": reports.LineData(planned=Decimal(1), actual=Decimal(1))},
    )
    reports.report_submit_online(report=report, user=account, signed_pdf=pdf("cr.pdf"))
    payments.report_reject(report=report, reason="Le bilan manque.", user=_finance())
    client.force_login(account)
    page = client.get(reverse("portail:report_edit", args=[subsidy.pk])).content.decode()
    assert "Le bilan manque." in page
    page = client.get(reverse("portail:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert "Le bilan manque." in page


def _finance():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username="finances-cr", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.FINANCE))
    return user


# Isolation


def hh_urls(subsidy, information_request, message):
    return [
        reverse("portail:subsidy_detail", args=[subsidy.pk]),
        reverse("portail:information_request_answer", args=[subsidy.pk, information_request.pk]),
        reverse("portail:file_message_create", args=[subsidy.pk]),
        reverse("portail:file_message_attachment", args=[subsidy.pk, message.pk]),
        reverse("portail:agreement_sign", args=[subsidy.pk]),
        reverse("portail:agreement_pdf", args=[subsidy.pk]),
        reverse("portail:report_edit", args=[subsidy.pk]),
    ]


def test_a_second_association_reaches_none_of_these_pages(
    client, make_user, make_account, settings
):
    agreement = agreement_for(make_user(Role.ASSEMBLY_SECRETARIAT))
    subsidy = agreement.subsidy
    owner = make_account(subsidy.beneficiary)
    instructor = make_user(Role.INSTRUCTOR)
    request = exchanges.information_request_create(
        subsidy=subsidy, user=instructor, subject="RIB", body="Votre RIB", deadline=IN_A_MONTH
    )
    message = exchanges.file_message_create(
        subsidy=subsidy, user=owner, body="Bonjour", attachment=pdf()
    )
    stranger = make_account(SubsidyFactory().beneficiary)
    client.force_login(stranger)
    for url in hh_urls(subsidy, request, message):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404), url
            assert b"RIB" not in response.content
    # The owner reaches them; a staff user is no association account (403).
    client.force_login(owner)
    assert client.get(hh_urls(subsidy, request, message)[0]).status_code == 200
    client.force_login(instructor)
    for url in hh_urls(subsidy, request, message):
        assert client.get(url).status_code == 403, url
    assert InformationRequest.objects.get().is_open


def test_messages_are_rate_limited(client, account, subsidy):
    client.force_login(account)
    url = reverse("portail:file_message_create", args=[subsidy.pk])
    statuses = [client.post(url, {"body": f"Message {n}"}).status_code for n in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    assert FileMessage.objects.count() == 30
