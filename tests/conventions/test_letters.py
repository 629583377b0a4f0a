"""The notification letter: produced once from its versioned template, its PDF frozen with
its SHA-256, e-mailed to the beneficiary."""

import hashlib

import pytest
from django.core import mail
from django.urls import reverse

from conventions.models import AgreementTemplate, NotificationLetter
from conventions.models.templates import NOTIFICATION_TEMPLATE_NAME
from subventions.enums import Role
from tests.conventions.agreements import granted_subsidy
from tests.pdftext import pdf_pages_text

pytestmark = pytest.mark.django_db


def test_the_letter_is_produced_frozen_and_emailed(client, secretariat):
    subsidy = granted_subsidy()
    subsidy.beneficiary.email = "contact@apes.example"
    subsidy.beneficiary.save()
    client.force_login(secretariat)
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    create = reverse("conventions:letter_create", args=[subsidy.pk])
    assert create in page
    client.post(create)
    letter = NotificationLetter.objects.get()
    assert letter.template == AgreementTemplate.active(NOTIFICATION_TEMPLATE_NAME)
    content = client.get(reverse("conventions:letter_pdf", args=[letter.pk]))
    pdf = b"".join(content.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == letter.pdf_sha256
    text = " ".join(" ".join(pdf_pages_text(pdf)).split())
    assert "trente-cinq mille euros" in text
    assert "Compte rendu financier" in text
    # Once: a second letter is refused.
    response = client.post(create, follow=True)
    assert "a déjà sa lettre de notification" in response.content.decode()
    assert NotificationLetter.objects.count() == 1
    client.post(reverse("conventions:letter_email", args=[letter.pk]))
    [message] = mail.outbox
    assert message.to == ["contact@apes.example"]
    assert message.attachments == [(f"{letter.number}.pdf", pdf, "application/pdf")]
    letter.refresh_from_db()
    assert letter.emailed_on is not None


def test_no_email_no_letter_sent_and_other_roles_refused(client, secretariat, make_user):
    subsidy = granted_subsidy()
    client.force_login(make_user(Role.FINANCE))
    assert client.post(reverse("conventions:letter_create", args=[subsidy.pk])).status_code == 403
    client.force_login(secretariat)
    client.post(reverse("conventions:letter_create", args=[subsidy.pk]))
    letter = NotificationLetter.objects.get()
    page = client.get(reverse("conventions:letter_email", args=[letter.pk])).content.decode()
    assert "adresse électronique" in page
    client.post(reverse("conventions:letter_email", args=[letter.pk]))
    assert mail.outbox == []
