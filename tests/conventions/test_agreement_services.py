"""Signing rules and bad input: each refusal in French, and nothing changed (row, files)."""

import datetime
import functools
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conventions import permissions as agreement_permissions
from conventions import selectors, services, signatures, signing
from conventions.enums import AgreementStatus, SignatureMethod
from conventions.models import Agreement
from conventions.permissions import SIGNATORY_ONLY
from subventions.enums import Role, SubsidyStatus
from tests.conventions.agreements import agreement_for, countersigned, pdf_bytes, scan

pytestmark = pytest.mark.django_db

SIGNED_ON = datetime.date(2021, 5, 3)


@functools.cache
def demo_p12() -> bytes:
    from django.test import override_settings

    with override_settings(SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True):
        return signing.create_demo_certificate(
            common_name="Damien Castelain", organisation="MEL", password="secret"
        )


@pytest.fixture
def users(make_user):
    return {
        "secretariat": make_user(Role.ASSEMBLY_SECRETARIAT),
        "signatory": make_user(Role.SIGNATORY),
        "finance": make_user(Role.FINANCE),
    }


@pytest.fixture
def agreement(users):
    """Ready and signed by the beneficiary: the authority, which signs last, may sign."""
    return countersigned(users["secretariat"])


def snapshot(agreement) -> dict:
    row = Agreement.objects.filter(pk=agreement.pk).values().get()
    row.pop("created_at")
    return row


def private_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def unchanged(agreement, settings):
    """Asserts, after the test, that the agreement and the private files did not change."""
    before = snapshot(agreement), private_files(settings)
    yield
    assert (snapshot(agreement), private_files(settings)) == before


def refused(call, message_part: str):
    with pytest.raises(ValidationError) as error:
        call()
    text = " ".join(error.value.messages)
    assert message_part in text, text
    return text


# Bad input


def test_a_text_file_renamed_pdf_is_refused(agreement, users, unchanged):
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement,
            user=users["signatory"],
            scan=scan(b"Ceci est un texte, pas un PDF.\n", name="convention.pdf"),
            signed_on=SIGNED_ON,
        ),
        "n'est pas un PDF",
    )


def test_a_21_mb_pdf_is_refused(agreement, users, unchanged):
    big = pdf_bytes() + b"%" + b"0" * (21 * 1024 * 1024)
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement, user=users["signatory"], scan=scan(big), signed_on=SIGNED_ON
        ),
        "20 Mo au plus",
    )


def test_a_wrong_certificate_password_is_refused(agreement, users, settings, unchanged):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    refused(
        lambda: signatures.document_sign_electronic(
            document=agreement, user=users["signatory"], p12=demo_p12(), password="wrong"
        ),
        signing.P12_WRONG_PASSWORD,
    )


def test_signing_before_the_deliberation_is_executory_is_refused(users, settings):
    agreement = agreement_for(users["secretariat"], executory=None)
    assert agreement.status == AgreementStatus.DRAFT
    before = snapshot(agreement), private_files(settings)
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
        ),
        services.NOT_EXECUTORY,
    )
    refused(
        lambda: signatures.document_record_beneficiary_signature(
            document=agreement, user=users["secretariat"], signed_on=SIGNED_ON
        ),
        services.NOT_EXECUTORY,
    )
    assert (snapshot(agreement), private_files(settings)) == before


def test_a_signature_dated_before_the_executory_date_is_refused(agreement, users, unchanged):
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement,
            user=users["signatory"],
            scan=scan(),
            signed_on=datetime.date(2021, 3, 1),
        ),
        "précède la date à laquelle la délibération est devenue exécutoire",
    )


@pytest.mark.parametrize("role", ["secretariat", "finance"])
def test_signing_without_the_signataire_role_is_refused(agreement, users, role, unchanged):
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement, user=users[role], scan=scan(), signed_on=SIGNED_ON
        ),
        SIGNATORY_ONLY,
    )
    refused(
        lambda: signatures.document_sign_electronic(
            document=agreement, user=users[role], p12=demo_p12(), password="secret"
        ),
        SIGNATORY_ONLY,
    )


def test_demo_certificates_are_refused_without_debug_unless_allowed(agreement, users, unchanged):
    refused(
        lambda: signatures.document_sign_electronic(
            document=agreement, user=users["signatory"], p12=demo_p12(), password="secret"
        ),
        "Certificat de démonstration refusé",
    )
    refused(
        lambda: signing.create_demo_certificate(common_name="X", organisation="Y", password="z"),
        "Certificat de démonstration refusé",
    )


# The lifecycle


def test_the_authority_signs_last(users):
    agreement = agreement_for(users["secretariat"])
    services.document_send(document=agreement, user=users["secretariat"])
    before = snapshot(agreement)
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
        ),
        signatures.BENEFICIARY_SIGNS_FIRST,
    )
    assert snapshot(agreement) == before


