"""Staff pages of the agreements: one permission test per view, then what they do."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions import permissions as agreement_permissions
from conventions import signing
from conventions.enums import AgreementStatus
from conventions.models import Agreement
from subventions import permissions
from subventions.enums import Role
from tests.conventions.agreements import countersigned, pdf_bytes

pytestmark = pytest.mark.django_db

PREPARERS_AND_SIGNATORY = {Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT, Role.SIGNATORY}


@pytest.fixture
def agreement(make_user):
    return countersigned(make_user(Role.ASSEMBLY_SECRETARIAT))


def urls(agreement) -> dict:
    args = ["convention", agreement.pk]
    return {
        "detail": (reverse("conventions:agreement_detail", args=args), set(Role)),
        "pdf": (reverse("conventions:agreement_pdf", args=args), set(Role)),
        "sign": (reverse("conventions:agreement_sign", args=args), {Role.SIGNATORY}),
        "beneficiary": (
            reverse("conventions:agreement_cosignature", args=args),
            PREPARERS_AND_SIGNATORY,
        ),
        "verify": (reverse("conventions:pdf_verify"), set(Role)),
    }


@pytest.mark.parametrize("view", ["detail", "pdf", "sign", "beneficiary", "verify"])
def test_each_view_needs_a_login_and_its_roles(client, agreement, role_users, view):
    url, allowed = urls(agreement)[view]
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    # The PDF is slow to render and open to every role: one role is enough.
    roles = [Role.READER] if view == "pdf" else list(Role)
    for role in roles:
        client.force_login(role_users[role])
        assert client.get(url).status_code == (200 if role in allowed else 403), (view, role)


@pytest.mark.parametrize(
    ("view", "role", "reason"),
    [
        ("sign", Role.HEAD_OF_SERVICE, agreement_permissions.SIGNATORY_ONLY),
        ("beneficiary", Role.INSTRUCTOR, agreement_permissions.BENEFICIARY_RECORDERS_ONLY),
        ("detail", None, permissions.NO_ROLE),
        ("verify", None, permissions.NO_ROLE),
    ],
)
def test_a_refusal_says_why(client, agreement, role_users, make_user, view, role, reason):
    """The rules of subventions.permissions, with their reasons, as on every staff page."""
    url, _allowed = urls(agreement)[view]
    client.force_login(role_users[role] if role else make_user())
    response = client.get(url)
    assert response.status_code == 403
    assert reason in html.unescape(response.content.decode())


def test_the_buttons_follow_the_document_state(agreement, role_users):
    signatory = role_users[Role.SIGNATORY]
    assert permissions.check("sign_agreement", signatory, agreement) == (True, "")
    # The same agreement, in force (a status is never set by hand on a stored document).
    agreement = Agreement(
        pk=agreement.pk, subsidy=agreement.subsidy, status=AgreementStatus.IN_FORCE
    )
    assert permissions.check("sign_agreement", signatory, agreement) == (
        False,
        agreement_permissions.ALREADY_SIGNED_BY_AUTHORITY,
    )
    agreement.beneficiary_signed_on = datetime.date(2021, 5, 3)
    assert permissions.check("record_beneficiary_signature", signatory, agreement) == (
        False,
        agreement_permissions.ALREADY_SIGNED_BY_BENEFICIARY,
    )


def test_the_private_pieces_are_served_only_through_the_view(client, agreement, role_users):
    client.force_login(role_users[Role.SIGNATORY])
    url = reverse("conventions:agreement_sign", args=["convention", agreement.pk])
    scan = SimpleUploadedFile("original.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        url,
        {"method": "papier", "papier-scan": scan, "papier-signed_on": "03/05/2021"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    with pytest.raises(ValueError):
        _ = agreement.signed_pdf.url  # no public address
    client.force_login(role_users[Role.READER])
    pdf = reverse("conventions:agreement_pdf", args=["convention", agreement.pk])
    assert client.get(pdf).content == pdf_bytes()
    assert client.get(pdf + "?piece=generee").content.startswith(b"%PDF-")
    assert client.get(pdf + "?piece=beneficiaire").status_code == 404
    client.logout()
    assert client.get(pdf).status_code == 302


def test_a_text_file_named_pdf_is_refused_on_screen_and_nothing_changes(
    client, agreement, role_users
):
    client.force_login(role_users[Role.SIGNATORY])
    url = reverse("conventions:agreement_sign", args=["convention", agreement.pk])
    fake = SimpleUploadedFile("convention.pdf", b"texte", content_type="application/pdf")
    response = client.post(
        url, {"method": "papier", "papier-scan": fake, "papier-signed_on": "03/05/2021"}
    )
    assert response.status_code == 200
    assert "n&#x27;est pas un PDF" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_BENEFICIARY
    assert not agreement.signed_pdf


def test_on_screen_electronic_signature_and_the_verification_page(
    client, agreement, role_users, settings
):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    p12 = signing.create_demo_certificate(
        common_name="Damien Castelain", organisation="MEL", password="pw"
    )
    client.force_login(role_users[Role.SIGNATORY])
    url = reverse("conventions:agreement_sign", args=["convention", agreement.pk])
    wrong = client.post(
        url,
        {
            "method": "electronique",
            "electronique-p12": SimpleUploadedFile("cert.p12", p12),
            "electronique-password": "faux",
        },
    )
    assert "Le mot de passe du certificat est incorrect" in wrong.content.decode()
    signing_today = {
        "method": "electronique",
        "electronique-p12": SimpleUploadedFile("cert.p12", p12),
        "electronique-password": "pw",
    }
    late = client.post(url, signing_today)  # the 2021 period ended more than a year ago
    assert "plus d&#x27;un an avant la date de signature" in late.content.decode()
    signing_today["electronique-p12"] = SimpleUploadedFile("cert.p12", p12)
    response = client.post(
        url,
        {
            **signing_today,
            "electronique-confirm": "on",
            "electronique-confirm_reason": "Signature de rattrapage.",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.authority_signed_on == datetime.date.today()
    signed = agreement.frozen_pdf_bytes()

    client.force_login(role_users[Role.READER])
    detail = reverse("conventions:agreement_detail", args=["convention", agreement.pk])
    page = client.get(detail).content.decode()
    assert "Vérification de la signature électronique" in page
    assert "intacte — signataire : Damien Castelain" in page
    verify = reverse("conventions:pdf_verify")
    page = client.post(verify, {"file": SimpleUploadedFile("x.pdf", signed)}).content.decode()
    assert "intacte" in page and "Damien Castelain" in page
    tampered = bytearray(signed)
    tampered[len(tampered) // 3] ^= 1
    page = client.post(verify, {"file": SimpleUploadedFile("x.pdf", bytes(tampered))})
    assert "ALTÉRÉE" in page.content.decode()
    page = client.post(verify, {"file": SimpleUploadedFile("x.pdf", pdf_bytes())})
    assert signing.NO_SIGNATURE.replace("'", "&#x27;") in page.content.decode()
