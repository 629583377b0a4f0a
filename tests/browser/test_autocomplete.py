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
    # Submitted from the keyboard, the filter form carries the chosen number.
    with page.expect_navigation():
        page.locator("#id_q").press("Enter")
    assert f"beneficiary={apes.pk}" in page.url, page.url
    body = page.locator("main table").inner_text()
    assert theirs.reference in body
    assert other.reference not in body
    assert "APES" in page.locator(".ts-control").first.inner_text()

    page.goto("/recherche/?q=economie+solidaire")
    assert "Acteurs pour une économie solidaire" in page.locator("main").inner_text()


def test_choose_a_beneficiary_then_click_filtrer_with_the_mouse(
    page, make_user, live_reference_data
):
    """The first mouse click on « Filtrer » after a choice submits the form (it used to be
    swallowed: the click only closed the autocomplete)."""
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
    page.locator(".ts-dropdown .option", has_text="APES").click()
    button = page.get_by_role("button", name="Filtrer")
    with page.expect_navigation(timeout=5_000):
        button.click()  # the mouse, once: no Enter, no second click
    assert f"beneficiary={apes.pk}" in page.url, page.url
    body = page.locator("main table").inner_text()
    assert theirs.reference in body
    assert other.reference not in body
