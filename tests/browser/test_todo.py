"""An instructor finds their « À faire » and goes from it to the file (Chromium)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from subventions.enums import Role
from tests.browser.conftest import log_in
from tests.subventions.factories import AuthorityFactory, SubsidyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_goes_from_their_todo_to_the_file(page, live_reference_data):
    AuthorityFactory()
    instructor = get_user_model().objects.create_user("ines", password="pw", first_name="Inès")
    instructor.groups.add(Group.objects.get(name=Role.INSTRUCTOR))
    subsidy = SubsidyFactory(instructor=instructor, purpose="Festival des solidarités")

    log_in(page, "ines")
    # The dashboard opens on the file's year and counts what waits.
    todo_box = page.locator("#titre-a-faire").locator("xpath=..")
    assert "À faire en 2021" in todo_box.inner_text()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="À faire"
    ).click()
    page.wait_for_url(re.compile(r".*/a-faire/$"))
    section = page.locator("#a_instruire")
    assert "Dossiers à instruire" in section.inner_text()
    section.get_by_role("link", name=re.compile("Festival des solidarités")).click()
    page.wait_for_url(re.compile(rf".*/dossiers/{subsidy.pk}/$"))
    assert subsidy.reference in page.locator("main").inner_text()
