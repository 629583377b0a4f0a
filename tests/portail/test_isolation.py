"""Isolation: an association account reaches only its own associations' data; never a
staff page, the admin nor the API; another association's ids answer 403 or 404."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from subventions.models import Application, VaultDocument
from tests.subventions.test_permissions import (
    POST_ONLY as STAFF_POST_ONLY,
)
from tests.subventions.test_permissions import PUBLIC, TABLE, kwargs_for, url_names
from tests.subventions.test_permissions import demo as staff_demo  # noqa: F401

from .helpers import pdf_upload

pytestmark = pytest.mark.django_db

# Portal pages reachable without an association of one's own (no object in their URL).
OPEN_PORTAL = {
    "login",
    "signup",
    "signup_done",
    "magic_link",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "accessibility",
    "home",
    "membership_request",
    "subsidy_list",
}
# Answer 400 for a made-up token (no data either way).
TOKEN_PAGES = {"confirm_email", "magic_login", "password_reset_confirm"}
POST_ONLY = {"logout", "application_submit"}
# The staff site's pages of one's own login (password, second factor): any account's.
OWN_ACCOUNT = {
    "password_change",
    "password_change_done",
    "otp_verify",
    "otp_enrol",
    "otp_backup_codes",
}


def portal_patterns():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "portail":
            for inner in pattern.url_patterns:
                assert isinstance(inner, URLPattern)
                yield inner.name, inner


@pytest.fixture
def apes_objects(staff_demo, client):  # noqa: F811
    """The first association's ids (APES), with a piece in its vault."""
    apes = get_user_model().objects.get(username="apes")
    client.force_login(apes)
    application = Application.objects.get(subsidy__year=2021)
    beneficiary = application.beneficiary
    client.post(
        f"/association/associations/{beneficiary.pk}/coffre-fort/",
        {"kind": "statuts", "file": pdf_upload()},
    )
    client.logout()
    return {
        "pk": {
            "application": application.pk,
            "subsidy": application.subsidy_id,
            "vault": VaultDocument.objects.get(beneficiary=beneficiary).pk,
            "acknowledgment": application.pk,
        },
        "beneficiary_pk": beneficiary.pk,
        "step": "association",
        "token": "jeton-invente",
        "uidb64": "MQ",
        "secret": beneficiary.legal_name,
    }


def _kwargs(name, pattern, objects):
    """The first association's ids; a page of a file (the follow-up's) by its subsidy, and
    any other id of a sub-object (a message, a request for information) at 1."""
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "pk":
            kind = next((k for k in objects["pk"] if name.startswith(k)), "subsidy")
            kwargs[key] = objects["pk"][kind]
        else:
            kwargs[key] = objects.get(key, 1)
    return kwargs


def test_another_association_gets_403_or_404_on_every_portal_url(client, apes_objects):
    client.force_login(get_user_model().objects.get(username="jardins"))
    names = dict(portal_patterns())
    names.pop("logout")  # would end the session the walk runs in
    for name, pattern in names.items():
        url = reverse(f"portail:{name}", kwargs=_kwargs(name, pattern, apes_objects))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        if name in OPEN_PORTAL:
            assert response.status_code in (200, 302), (name, response.status_code)
        elif name in TOKEN_PAGES:
            assert response.status_code in (200, 400), (name, response.status_code)
        else:
            # 405: a POST-only page of the follow-up, refused before reading anything.
            assert response.status_code in (403, 404, 405), (name, url, response.status_code)
        if response.status_code == 200:
            assert apes_objects["secret"] not in response.content.decode(), name
    # The first association still has its file, untouched by the POSTs.
    assert Application.objects.get(subsidy__year=2021).status == "deposee"


def test_the_first_association_reaches_its_own_objects(client, apes_objects):
    client.force_login(get_user_model().objects.get(username="apes"))
    for name in ("subsidy_detail", "application_detail", "vault_download", "acknowledgment"):
        pattern = dict(portal_patterns())[name]
        url = reverse(f"portail:{name}", kwargs=_kwargs(name, pattern, apes_objects))
        assert client.get(url).status_code == 200, name
    page = client.get("/association/dossiers/").content.decode()
    assert "SUB-2021" in page


def test_an_association_account_gets_403_on_every_staff_admin_and_api_url(client, staff_demo):  # noqa: F811
    client.force_login(get_user_model().objects.get(username="apes"))
    for name, pattern in url_names():
        if name in STAFF_POST_ONLY:
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, staff_demo))
        response = client.get(url)
        expected = 200 if TABLE[name] == PUBLIC or name in OWN_ACCOUNT else 403
        assert response.status_code == expected, (name, url, response.status_code)
    for url in ("/admin/", "/admin/subventions/subsidy/", "/api/subventions/", "/api/"):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("subventions:membership_confirm", args=[1])).status_code == 403


def test_a_staff_user_is_not_an_association_account(client, staff_demo):  # noqa: F811
    client.force_login(get_user_model().objects.get(username="instructeur"))
    assert client.get("/association/").status_code == 403
    assert client.get("/association/dossiers/").status_code == 403


def test_a_pending_membership_shows_nothing(client, make_account, apes_objects):
    from subventions.enums import MembershipStatus
    from subventions.models import Beneficiary

    apes = Beneficiary.objects.get(short_name="APES")
    user = make_account(apes, status=MembershipStatus.PENDING)
    client.force_login(user)
    assert client.get(f"/association/dossiers/{apes_objects['pk']['subsidy']}/").status_code == 404
    assert "SUB-2021" not in client.get("/association/dossiers/").content.decode()


def test_demo_accounts_log_in_and_find_their_files(client, staff_demo):  # noqa: F811
    response = client.post("/association/connexion/", {"username": "apes", "password": "demo"})
    assert response["Location"] == "/association/"
    listing = client.get("/association/dossiers/").content.decode()
    assert "SUB-2021" in listing and "Demande déposée le 30/11/2020" in listing
    client.logout()
    client.post("/association/connexion/", {"username": "jardins", "password": "demo"})
    home = client.get("/association/").content.decode()
    assert "Des jardins partagés pour tout le quartier" in home
    assert "Le budget du projet" in home  # the step where the draft was left
