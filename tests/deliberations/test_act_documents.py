"""The documents of 21 B 0110 after load_demo: its register extract (every element the
prefecture needs, the adopted text unchanged, the authority's PAdES signature validating)
and its @CTES transmission archive (file names, metadata XML).

The demo is loaded once for the module, inside a transaction rolled back at the end.
"""

import datetime
import hashlib
import io
import shutil
import subprocess
import tarfile

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from lxml import etree

from core import signing
from deliberations import actes, extract
from deliberations.models import Deliberation
from tests.core.pdfa import assert_pdfa_3b

from .conftest import normalise

REAL_PDF = True

pytestmark = [
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext absent"),
    pytest.mark.django_db,
]


def demo_p12() -> bytes:
    with override_settings(SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True):
        return signing.create_demo_certificate(
            common_name="Damien Castelain", organisation="MEL", password="demo"
        )


def pdftotext(content: bytes, folder) -> str:
    path = folder / "extract.pdf"
    path.write_bytes(content)
    return normalise(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    )


@pytest.fixture(scope="module")
def signed(django_db_setup, django_db_blocker, tmp_path_factory):
    """load_demo, then the secretariat signs the extract of 21 B 0110 (once for the module)."""
    folder = tmp_path_factory.mktemp("extract")
    facts = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=folder / "media",
            PRIVATE_MEDIA_ROOT=folder / "private",
            DEBUG=True,
            SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True,
        ),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        deliberation = Deliberation.objects.get(number="21 B 0110")
        facts["text_before"], facts["sha_before"] = deliberation.text, deliberation.pdf_sha256
        facts["html"] = deliberation.html
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="secretariat")
        deliberation = extract.deliberation_sign_extract(
            deliberation=deliberation, user=user, p12=demo_p12(), password="demo"
        )
        deliberation.refresh_from_db()
        facts["content"] = extract.extract_bytes(deliberation)
        facts["sha"] = deliberation.extract_sha256
        facts["text_after"], facts["sha_after"] = deliberation.text, deliberation.pdf_sha256
        facts["deliberation"] = deliberation
        facts["summary"] = deliberation.session.attendance_summary()
        facts["text"] = pdftotext(facts["content"], folder)
        archive = folder / "archive.tar.gz"
        out = io.StringIO()
        call_command("export_actes", "21 B 0110", output=str(archive), stdout=out)
        facts["export_output"] = out.getvalue()
        facts["archive"] = archive.read_bytes()
        facts["classification"] = deliberation.classification
        facts["title"] = deliberation.title
        transaction.set_rollback(True)
    return facts


def test_the_extract_shows_every_element_of_the_register(signed):
    text = signed["text"]
    summary = signed["summary"]
    holder = dict(summary.represented_members)
    represented = summary.represented_members[0][0]
    assert summary.in_office and summary.present and summary.represented  # the demo's sheet
    for expected in [
        # The authority, the register, the session.
        "Métropole Européenne de Lille",
        "Extrait du registre des délibérations du Bureau",
        "Séance du vendredi 2 avril 2021 à 14 h 00, Siège de la MEL, Lille",
        "Convocation adressée le 26/03/2021",
        "Président(e) de séance : M. Damien CASTELAIN",
        "Secrétaire de séance : Mme Sophie DERUYCK",
        # Members in office, present, represented; the quorum.
        "Membres en exercice Présents Représentés Absents ou excusés",
        f"{summary.in_office} {summary.present} {summary.represented}",
        summary.sentence,
        f"{summary.present_members[0]},",
        f"{represented} (pouvoir à {holder[represented]})",
        # The act and its vote.
        "Délibération n° 21 B 0110",
        "DEVELOPPEMENT ECONOMIQUE ET EMPLOI",
        "Résultat du vote : ADOPTÉ À L'UNANIMITÉ",
        # Certification and signature.
        "Pour extrait conforme",
        f"Fait à Lille, le {datetime.date.today():%d/%m/%Y}",
        "Damien Castelain Président",
        "Signé électroniquement par Damien Castelain",
        # The stamp of the exchanges, and the executory date.
        "Envoyé en préfecture le 02/04/2021 — Reçu en préfecture le 02/04/2021 — "
        "Affiché le 02/04/2021 — ID : 059-200093201-20210402-21B0110-DE",
        "Acte certifié exécutoire au 02/04/2021",
    ]:
        assert normalise(expected) in text, expected


def test_the_extract_reproduces_the_adopted_text_which_stays_unchanged(signed):
    assert (signed["text_after"], signed["sha_after"]) == (
        signed["text_before"],
        signed["sha_before"],
    )
    # The financing paragraph of the reference, as frozen.
    assert (
        "La MEL participe ainsi à hauteur de 4,6 % du budget prévisionnel global" in signed["text"]
    )


def test_the_extract_signature_validates_and_covers_the_whole_file(signed):
    [report] = signing.verify_pdf(signed["content"])
    assert report.ok and report.covers_whole_file
    assert report.field == extract.SIGNATURE_FIELD
    assert report.signer == "Damien Castelain"
    assert hashlib.sha256(signed["content"]).hexdigest() == signed["sha"]


def test_the_extract_is_a_pdf_a_3b(signed):
    assert_pdfa_3b(signed["content"])


# The @CTES archive

STEM = "059-200093201-20210402-21B0110-DE-1-1"


def archive_members(content: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive}


def test_the_archive_holds_the_metadata_then_the_signed_extract(signed):
    members = archive_members(signed["archive"])
    assert list(members) == [
        "059-200093201-20210402-21B0110-DE-1-1_0.xml",
        "059-200093201-20210402-21B0110-DE-1-1_1.pdf",
    ]
    # The act sent is the signed extract, since there is one.
    assert members[f"{STEM}_1.pdf"] == signed["content"]
    assert "(2 fichiers)" in signed["export_output"]


def test_the_archive_metadata_is_a_well_formed_actes_acte_with_every_element(signed):
    xml = archive_members(signed["archive"])[f"{STEM}_0.xml"]
    assert xml.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    root = etree.fromstring(xml)
    ns = {"actes": actes.NAMESPACE}

    def attribute(element, name):
        return element.get(f"{{{actes.NAMESPACE}}}{name}")

    assert root.tag == f"{{{actes.NAMESPACE}}}Acte"
    assert attribute(root, "Date") == "2021-04-02"
    assert attribute(root, "NumeroInterne") == "21B0110"
    assert attribute(root, "CodeNatureActe") == "1"
    assert attribute(root.find("actes:CodeMatiere1", ns), "CodeMatiere") == "7"
    assert attribute(root.find("actes:CodeMatiere2", ns), "CodeMatiere") == "5"
    assert signed["classification"].code.startswith("7.5")
    assert root.findtext("actes:Objet", namespaces=ns) == signed["title"]
    assert root.findtext("actes:ClassificationDateVersion", namespaces=ns) == (
        signed["classification"].version_date.isoformat()
    )
    assert root.findtext("actes:Document/actes:NomFichier", namespaces=ns) == f"{STEM}_1.pdf"
    annexes = root.find("actes:Annexes", ns)
    assert attribute(annexes, "Nombre") == "0" and len(annexes) == 0
    # The order of the ACTES v1.1 schema.
    assert [etree.QName(child).localname for child in root] == [
        "CodeMatiere1",
        "CodeMatiere2",
        *(["CodeMatiere3"] if len(signed["classification"].levels) > 2 else []),
        "Objet",
        "ClassificationDateVersion",
        "Document",
        "Annexes",
        "DocumentPapier",
    ]
