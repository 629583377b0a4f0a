"""After each step of an agreement — prepared, sent, signed by the beneficiary, signed by
the authority — and of a notification letter, the page says what comes next and who does
it (issue 15, item 10)."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions import mailing
from conventions.enums import AgreementStatus
from conventions.models import Agreement, Amendment, NotificationLetter
from conventions.next_steps import next_step
from subventions.enums import Role
from tests.conventions.agreements import granted_subsidy, pdf_bytes
from tests.conventions.factories import AgreementFactory, AmendmentFactory

pytestmark = pytest.mark.django_db


def said(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page).replace("’", "'")


def test_each_step_of_an_agreement_says_what_comes_next_and_who_does_it(
    client, secretariat, make_user, monkeypatch
):
    monkeypatch.setattr(mailing.rendering, "render_pdf", lambda document: pdf_bytes())
    subsidy = granted_subsidy()
    subsidy.beneficiary.email = "contact@apes.example"
    subsidy.beneficiary.save()
    client.force_login(secretariat)
    prepared = said(
        client.post(
            reverse("conventions:subsidy_agreement_prepare", args=[subsidy.pk]), follow=True
        )
    )
    agreement = Agreement.objects.get()
    assert agreement.status == AgreementStatus.READY
    assert (
        "Prochaine étape : le secrétariat des assemblées ou le responsable de service "
        "l'envoie au bénéficiaire pour signature ; l'association peut aussi la signer en "
        "ligne depuis son espace." in prepared
    )
    args = ["convention", agreement.pk]
    sent = said(client.post(reverse("conventions:agreement_email", args=args), follow=True))
    assert "envoyée par courriel" in sent
    assert (
        "Prochaine étape : le bénéficiaire la signe, en ligne depuis l'espace association ou "
        "sur papier (le secrétariat des assemblées enregistre alors l'exemplaire signé) ; "
        "puis le signataire la signe pour la collectivité." in sent
    )
    cosigned = said(
        client.post(
            reverse("conventions:agreement_cosignature", args=args),
            {"signed_on": "20/04/2021"},
            follow=True,
        )
    )
    assert "signature du bénéficiaire enregistrée" in cosigned
    assert (
        "Prochaine étape : le signataire la signe pour la collectivité ; la convention entre "
        "alors en vigueur." in cosigned
    )
    client.force_login(make_user(Role.SIGNATORY))
    scan = SimpleUploadedFile("original.pdf", pdf_bytes(), content_type="application/pdf")
    signed = said(
        client.post(
            reverse("conventions:agreement_sign", args=args),
            {"method": "papier", "papier-scan": scan, "papier-signed_on": "03/05/2021"},
            follow=True,
        )
    )
    assert "le document est en vigueur" in signed
    assert (
        "Prochaine étape : les finances versent la subvention selon l'échéancier de la "
        "convention" in signed
    )
    assert "Le bénéficiaire n'a pas encore signé" not in signed


def test_the_notification_letter_says_it_is_to_be_sent_then_what_follows(client, secretariat):
    subsidy = granted_subsidy()
    subsidy.beneficiary.email = "contact@apes.example"
    subsidy.beneficiary.save()
    client.force_login(secretariat)
    produced = said(
        client.post(reverse("conventions:letter_create", args=[subsidy.pk]), follow=True)
    )
    assert (
        "Prochaine étape : le secrétariat des assemblées ou le responsable de service "
        "l'envoie au bénéficiaire par courriel." in produced
    )
    letter = NotificationLetter.objects.get()
    sent = said(client.post(reverse("conventions:letter_email", args=[letter.pk]), follow=True))
    assert "Prochaine étape : les finances versent la subvention selon son échéancier" in sent


def test_the_sentences_of_the_other_states_and_of_an_amendment():
    draft = AgreementFactory()
    assert "sera prête pour signature dès que la délibération" in next_step(draft)
    in_force_alone = AgreementFactory(in_force=True)
    assert "Le bénéficiaire n'a pas encore signé" in next_step(in_force_alone)
    closed = Agreement(status=AgreementStatus.CLOSED)  # the sentence only, not saved
    assert next_step(closed) == "La convention est close : il n'y a plus rien à faire."
    amendment = AmendmentFactory()
    assert next_step(amendment) == (
        "Prochaine étape : l'avenant sera prêt pour signature dès que la délibération qui "
        "attribue la subvention sera exécutoire (le secrétariat des assemblées la transmet "
        "en préfecture et la publie)."
    )
    signed = Amendment(status=AgreementStatus.SIGNED_BY_BENEFICIARY)
    assert "le signataire le signe pour la collectivité ; l'avenant entre alors" in next_step(
        signed
    )
    assert (
        next_step(Amendment(status=AgreementStatus.TERMINATED))
        == "L'avenant est résilié : il n'y a plus rien à faire."
    )
