"""Two-factor login (django-otp): enrolment, the code after the password, backup codes,
the admin; required for the roles that sign or pay when SUBVENTIONS_2FA_REQUIRED is on."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from subventions import twofactor
from subventions.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.SUBVENTIONS_2FA_REQUIRED = True


def code(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def log_in(client, user, url="/compte/login/"):
    response = client.post(url, {"username": user.username, "password": "pw"})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_enrolment_then_every_login_asks_the_code(required, client, make_user):
    signatory = make_user(Role.SIGNATORY)
    log_in(client, signatory)

    # Without a device, every page sends the signatory to enrolment.
    response = client.get("/dossiers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/double-authentification/?next=/dossiers/")
    page = client.get(response["Location"]).content.decode()
    assert "exige la double authentification" in page
    assert "<svg" in page  # the QR code
    device = TOTPDevice.objects.get(user=signatory, confirmed=False)
    secret = re.search(r'class="font-monospace fs-5 secret-key">([A-Z2-7 ]+)<', page)[1]
    assert secret.replace(" ", "")  # the key, for typing by hand

    # A wrong code is refused in French; the right one enrols and shows the backup codes once.
    response = client.post("/compte/double-authentification/", {"code": "000000"})
    assert twofactor.CODE_INVALID.replace("'", "&#x27;") in response.content.decode()
    time.sleep(1.1)  # django-otp makes the next try wait after a wrong code
    response = client.post(
        "/compte/double-authentification/?next=/dossiers/", {"code": code(device)}
    )
    assert response.status_code == 302
    codes_page = client.get(response["Location"]).content.decode()
    backup = StaticToken.objects.filter(device__user=signatory).values_list("token", flat=True)
    assert len(backup) == twofactor.BACKUP_CODES
    assert all(token in codes_page for token in backup)
    assert "Ils ne seront plus jamais affichés" in codes_page
    again = client.get("/compte/double-authentification/codes/").content.decode()
    assert not any(token in again for token in backup)
    assert client.get("/dossiers/").status_code == 200

    # Next login: the password is not enough, the code is asked; a backup code works once.
    client.logout()
    log_in(client, signatory)
    response = client.get("/dossiers/")
    assert response["Location"].startswith("/compte/verification/")
    spare = backup[0]
    response = client.post("/compte/verification/?next=/dossiers/", {"code": spare})
    assert response["Location"] == "/dossiers/"
    assert client.get("/dossiers/").status_code == 200
    client.logout()
    log_in(client, signatory)
    response = client.post("/compte/verification/", {"code": spare})
    assert response.status_code == 200  # a backup code serves once
    assert client.get("/dossiers/").status_code == 302
    time.sleep(1.1)

    # The authenticator's next code opens the session.
    device.refresh_from_db()
    response = client.post("/compte/verification/?next=/dossiers/", {"code": code(device, 1)})
    assert response["Location"] == "/dossiers/"
    assert client.get("/dossiers/").status_code == 200


def test_the_admin_asks_the_code_too(client, make_user):
    finance = make_user(Role.FINANCE)
    device = TOTPDevice.objects.create(user=finance, name="téléphone", confirmed=True)
    log_in(client, finance, url="/admin/login/")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/verification/?next=/admin/")
    client.post("/compte/verification/", {"code": code(device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("role", "superuser", "due"),
    [
        (Role.SIGNATORY, False, True),
        (Role.FINANCE, False, True),
        (None, True, True),
        (Role.INSTRUCTOR, False, False),
        (Role.READER, False, False),
    ],
)
def test_who_must_enrol(required, client, make_user, role, superuser, due):
    user = make_user(*([role] if role else []), is_superuser=superuser)
    client.force_login(user)
    response = client.get("/")
    assert (response.status_code == 302) is due
    if due:
        assert response["Location"].startswith("/compte/double-authentification/")


def test_not_required_outside_production(client, make_user):
    client.force_login(make_user(Role.SIGNATORY))
    assert client.get("/").status_code == 200


def test_a_throttled_device_says_so(client, make_user):
    user = make_user(Role.FINANCE)
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    log_in(client, user)
    client.post("/compte/verification/", {"code": "000000"})
    response = client.post("/compte/verification/", {"code": "111111"})
    assert "Trop de codes erronés" in response.content.decode()
