"""The subsidy form: action axes and co-funding lines added and removed in one save,
with the « Ajouter » / « Retirer » buttons (static/js/formset.js)."""

import re
from decimal import Decimal

import pytest

from subventions.enums import Role
from subventions.models import Subsidy
from tests.browser.conftest import assert_every_field_labelled, log_in
from tests.subventions.factories import (
    ActionAxisFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    SubsidyFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_axes_and_cofunding_lines_are_added_and_removed_in_one_save(
    page, make_user, live_reference_data
):
    subsidy = SubsidyFactory(amount_requested=Decimal("35000"))
    ActionAxisFactory(subsidy=subsidy, position=1, title="Axe à retirer")
    ActionAxisFactory(subsidy=subsidy, position=2, title="Axe gardé")
    old_partner = FundingPartnerFactory(name_with_article="la Région d'autrefois")
    CoFundingFactory(subsidy=subsidy, partners=[old_partner], amount=Decimal("10000"))
    new_partner = FundingPartnerFactory(name_with_article="le Département du Nord")
    make_user(Role.INSTRUCTOR, username="instructrice")
    log_in(page, "instructrice-0")
    page.goto(f"/dossiers/{subsidy.pk}/modifier/")

    # With JavaScript the « Supprimer » boxes give way to « Retirer » buttons.
    axes = page.locator("[data-formset=axes]")
    expect_hidden = axes.locator(".formset-delete").first
    assert not expect_hidden.is_visible()

    # Axes: remove the first one, add two, remove the second added one.
    axes.get_by_role("button", name="Retirer cet axe").first.click()
    assert not page.locator("#id_axes-0-title").is_visible()
    axes.get_by_role("button", name="Ajouter un axe").click()
    page.locator("#id_axes-3-title").fill("Axe ajouté sans enregistrer")
    page.locator("#id_axes-3-description").fill("Un atelier par mois.")
    axes.get_by_role("button", name="Ajouter un axe").click()
    page.locator("#id_axes-4-title").fill("Axe ajouté puis retiré")
    axes.get_by_role("button", name="Retirer cet axe").last.click()
    assert page.locator("[name=axes-TOTAL_FORMS]").input_value() == "5"

    # Co-funding: remove the old line, add a new one typed the French way.
    lines = page.locator("[data-formset=cofinancements]")
    lines.get_by_role("button", name="Retirer cette ligne").first.click()
    lines.get_by_role("button", name="Ajouter une ligne de cofinancement").click()
    # The partner is chosen in its autocomplete, set up on the new row.
    page.locator("#id_cofinancements-2-partners-ts-control").click()
    page.locator("#id_cofinancements-2-partners-ts-control").press_sequentially("Départ", delay=30)
    page.locator(".ts-dropdown .option", has_text="Département du Nord").first.click()
    page.locator("#id_cofinancements-2-amount").fill("12 500,50")
    assert_every_field_labelled(page)

    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))

    subsidy = Subsidy.objects.get(pk=subsidy.pk)
    assert [axis.title for axis in subsidy.axes.order_by("position")] == [
        "Axe gardé",
        "Axe ajouté sans enregistrer",
    ]
    line = subsidy.cofundings.get()
    assert line.amount == Decimal("12500.50")
    assert [link.partner for link in line.partner_links.all()] == [new_partner]
