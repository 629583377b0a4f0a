"""Logins and the API under attack: lockout (django-axes) and throttling, in French."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from subventions.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def _login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url", ["/compte/login/", "/admin/login/"])
def test_twenty_wrong_passwords_then_the_right_one_is_refused(axes_on, client, make_user, url):
    user = make_user(Role.FINANCE, username="cible")
    for _ in range(20):
        response = _login(client, url, user.username, "mauvais")
        assert "_auth_user_id" not in client.session
    response = _login(client, url, user.username, "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Connexion bloquée" in page
    assert "réessayez après" in page
    assert 'class="navbar' in page  # the site's layout


def test_the_lockout_is_per_account_and_address(axes_on, client, make_user):
    locked = make_user(Role.FINANCE, username="cible")
    other = make_user(Role.READER, username="autre")
    for _ in range(5):
        _login(client, "/compte/login/", locked.username, "mauvais")
    assert _login(client, "/compte/login/", locked.username, "pw").status_code == 429
    # Another account from the same address, the same account from another address: open.
    assert _login(client, "/compte/login/", other.username, "pw").status_code == 302
    client.logout()
    response = client.post(
        "/compte/login/",
        {"username": locked.username, "password": "pw"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302


def test_a_few_wrong_passwords_do_not_lock_out(axes_on, client, make_user):
    user = make_user(Role.READER, username="distrait")
    for _ in range(4):
        _login(client, "/compte/login/", user.username, "mauvais")
    assert _login(client, "/compte/login/", user.username, "pw").status_code == 302


def test_thirty_bad_api_tokens_are_slowed_down_with_a_french_429():
    client = APIClient()
    codes = []
    for n in range(30):
        client.credentials(HTTP_AUTHORIZATION=f"Token {n:040d}")
        response = client.get("/api/subventions/")
        codes.append(response.status_code)
    assert codes[0] == 401
    assert codes[-1] == 429
    assert response.json()["detail"].startswith("Trop de requêtes : réessayez dans ")
    assert "Retry-After" in response


def test_api_callers_are_throttled_per_account(settings, make_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/min",
        },
    }
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user(Role.READER)).key}"
    )
    codes = [client.get("/api/subventions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Trop de requêtes" in client.get("/api/subventions/").json()["detail"]


# Content-Security-Policy (django-csp): nothing inline, in production and everywhere else.

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
# Not served as pages: WeasyPrint's print templates and the standalone act written to a
# file by `render_deliberation` (deliberations.rendering.PAGE_TEMPLATE).
NOT_SERVED = ("/pdf/", "deliberations/document/page.html")


def test_no_template_has_an_inline_script_or_style():
    root = Path(settings.BASE_DIR) / "templates"
    offenders = [
        f"{path.relative_to(root)}: {match.group(0).strip()}"
        for path in root.rglob("*.html")
        if not any(part in path.as_posix() for part in NOT_SERVED)
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []


def test_no_python_module_writes_an_inline_style_or_script():
    """Widgets' attrs and format_html() strings: the same rule as the templates."""
    root = Path(settings.BASE_DIR)
    written = re.compile(r"""["']style["']\s*:|\sstyle=|<script(?![^>]*\bsrc=)|\son[a-z]+=""")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in ("core", "subventions", "deliberations", "conventions", "pilotage", "metropole")
        for path in (root / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if written.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_pages_carry_a_policy_without_inline_or_foreign_sources(client, make_user):
    client.force_login(make_user(Role.READER))
    for url in ("/", "/compte/login/", "/api/docs/", "/page-inexistante/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'", url
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert "unsafe" not in policy, url


def test_the_api_docs_load_their_init_script_from_a_file(client, make_user):
    client.force_login(make_user(Role.READER))
    page = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page)[1].replace("&amp;", "&")
    response = client.get(script)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