def test_beneficiary_then_paper_signature_makes_the_subsidy_conventionnee(users):
    agreement = agreement_for(users["secretariat"])
    assert agreement.status == AgreementStatus.READY
    services.document_send(document=agreement, user=users["secretariat"])
    signatures.document_record_beneficiary_signature(
        document=agreement, user=users["secretariat"], signed_on=datetime.date(2021, 4, 28)
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    assert agreement.subsidy.status == SubsidyStatus.VOTED
    signatures.document_sign_paper(
        document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
    )
    agreement.refresh_from_db()
    assert agreement.is_signed_by_both
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.signature_method == SignatureMethod.PAPER
    assert agreement.signed_pdf_sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert agreement.generated_pdf_sha256
    subsidy = agreement.subsidy
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.AGREEMENT_SIGNED
    last = subsidy.transitions.last()
    assert (last.action, last.user) == ("sign_agreement", users["signatory"])
    assert list(Agreement.objects.signed_by_both()) == [agreement]


def test_a_signed_agreement_is_not_edited_nor_signed_again(agreement, users):
    signatures.document_sign_paper(
        document=agreement,
        user=users["signatory"],
        scan=scan(),
        signed_on=SIGNED_ON,
        beneficiary_signed_on=datetime.date(2021, 4, 20),
    )
    agreement.refresh_from_db()
    before = snapshot(agreement)
    refused(
        lambda: services.agreement_update(
            agreement=agreement, user=users["secretariat"], end_date=datetime.date(2022, 1, 1)
        ),
        "passez par un avenant",
    )
    refused(
        lambda: signatures.document_sign_paper(
            document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
        ),
        agreement_permissions.ALREADY_SIGNED_BY_AUTHORITY,
    )
    assert snapshot(agreement) == before


def test_an_amendment_changes_the_current_amount_once_signed(agreement, users):
    signatures.document_sign_paper(
        document=agreement,
        user=users["signatory"],
        scan=scan(),
        signed_on=SIGNED_ON,
        beneficiary_signed_on=datetime.date(2021, 4, 20),
    )
    subsidy = agreement.subsidy
    amendment = services.amendment_create(
        agreement=agreement,
        user=users["secretariat"],
        reason="Action supplémentaire.",
        amount_change=Decimal("5000"),
        new_end_date=datetime.date(2022, 6, 30),
    )
    assert amendment.number == 1
    subsidy.refresh_from_db()
    assert subsidy.granted_amount == Decimal("35000")
    refused(
        lambda: services.amendment_create(
            agreement=agreement, user=users["secretariat"], reason="Autre", amount_change=1
        ),
        "n'est pas encore signé",
    )
    signatures.document_sign_paper(
        document=amendment,
        user=users["signatory"],
        scan=scan(),
        signed_on=SIGNED_ON,
        beneficiary_signed_on=SIGNED_ON,
    )
    subsidy.refresh_from_db()
    assert subsidy.granted_amount == Decimal("40000")
    assert agreement.current_end_date == datetime.date(2022, 6, 30)
    assert selectors.agreement_by_reference(amendment.reference) == amendment
    refused(
        lambda: services.amendment_create(
            agreement=agreement,
            user=users["secretariat"],
            reason="Réduction",
            amount_change=Decimal("-50000"),
        ),
        "ne peut devenir négatif",
    )


def test_agreement_create_refuses_nothing_about_the_threshold(users):
    small = agreement_for(users["secretariat"], amount_requested=Decimal("20000"))
    assert not small.subsidy.requires_agreement
    assert small.status == AgreementStatus.READY


def test_agreement_create_needs_a_voted_subsidy_and_only_one(agreement, users):
    refused(
        lambda: services.agreement_create(subsidy=agreement.subsidy, user=users["secretariat"]),
        "a déjà une convention",
    )
    refused(
        lambda: services.agreement_create(subsidy=agreement.subsidy, user=users["finance"]),
        "Réservé au Responsable de service et au Secrétariat des assemblées",
    )


def test_the_subsidy_current_amount_counts_signed_amendments(agreement, users):
    from subventions.models import Subsidy

    signatures.document_sign_paper(
        document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
    )
    amendment = services.amendment_create(
        agreement=agreement, user=users["secretariat"], reason="Complément.", amount_change=2500
    )
    subsidy = Subsidy.objects.get(pk=agreement.subsidy_id)
    if not hasattr(subsidy, "current_amount"):
        pytest.skip("Subsidy.current_amount (the money models) is not installed")
    assert subsidy.current_amount == Decimal("35000")
    signatures.document_sign_paper(
        document=amendment,
        user=users["signatory"],
        scan=scan(),
        signed_on=SIGNED_ON,
        beneficiary_signed_on=SIGNED_ON,
    )
    subsidy = Subsidy.objects.get(pk=agreement.subsidy_id)
    assert subsidy.current_amount == Decimal("37500")
    assert Subsidy.objects.with_money().get(pk=subsidy.pk).amount_current == Decimal("37500")
