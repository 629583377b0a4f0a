"""Warnings on dates that make no sense (issue 12, item 7): signing an agreement whose
period ended more than a year ago, or recording a contrat d'engagement républicain dated
after the signature of an agreement that required it, asks for a confirmation with a
reason; the reason is kept in the history."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions import signatures
from conventions.enums import AgreementStatus
from core.confirm import REASON_NEEDED
from core.models import TransitionLog
from subventions import services
from subventions.enums import Role
from subventions.models import Beneficiary, Subsidy
from tests.conventions.agreements import countersigned, pdf_bytes, scan
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db

LATE = datetime.date(2023, 3, 1)  # the 2021 agreement's period ended on 31/12/2021
WARNING = "s'est achevée le 31/12/2021, plus d'un an avant la date de signature (01/03/2023)"


@pytest.fixture
def agreement(make_user):
    return countersigned(make_user(Role.ASSEMBLY_SECRETARIAT))


@pytest.fixture
def signatory(make_user):
    return make_user(Role.SIGNATORY)


def _sign(agreement, signatory, signed_on=LATE, **confirmation):
    return signatures.document_sign_paper(
        document=agreement, user=signatory, scan=scan(), signed_on=signed_on, **confirmation
    )


def test_signing_long_after_the_period_asks_for_a_confirmation_with_a_reason(agreement, signatory):
    assert agreement.end_date == datetime.date(2021, 12, 31)
    with pytest.raises(ValidationError) as error:
        _sign(agreement, signatory)
    assert WARNING in " ".join(error.value.message_dict["confirm"])
    with pytest.raises(ValidationError) as error:
        _sign(agreement, signatory, confirmed=True, reason="  ")
    assert error.value.message_dict["confirm_reason"] == [REASON_NEEDED]
    agreement.refresh_from_db()
    assert agreement.status != AgreementStatus.IN_FORCE

    _sign(agreement, signatory, confirmed=True, reason="Original retrouvé aux archives.")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    log = TransitionLog.objects.filter(action="sign").get()
    assert WARNING in log.comment
    assert log.comment.endswith("Confirmé malgré l'avertissement : Original retrouvé aux archives.")


def test_signing_within_a_year_of_the_period_asks_nothing(agreement, signatory):
    _sign(agreement, signatory, signed_on=datetime.date(2022, 12, 31))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert TransitionLog.objects.filter(action="sign").get().comment == ""


def test_the_sign_page_shows_the_warning_then_the_checkbox_and_the_reason(
    client, agreement, signatory
):
    client.force_login(signatory)
    url = reverse("conventions:agreement_sign", args=["convention", agreement.pk])

    def post(**extra):
        original = SimpleUploadedFile("original.pdf", pdf_bytes(), content_type="application/pdf")
        data = {"method": "papier", "papier-scan": original, "papier-signed_on": "2023-03-01"}
        return client.post(url, {**data, **extra})

    page = client.get(url).content.decode()
    assert 'type="checkbox" name="papier-confirm"' not in page

    response = post()
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert WARNING in page
    assert 'type="checkbox" name="papier-confirm"' in page
    assert 'name="papier-confirm_reason"' in page

    response = post(**{"papier-confirm": "on", "papier-confirm_reason": ""})
    assert REASON_NEEDED.replace("'", "&#x27;") in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status != AgreementStatus.IN_FORCE

    response = post(**{"papier-confirm": "on", "papier-confirm_reason": "Archives."})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert "Archives." in TransitionLog.objects.get(action="sign").comment


COMMITMENT_WARNING = (
    "Le contrat d'engagement républicain est daté du 01/06/2022, après la signature de la "
    "convention du dossier {reference} (01/05/2022) : il devait être souscrit avant."
)


@pytest.fixture
def signed_2022_file(db):
    """A 2022 request whose agreement both parties signed on 1 May 2022."""
    subsidy = SubsidyFactory(voted=True, year=2022, received_on=datetime.date(2022, 2, 1))
    Subsidy.objects.filter(pk=subsidy.pk).update(agreement_signed_on=datetime.date(2022, 5, 1))
    return subsidy


def test_a_commitment_dated_after_the_signature_asks_for_a_confirmation(
    make_user, signed_2022_file
):
    user = make_user(Role.INSTRUCTOR)
    beneficiary = signed_2022_file.beneficiary
    later = datetime.date(2022, 6, 1)
    with pytest.raises(ValidationError) as error:
        services.beneficiary_update(
            beneficiary=beneficiary, user=user, republican_commitment_date=later
        )
    warning = COMMITMENT_WARNING.format(reference=signed_2022_file.reference)
    assert error.value.message_dict["confirm"] == [warning]
    assert Beneficiary.objects.get(pk=beneficiary.pk).republican_commitment_date is None

    services.beneficiary_update(
        beneficiary=beneficiary,
        user=user,
        republican_commitment_date=later,
        confirmed=True,
        reason="Contrat signé en mairie, saisi en retard.",
    )
    beneficiary.refresh_from_db()
    assert beneficiary.republican_commitment_date == later
    reason = beneficiary.history.latest().history_change_reason
    assert reason == f"{warning} Confirmé malgré l'avertissement : Contrat signé en mairie, " + (
        "saisi en retard."
    )


def test_a_commitment_before_the_signature_or_for_a_2021_request_asks_nothing(
    make_user, signed_2022_file
):
    user = make_user(Role.INSTRUCTOR)
    beneficiary = signed_2022_file.beneficiary
    services.beneficiary_update(
        beneficiary=beneficiary, user=user, republican_commitment_date=datetime.date(2022, 4, 1)
    )
    old = SubsidyFactory(voted=True, year=2021, received_on=datetime.date(2021, 2, 1))
    Subsidy.objects.filter(pk=old.pk).update(agreement_signed_on=datetime.date(2021, 5, 1))
    services.beneficiary_update(
        beneficiary=old.beneficiary, user=user, republican_commitment_date=datetime.date(2022, 6, 1)
    )
    assert old.beneficiary.history.latest().history_change_reason is None


def test_the_beneficiary_page_shows_the_checkbox_with_the_warning(
    client, make_user, signed_2022_file
):
    beneficiary = signed_2022_file.beneficiary
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("subventions:beneficiary_update", args=[beneficiary.pk])
    form = client.get(url).context["form"]
    data = {
        name: ("" if form[name].value() is None else form[name].value())
        for name in form.fields
        if name not in ("confirm", "confirm_reason")
    }
    data["republican_commitment_date"] = "2022-06-01"
    response = client.post(url, data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200, page[:2000]
    assert COMMITMENT_WARNING.format(reference=signed_2022_file.reference) in page
    assert 'type="checkbox" name="confirm"' in page

    data.update(confirm="on", confirm_reason="Saisi en retard.")
    response = client.post(url, data)
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.republican_commitment_date == datetime.date(2022, 6, 1)
    assert beneficiary.history.latest().history_change_reason.endswith("Saisi en retard.")
