"""The beneficiary and partner autocompletes in Chromium, under the strict CSP (the `page`
fixture fails on any violation): type a few letters, choose, filter; and the search box of
the navigation."""

import pytest

from subventions.enums import Role
from tests.browser.conftest import log_in
from tests.subventions.factories import BeneficiaryFactory, SubsidyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_a_beneficiary_by_typing_then_filter(page, make_user, live_reference_data):
    apes = BeneficiaryFactory(
        legal_name="Acteurs pour une économie solidaire", short_name="APES", siret=""
    )
    theirs = SubsidyFactory(beneficiary=apes)
    other = SubsidyFactory()
    log_in(page, make_user(Role.READER).username)
    page.goto("/dossiers/")
    page.click("summary:has-text('Filtres et recherche')")
    control = page.locator("#id_beneficiary-ts-control")
    control.click()
    control.type("econom", delay=30)
    option = page.locator(".ts-dropdown .option", has_text="APES")
    option.click()
    assert page.locator("#id_beneficiary").input_value() == str(apes.pk)
    page.keyboard.press("Escape")
    with page.expect_navigation(timeout=60_000):
        page.click("button:has-text('Filtrer')")
    assert f"beneficiary={apes.pk}" in page.url, page.url
    body = page.locator("main table").inner_text()
    assert theirs.reference in body
    assert other.reference not in body
    # The chosen beneficiary is shown again, by its name.
    assert "APES" in page.locator(".ts-control").first.inner_text()

    page.fill("#recherche-globale", "economie solidaire")
    with page.expect_navigation(timeout=60_000):
        page.press("#recherche-globale", "Enter")
    assert "/recherche/?q=" in page.url, page.url
    assert "Acteurs pour une économie solidaire" in page.locator("main").inner_text()
