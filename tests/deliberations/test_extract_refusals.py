"""The register extract's refusals (each in French, nothing stored) and its pages: only
the secretariat signs it; every role downloads the stored one, checked by its SHA-256."""

import datetime
import functools
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from core import signing
from deliberations import extract, services
from deliberations.models import ActClassification, Deliberation
from deliberations.permissions import SECRETARIAT_ONLY
from subventions.enums import Role

pytestmark = pytest.mark.django_db


@functools.cache
def demo_p12() -> bytes:
    with override_settings(SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True):
        return signing.create_demo_certificate(
            common_name="Damien Castelain", organisation="MEL", password="demo"
        )


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    return deliberation


@pytest.fixture
def fast_extract(monkeypatch):
    """The layout is tested on the demo (test_act_documents); here, a one-page PDF with
    the box where the signature goes."""
    from weasyprint import HTML

    content = HTML(string="<p>Extrait</p>").write_pdf()
    monkeypatch.setattr(
        extract, "build_extract", lambda deliberation, signed_on: (content, 0, (300, 100, 500, 160))
    )


def stored(deliberation) -> tuple:
    row = Deliberation.objects.filter(pk=deliberation.pk).values("extract_pdf", "extract_sha256")
    return tuple(row.get().values())


def test_a_draft_has_no_extract(make_subsidy, make_deliberation, secretariat, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    draft = make_deliberation([make_subsidy()])
    with pytest.raises(ValidationError, match="n'est pas adoptée"):
        extract.deliberation_sign_extract(
            deliberation=draft, user=secretariat, p12=demo_p12(), password="demo"
        )
    assert stored(draft) == ("", "")


def test_only_the_secretariat_signs_it(adopted, make_user, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    with pytest.raises(ValidationError) as error:
        extract.deliberation_sign_extract(
            deliberation=adopted, user=make_user(Role.SIGNATORY), p12=demo_p12(), password="demo"
        )
    assert error.value.messages == [SECRETARIAT_ONLY]
    assert stored(adopted) == ("", "")


def test_a_wrong_password_is_refused_and_nothing_stored(adopted, secretariat, settings):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    with pytest.raises(ValidationError, match="mot de passe du certificat est incorrect"):
        extract.deliberation_sign_extract(
            deliberation=adopted, user=secretariat, p12=demo_p12(), password="faux"
        )
    assert stored(adopted) == ("", "")


def test_the_sign_page_stores_the_extract_and_every_role_downloads_it(
    client, adopted, secretariat, make_user, settings, fast_extract
):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    url = reverse("deliberations:deliberation_extract_sign", args=[adopted.pk])
    reader = make_user(Role.READER)
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"p12": SimpleUploadedFile("c.p12", demo_p12()), "password": "faux"})
    assert bad.status_code == 200 and "incorrect" in bad.content.decode()
    assert stored(adopted) == ("", "")
    response = client.post(
        url, {"p12": SimpleUploadedFile("c.p12", demo_p12()), "password": "demo"}
    )
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert len(adopted.extract_sha256) == 64
    client.force_login(reader)
    download = client.get(reverse("deliberations:deliberation_extract_pdf", args=[adopted.pk]))
    assert download.status_code == 200
    [report] = signing.verify_pdf(download.content)
    assert report.ok and report.field == extract.SIGNATURE_FIELD


def test_a_tampered_extract_is_not_served(adopted, secretariat, settings, fast_extract, client):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    adopted = extract.deliberation_sign_extract(
        deliberation=adopted, user=secretariat, p12=demo_p12(), password="demo"
    )
    with open(adopted.extract_pdf.path, "ab") as handle:
        handle.write(b"%")
    with pytest.raises(ValidationError, match="ne correspond plus à son empreinte"):
        extract.extract_bytes(adopted)
    client.force_login(secretariat)
    response = client.get(reverse("deliberations:deliberation_extract_pdf", args=[adopted.pk]))
    assert response.status_code == 302


def test_the_stamp_waits_for_the_act_to_leave(adopted, secretariat):
    assert extract.stamp_lines(adopted) == []
    services.deliberation_record_transmission(
        deliberation=adopted,
        sent_on=datetime.date(2021, 4, 2),
        user=secretariat,
        classification=ActClassification.objects.create(
            code="7.5", label="Subventions", version_date=datetime.date(2020, 1, 1)
        ),
    )
    adopted.refresh_from_db()
    assert extract.stamp_lines(adopted) == ["Envoyé en préfecture le 02/04/2021"]


def test_sign_extract_command_signs_and_refuses_in_one_french_line(
    adopted, secretariat, settings, fast_extract, tmp_path, monkeypatch
):
    settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = True
    p12 = tmp_path / "demo.p12"
    p12.write_bytes(demo_p12())
    monkeypatch.setenv("EXTRACT_P12_PASSWORD", "faux")
    options = {"p12": str(p12), "password_env": "EXTRACT_P12_PASSWORD"}
    with pytest.raises(CommandError, match="mot de passe du certificat est incorrect"):
        call_command("sign_extract", adopted.number, user=secretariat.username, **options)
    with pytest.raises(CommandError, match="Aucune délibération ne porte le numéro « 99 B 9999 »"):
        call_command("sign_extract", "99 B 9999", user=secretariat.username, **options)
    assert stored(adopted) == ("", "")
    monkeypatch.setenv("EXTRACT_P12_PASSWORD", "demo")
    output, out = tmp_path / "extrait.pdf", io.StringIO()
    call_command(
        "sign_extract",
        adopted.number,
        user=secretariat.username,
        output=str(output),
        stdout=out,
        **options,
    )
    adopted.refresh_from_db()
    assert adopted.extract_sha256 in out.getvalue()
    assert hashlib.sha256(output.read_bytes()).hexdigest() == adopted.extract_sha256
