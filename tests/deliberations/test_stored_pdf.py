"""The frozen PDF of an adopted deliberation removed from disk (issue 14, item 9): an alert
on its page and on its download, never a server error."""

from pathlib import Path

import pytest
from django.urls import reverse

from core import files
from deliberations import services
from subventions.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    assert deliberation.pdf
    return deliberation


def test_a_missing_deliberation_pdf_is_an_alert_on_its_page_and_its_download(
    client, make_user, adopted
):
    Path(adopted.pdf.path).unlink()
    client.force_login(make_user(Role.READER))
    alert = files.STORED_MISSING.format(what="Le PDF de la délibération").replace("'", "&#x27;")
    page = client.get(reverse("deliberations:deliberation_detail", args=[adopted.pk]))
    assert page.status_code == 200 and alert in page.content.decode()
    download = client.get(reverse("deliberations:deliberation_pdf", args=[adopted.pk]), follow=True)
    assert download.status_code == 200 and alert in download.content.decode()
