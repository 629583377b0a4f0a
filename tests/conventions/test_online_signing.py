"""The association signs its agreement from its space (issue 16): a simple electronic
signature sealed by the authority's seal with a visible block, a scan signed on paper,
or a PDF signed with its own certificate (verified); then the authority signs last."""

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings

from conventions import online_signing, signatures, signing
from conventions.enums import AgreementStatus, BeneficiarySigningMethod
from conventions.models import Agreement, BeneficiarySignature
from core import signing as core_signing
from core.models import TransitionLog
from subventions.enums import Role, SubsidyStatus
from tests.conventions.agreements import agreement_for, pdf_bytes, scan
from tests.portail.conftest import *  # noqa: F403 (the association accounts)

pytestmark = pytest.mark.django_db
REAL_PDF = True  # the agreement's PDF is really rendered and sealed


@functools.cache
def association_p12() -> bytes:
    with override_settings(SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True):
        return signing.create_demo_certificate(
            common_name="Camille Martin", organisation="APES", password="secret"
        )


@pytest.fixture
def users(make_user):
    return {
        "secretariat": make_user(Role.ASSEMBLY_SECRETARIAT),
        "signatory": make_user(Role.SIGNATORY),
    }


@pytest.fixture
def agreement(users):
    return agreement_for(users["secretariat"])


@pytest.fixture
def account(make_account, agreement):
    return make_account(agreement.subsidy.beneficiary)


def sign_online(agreement, account, **fields):
    fields = {"name": "Camille Martin", "title": "présidente", "consent": True, **fields}
    return online_signing.agreement_sign_online(
        agreement=agreement, user=account, ip="203.0.113.7", **fields
    )


def test_a_simple_signature_is_sealed_recorded_then_the_authority_signs_last(
    agreement, account, users, settings
):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    record = sign_online(agreement, account)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    assert agreement.beneficiary_signed_on == datetime.date.today()
    assert agreement.beneficiary_signatory_name == "Camille Martin"
    assert record.method == BeneficiarySigningMethod.SIMPLE
    assert record.signed_by == account and record.ip_address == "203.0.113.7"
    assert "Camille Martin (présidente)" in record.consent
    sealed = agreement.beneficiary_scan.read()
    (report,) = signing.verify_pdf(sealed)
    assert report.ok and report.field == online_signing.SEAL_FIELD
    assert report.signer == core_signing.DEMO_SEAL_NAME
    log = TransitionLog.objects.filter(action="sign_online_by_beneficiary").get()
    assert log.user == account
    # The authority then signs, as today: the file is « conventionnée ».
    signatures.document_sign_paper(
        document=agreement,
        user=users["signatory"],
        scan=scan(),
        signed_on=datetime.date.today(),
        confirmed=True,  # the tests' 2021 agreement ended long ago
        reason="Régularisation",
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.subsidy.status == SubsidyStatus.AGREEMENT_SIGNED


def test_no_seal_configured_refuses_the_online_signature(agreement, account, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = False
    settings.SUBVENTIONS_SEAL_P12 = ""
    with pytest.raises(ValidationError, match="aucun certificat de cachet"):
        sign_online(agreement, account)
    agreement.refresh_from_db()
    assert agreement.beneficiary_signed_on is None
    assert not BeneficiarySignature.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"consent": False}, "consent", online_signing.CONSENT_REQUIRED),
        ({"name": " "}, "name", online_signing.NAME_REQUIRED),
        ({"title": ""}, "title", online_signing.TITLE_REQUIRED),
    ],
)
def test_bad_input_is_refused_on_its_field(agreement, account, settings, fields, field, message):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    with pytest.raises(ValidationError) as refusal:
        sign_online(agreement, account, **fields)
    assert refusal.value.message_dict[field] == [message]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.READY and not agreement.beneficiary_scan


def test_another_association_cannot_sign(agreement, make_account, users, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    other = agreement_for(users["secretariat"]).subsidy.beneficiary
    with pytest.raises(ValidationError, match=online_signing.NOT_YOUR_AGREEMENT):
        sign_online(agreement, make_account(other))
    # and staff cannot use the association's transition either
    with pytest.raises(ValidationError, match=online_signing.NOT_YOUR_AGREEMENT):
        sign_online(agreement, users["signatory"])


def test_an_agreement_is_signed_once(agreement, account, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    sign_online(agreement, account)
    with pytest.raises(ValidationError, match="déjà signé"):
        sign_online(agreement, account)
    assert BeneficiarySignature.objects.count() == 1


def test_a_draft_agreement_is_not_signed(users, make_account, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    agreement = agreement_for(users["secretariat"], executory=None)
    account = make_account(agreement.subsidy.beneficiary)
    assert online_signing.may_sign_online(agreement, account)
    with pytest.raises(ValidationError):
        sign_online(agreement, account)


def upload(agreement, account, content, electronic):
    return online_signing.agreement_upload_signed(
        agreement=agreement,
        user=account,
        name="Camille Martin",
        title="présidente",
        file=ContentFile(content, name="convention.pdf"),
        electronic=electronic,
        ip=None,
    )


def test_a_paper_scan_is_kept(agreement, account):
    record = upload(agreement, account, pdf_bytes(), electronic=False)
    agreement.refresh_from_db()
    assert record.method == BeneficiarySigningMethod.PAPER_SCAN
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    assert agreement.beneficiary_scan.read() == pdf_bytes()


def test_an_electronically_signed_pdf_is_verified(agreement, account, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    with pytest.raises(ValidationError) as refusal:
        upload(agreement, account, pdf_bytes(), electronic=True)
    assert refusal.value.message_dict["file"] == [online_signing.NOT_SIGNED_ELECTRONICALLY]
    signer = signing.load_signer(association_p12(), "secret")
    signed = signing.sign_pdf(
        pdf_bytes(),
        signer=signer,
        page=0,
        box=(50, 50, 250, 120),
        reason="Signature",
        location="Lille",
    )
    record = upload(agreement, account, signed, electronic=True)
    assert record.method == BeneficiarySigningMethod.OWN_CERTIFICATE
    assert "Camille Martin" in record.verification and "intacte" in record.verification


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"GIF89a not a pdf", "n'est pas un PDF"), (b"%PDF-1.7 broken", "PDF lisible")],
)
def test_a_wrong_file_is_refused(agreement, account, content, message):
    with pytest.raises(ValidationError, match=message):
        upload(agreement, account, content, electronic=False)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.READY
    assert Agreement.objects.get().beneficiary_scan == ""
