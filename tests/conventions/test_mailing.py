"""Sending an agreement to its beneficiary by e-mail, its PDF attached."""

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conventions import mailing
from conventions.enums import AgreementStatus
from subventions.enums import Role
from tests.conventions.agreements import agreement_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 convention\n"


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    monkeypatch.setattr(mailing.rendering, "render_pdf", lambda document: PDF)


@pytest.fixture
def ready(secretariat):
    agreement = agreement_for(secretariat)
    beneficiary = agreement.subsidy.beneficiary
    beneficiary.email = "contact@apes.example"
    beneficiary.save()
    return agreement


def email_url(agreement):
    return reverse("conventions:agreement_email", args=["convention", agreement.pk])


def test_the_agreement_is_emailed_with_its_pdf_and_marked_sent(client, secretariat, ready):
    client.force_login(secretariat)
    detail = client.get(reverse("conventions:agreement_detail", args=["convention", ready.pk]))
    assert email_url(ready) in detail.content.decode()
    confirm = client.get(email_url(ready)).content.decode()
    assert "contact@apes.example" in confirm
    assert "Confirmer l'envoi par courriel" in confirm
    response = client.post(email_url(ready))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == AgreementStatus.SENT
    assert ready.sent_on == ready.emailed_on == timezone.localdate()
    [message] = mail.outbox
    assert message.to == ["contact@apes.example"]
    assert ready.number in message.subject
    assert message.attachments == [(f"{ready.number}.pdf", PDF, "application/pdf")]
    assert "retourner signé" in message.body


def test_no_email_address_is_refused_with_its_reason(client, secretariat, ready):
    beneficiary = ready.subsidy.beneficiary
    beneficiary.email = ""
    beneficiary.save()
    client.force_login(secretariat)
    page = html.unescape(client.get(email_url(ready)).content.decode())
    assert "pas d'adresse électronique" in page.replace("’", "'")
    assert "Confirmer l'envoi" not in page
    client.post(email_url(ready))
    ready.refresh_from_db()
    assert ready.status == AgreementStatus.READY
    assert ready.emailed_on is None
    assert mail.outbox == []


def test_a_draft_not_yet_executory_is_not_sent(client, secretariat):
    agreement = agreement_for(secretariat, executory=None)
    beneficiary = agreement.subsidy.beneficiary
    beneficiary.email = "contact@apes.example"
    beneficiary.save()
    client.force_login(secretariat)
    client.post(email_url(agreement))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert mail.outbox == []


def test_only_the_preparers_send(client, make_user, ready):
    client.force_login(make_user(Role.FINANCE))
    assert client.get(email_url(ready)).status_code == 403
    assert client.post(email_url(ready)).status_code == 403
    assert mail.outbox == []
