"""A kept file altered, truncated or removed on disk (issue 14, item 9): each page that
reads it shows a French alert and the log a warning, never a server error; a download
is refused with the reason rather than serving altered bytes."""

import datetime
import logging
from pathlib import Path

import pytest
from django.urls import reverse

from conventions import signatures
from core import files
from subventions.enums import Role
from tests.conventions.agreements import countersigned, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_agreement(make_user):
    preparer = make_user(Role.ASSEMBLY_SECRETARIAT)
    agreement = countersigned(preparer)
    return signatures.document_sign_paper(
        document=agreement,
        user=make_user(Role.SIGNATORY),
        scan=scan(),
        signed_on=datetime.date(2021, 4, 22),
    )


def _alter(path, how: str) -> None:
    content = path.read_bytes()
    if how == "bytes_changed":
        middle = len(content) // 2
        path.write_bytes(content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :])
    elif how == "truncated":
        path.write_bytes(content[: len(content) // 3])
    else:
        path.unlink()


@pytest.mark.parametrize("how", ["bytes_changed", "truncated", "missing"])
def test_an_altered_signed_pdf_is_an_alert_on_the_agreement_page_not_a_500(
    client, make_user, signed_agreement, how, caplog
):
    _alter(Path(signed_agreement.signed_pdf.path), how)
    client.force_login(make_user(Role.READER))
    detail = reverse("conventions:agreement_detail", args=["convention", signed_agreement.pk])
    with caplog.at_level(logging.WARNING, logger="core.files"):
        page = client.get(detail)
    assert page.status_code == 200
    expected = files.STORED_MISSING if how == "missing" else files.STORED_ALTERED
    alert = expected.format(what="Le PDF signé").replace("'", "&#x27;")
    assert alert in page.content.decode()
    assert any(record.levelno == logging.WARNING for record in caplog.records)

    download = client.get(
        reverse("conventions:agreement_pdf", args=["convention", signed_agreement.pk]),
        follow=True,
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/html")
    assert alert in download.content.decode()


def test_an_altered_generated_pdf_is_not_served(client, make_user, signed_agreement):
    _alter(Path(signed_agreement.generated_pdf.path), "bytes_changed")
    client.force_login(make_user(Role.READER))
    url = reverse("conventions:agreement_pdf", args=["convention", signed_agreement.pk])
    response = client.get(url + "?piece=generee", follow=True)
    assert response.status_code == 200
    assert "Le PDF produit a été modifié" in response.content.decode()
