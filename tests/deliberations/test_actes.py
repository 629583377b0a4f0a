"""The @CTES exchange on a deliberation built with the factories: the archive's files and
refusals, the acknowledgment's import (by the service, the command and the page) and every
malformed or foreign acknowledgment refused with its French reason, nothing changed."""

import datetime
import io
import tarfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from deliberations import actes, services
from deliberations.models import ActClassification, Deliberation
from subventions.enums import Role
from subventions.models import Authority

pytestmark = pytest.mark.django_db

SESSION_DAY = datetime.date(2021, 4, 2)


@pytest.fixture
def classification(db):
    return ActClassification.objects.create(
        code="7.5", label="Subventions", version_date=datetime.date(2020, 1, 27)
    )


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat, classification):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    deliberation.classification = classification
    deliberation.save()
    return deliberation


@pytest.fixture
def transmitted(adopted, secretariat):
    services.deliberation_record_transmission(
        deliberation=adopted, sent_on=SESSION_DAY, user=secretariat
    )
    services.deliberation_record_display(
        deliberation=adopted, displayed_on=SESSION_DAY, user=secretariat
    )
    adopted.refresh_from_db()
    return adopted


def act_id(deliberation) -> str:
    return actes.act_identifier(deliberation, Authority.current())


def ar_xml(
    *,
    identifier: str,
    received: str = "2021-04-02",
    root: str = "ARActe",
    namespace: str = actes.NAMESPACE,
    internal: str | None = None,
) -> bytes:
    inner = (
        f'<actes:ActeRecu actes:NumeroInterne="{internal}" actes:CodeNatureActe="1" '
        f'actes:Date="2021-04-02"><actes:Objet>Objet</actes:Objet></actes:ActeRecu>'
        if internal
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<actes:{root} xmlns:actes="{namespace}" actes:IDActe="{identifier}" '
        f'actes:DateReception="{received}">{inner}</actes:{root}>'
    ).encode("latin-1")


def row(deliberation) -> dict:
    return Deliberation.objects.filter(pk=deliberation.pk).values().get()


def refused(call, message: str):
    with pytest.raises(ValidationError) as error:
        call()
    text = " ".join(error.value.messages)
    assert message in text, text
    return text


# The archive


def test_the_archive_names_its_files_and_counts_its_annexes(adopted):
    annexes = [b"%PDF-1.7 annexe un\n", b"%PDF-1.7 annexe deux\n"]
    transmission = actes.transmission(adopted, annexes=annexes)
    stem = f"059-200093201-20210402-{adopted.number.replace(' ', '')}-DE-1-1"
    assert transmission.name == f"{stem}.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(transmission.archive()), mode="r:gz") as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive}
    assert list(members) == [f"{stem}_0.xml", f"{stem}_1.pdf", f"{stem}_2.pdf", f"{stem}_3.pdf"]
    # Without an extract, the act sent is the frozen PDF, byte for byte.
    assert members[f"{stem}_1.pdf"] == adopted.frozen_pdf_bytes()
    assert members[f"{stem}_3.pdf"] == annexes[1]
    root = etree.fromstring(members[f"{stem}_0.xml"])
    ns = {"actes": actes.NAMESPACE}
    annex_block = root.find("actes:Annexes", ns)
    assert annex_block.get(f"{{{actes.NAMESPACE}}}Nombre") == "2"
    assert [e.text for e in annex_block.iterfind("actes:Annexe/actes:NomFichier", ns)] == [
        f"{stem}_2.pdf",
        f"{stem}_3.pdf",
    ]


def test_an_act_without_classification_is_not_exported(adopted):
    adopted.classification = None
    adopted.save()
    with pytest.raises(CommandError, match="n'a pas de classification"):
        call_command("export_actes", adopted.number, stdout=io.StringIO())


def test_a_draft_is_not_exported(make_subsidy, make_deliberation):
    draft = make_deliberation([make_subsidy()])
    with pytest.raises(CommandError, match="n'est pas adoptée"):
        call_command("export_actes", draft.number, stdout=io.StringIO())


def test_an_unknown_number_is_one_french_line(db):
    with pytest.raises(CommandError, match="Aucune délibération ne porte le numéro « 99 B 9999 »"):
        call_command("export_actes", "99 B 9999", stdout=io.StringIO())


def test_export_actes_writes_the_archive_where_asked(adopted, tmp_path):
    output = tmp_path / "envoi.tar.gz"
    call_command("export_actes", adopted.number, output=str(output), stdout=io.StringIO())
    with tarfile.open(output, mode="r:gz") as archive:
        assert len(archive.getnames()) == 2


# The acknowledgment


