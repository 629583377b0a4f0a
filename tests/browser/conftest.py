"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work here: we launch /usr/bin/chromium
(`apt-get install chromium`; .ci/run installs it). Without it the tests are skipped.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SUBVENTIONS_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture
def browser(django_db_setup):
    """A Chromium for the test, started once the test database exists (and stopped
    after it, so that no later test inherits DJANGO_ALLOW_ASYNC_UNSAFE).

    Playwright's sync API keeps an event loop in this thread while it runs; the ORM
    calls the tests make in between are still synchronous, which Django must be told
    (DJANGO_ALLOW_ASYNC_UNSAFE), for as long as the browser runs.
    """
    if not CHROMIUM.exists():
        # In CI (.ci/run installs Chromium) a missing browser is a failure, not a skip.
        if os.environ.get("CI"):
            pytest.fail(f"Chromium absent ({CHROMIUM}) alors que .ci/run l'installe")
        pytest.skip(f"Chromium absent ({CHROMIUM}) : apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        yield playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every violation of the Content-Security-Policy, as the page itself sees it (the event is
# sent whatever the console says), written to the console where the fixture collects it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI || "inline"}`
                + ` (${event.sourceFile || document.location.href}:${event.lineNumber})`);
});
"""


@pytest.fixture
def page(browser, live_server):
    """A page of the live server, which sends production's Content-Security-Policy: the test
    fails on any violation the browser reports (inline script or style, foreign source) and
    on any HTML page served without the policy."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text:
            problems.append(text)

    def on_response(response):
        if response.request.resource_type != "document":
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        if "content-security-policy" not in response.headers:
            problems.append(f"Pas d'en-tête Content-Security-Policy : {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"Erreur JavaScript : {error}"))
    page.on("response", on_response)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def log_in(page, username: str, password: str = "pw") -> None:
    page.goto("/compte/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def log_out(page) -> None:
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r".*/compte/login/.*"))


UNLABELLED = """
() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter((el) => el.type !== 'hidden' && !el.closest('[hidden]'))
  // An autocomplete (Tom Select) hides its original input and moves the label to its own.
  .filter((el) => !el.classList.contains('tomselected'))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby'))
  .map((el) => el.name || el.id)
"""


def assert_every_field_labelled(page) -> None:
    assert page.evaluate(UNLABELLED) == [], page.url


def pytest_collection_modifyitems(items):
    """Browser tests last: as transactional tests they empty the database when they end,
    groups and agreement template of the data migrations included, which the other
    transactional tests (pytest-django runs them after the others) still expect."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if item not in browser] + browser
