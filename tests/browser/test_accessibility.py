"""Accessibility (RGAA 4.1 AA, checked with axe-core's WCAG 2.1 A and AA rules): no
violation on any staff page of the demo data nor on the admin's change page of a subsidy,
and the keyboard focus visible on the navigation."""

import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command

from pilotage.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in
from tests.browser.walk import staff_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{page.url} : {violation['id']} ({violation['impact']}) — {violation['help']} : "
        + ", ".join(f"{node['target']} {node['html'][:80]}" for node in violation["nodes"][:4])
        for violation in results.response["violations"]
    ]


@pytest.fixture
def axe_page(browser, live_server):
    """A page of the live server without the CSP watch of the `page` fixture: axe-core
    injects <style> elements of its own while it checks, which the policy reports
    (tests/browser/test_csp.py checks the policy on the application's pages)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_pages(settings, live_reference_data):
    settings.DEBUG = True  # load_demo refuses to run otherwise (known passwords)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return staff_pages()


def test_no_staff_page_has_an_accessibility_violation(axe_page, demo_pages):
    page = axe_page
    found, current = [], None
    assert len(demo_pages) > 40, demo_pages
    # SUBVENTIONS_AXE_ONLY=admin,api : only the pages whose name contains one of the words.
    only = [word for word in os.environ.get("SUBVENTIONS_AXE_ONLY", "").split(",") if word]
    if only:
        demo_pages = [item for item in demo_pages if any(word in item[0] for word in only)]
    for _name, url, username in sorted(demo_pages, key=lambda item: item[2]):
        if username != current:
            page.context.clear_cookies()
            log_in(page, username, DEMO_PASSWORD)
            current = username
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found += violations(page)
    assert not found, "\n".join(found)


def test_the_keyboard_focus_is_visible_on_the_navigation(page, demo_pages):
    # A long name does not wrap the navigation at 1280 px.
    get_user_model().objects.filter(username="secretariat").update(
        first_name="Marie-Bernadette-Clémentine", last_name="de La Tour-Dupont-Villeneuve"
    )
    log_in(page, "secretariat", DEMO_PASSWORD)
    page.goto("/dossiers/")
    tops = page.locator("header .navbar-nav .nav-link").evaluate_all(
        "(links) => links.map((link) => Math.round(link.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    # The name sits beside the links, not on a row of its own below them.
    link = page.locator("header .navbar-nav .nav-link").first.bounding_box()
    name = page.locator("header .user-box").bounding_box()
    assert name["y"] < link["y"] + link["height"], (name, link)
    # The tools (search, the user and their role, log out) keep to one row of their own.
    tools = [
        page.locator(selector).bounding_box()
        for selector in ("header .nav-search input", "header .user-box", "header form button")
    ]
    middles = [box["y"] + box["height"] / 2 for box in tools]
    assert max(middles) - min(middles) < 8, tools
    link = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Séances"
    )
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused by the keyboard: :focus-visible applies
    outline = link.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline
    # Not drawn in the navbar's own blue.
    assert outline[2] in ("rgb(255, 255, 255)", "rgb(255, 204, 0)"), outline
    if (
        os.environ.get("SUBVENTIONS_SCREENSHOTS")
        or not (SCREENSHOTS / "focus-navigation.png").exists()
    ):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("header").screenshot(path=SCREENSHOTS / "focus-navigation.png")