def test_the_acknowledgment_sets_the_reception_the_identifier_and_the_executory_date(
    transmitted, secretariat
):
    assert transmitted.executory_date is None  # displayed, not yet received
    identifier = act_id(transmitted)
    number = transmitted.number.replace(" ", "")
    actes.import_acknowledgment(ar_xml(identifier=identifier, internal=number), user=secretariat)
    transmitted.refresh_from_db()
    assert transmitted.prefecture_received_on == SESSION_DAY
    assert transmitted.prefecture_act_id == identifier
    assert transmitted.executory_date == SESSION_DAY
    assert {s.executory_on for s in transmitted.subsidies.all()} == {SESSION_DAY}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<actes:ARActe xmlns:actes=", "n'est pas un XML bien formé"),
        (b"", "Le fichier est vide"),
        (
            ar_xml(identifier="059-200093201-20210402-21B0001-DE", root="Acte"),
            "l'élément racine est « Acte »",
        ),
        (
            ar_xml(
                identifier="059-200093201-20210402-21B0001-DE", namespace="http://example.org/x"
            ),
            "n'est pas un accusé de réception @CTES",
        ),
        (
            ar_xml(identifier="059-123456789-20210402-21B0001-DE"),
            "concerne le SIREN 123456789, qui n'est pas celui de la collectivité (200093201)",
        ),
        (
            ar_xml(identifier="059-200093201-20210402-21B0002-DE"),
            "concerne l'acte 21B0002, et non la délibération 21 B 0001",
        ),
        (
            ar_xml(identifier="059-200093201-20210402-21B0001-DE", internal="21B0003"),
            "concerne l'acte 21B0003",
        ),
        (
            ar_xml(identifier="059-200093201-20210403-21B0001-DE"),
            "date l'acte du 03/04/2021, et non du 02/04/2021",
        ),
        (
            ar_xml(identifier="059-200093201-20210402-21B0001-DE", received="2021-04-01"),
            "le 01/04/2021 : il lui a été envoyé le 02/04/2021",
        ),
        (
            ar_xml(identifier="059-200093201-20210402-21B0001-DE", received="2021-13-01"),
            "n'est pas une date",
        ),
        (ar_xml(identifier="pas-un-identifiant"), "n'a pas la forme attendue"),
    ],
)
def test_a_malformed_or_foreign_acknowledgment_is_refused_and_changes_nothing(
    transmitted, secretariat, content, message
):
    assert transmitted.number == "21 B 0001"
    before = row(transmitted)
    refused(
        lambda: actes.import_acknowledgment(content, user=secretariat, deliberation=transmitted),
        message,
    )
    assert row(transmitted) == before


@pytest.mark.parametrize(
    "where, message",
    [
        ('actes:DateReception="&x;"/>', "n'est pas un XML bien formé"),
        (
            'actes:DateReception="2021-04-02"><actes:Objet>&x;</actes:Objet></actes:ARActe>',
            "DOCTYPE",
        ),
    ],
)
def test_an_external_entity_is_never_resolved(transmitted, secretariat, tmp_path, where, message):
    secret = tmp_path / "secret.txt"
    secret.write_text("2021-04-02")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<actes:ARActe xmlns:actes="{actes.NAMESPACE}" '
        f'actes:IDActe="{act_id(transmitted)}" {where}'
    ).encode()
    before = row(transmitted)
    refused(
        lambda: actes.import_acknowledgment(content, user=secretariat, deliberation=transmitted),
        message,
    )
    assert row(transmitted) == before


def test_an_acknowledgment_before_transmission_is_refused_by_the_service(adopted, secretariat):
    before = row(adopted)
    refused(
        lambda: actes.import_acknowledgment(ar_xml(identifier=act_id(adopted)), user=secretariat),
        services.NOT_TRANSMITTED,
    )
    assert row(adopted) == before


def test_import_ar_actes_records_it_and_refuses_in_one_french_line(
    transmitted, make_user, tmp_path
):
    user = make_user(Role.ASSEMBLY_SECRETARIAT, username="greffe")
    good, bad = tmp_path / "ar.xml", tmp_path / "bad.xml"
    good.write_bytes(ar_xml(identifier=act_id(transmitted)))
    bad.write_bytes(b"<pas du xml")
    with pytest.raises(CommandError, match="n'est pas un XML bien formé"):
        call_command("import_ar_actes", str(bad), user=user.username, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_ar_actes", str(good), user=user.username, stdout=out)
    assert "reçue le 02/04/2021" in out.getvalue()
    transmitted.refresh_from_db()
    assert transmitted.prefecture_received_on == SESSION_DAY


# The pages


def test_the_secretariat_downloads_the_archive_and_a_reader_may_not(
    client, adopted, secretariat, make_user
):
    url = reverse("deliberations:deliberation_actes_archive", args=[adopted.pk])
    client.force_login(make_user(Role.READER))
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert "059-200093201-20210402-21B0001-DE-1-1.tar.gz" in response["Content-Disposition"]
    page = client.get(reverse("deliberations:deliberation_detail", args=[adopted.pk]))
    assert url in page.content.decode()


def test_the_acknowledgment_is_uploaded_on_the_deliberation_page(client, transmitted, secretariat):
    url = reverse("deliberations:deliberation_acknowledgment_upload", args=[transmitted.pk])
    client.force_login(secretariat)
    before = row(transmitted)
    bad = SimpleUploadedFile("ar.xml", b"<oops", content_type="text/xml")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "n&#x27;est pas un XML bien formé" in response.content.decode()
    assert row(transmitted) == before
    good = SimpleUploadedFile("ar.xml", ar_xml(identifier=act_id(transmitted)))
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    transmitted.refresh_from_db()
    assert transmitted.prefecture_act_id == act_id(transmitted)
    assert transmitted.executory_date == SESSION_DAY


def test_a_subject_beyond_latin_1_survives_the_iso_8859_1_metadata(
    make_subsidy, make_deliberation, secretariat, classification
):
    title = "Soutien à l’œuvre « Tiers-lieu » — 35 000 €"
    deliberation = make_deliberation([make_subsidy()], title=title)
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    deliberation.classification = classification
    deliberation.save()
    xml = actes.transmission(deliberation).files[0].content
    assert b"encoding='ISO-8859-1'" in xml.splitlines()[0]
    root = etree.fromstring(xml)
    assert root.findtext(f"{{{actes.NAMESPACE}}}Objet") == title
