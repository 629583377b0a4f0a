"""The APES 2021 agreement after load_demo: its PDF, signed with the demo certificate,
verified by verify_pdf and by pyHanko, and the same file with one byte changed refused.

Everything heavy (demo, PDF, signature) is done once for the module, inside a
transaction rolled back at the end.
"""

import datetime
import hashlib
import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from conventions import (
    rendering as agreement_rendering,
)
from conventions import signatures
from conventions.enums import AgreementStatus, SignatureMethod
from conventions.models import Agreement
from pilotage import demo
from subventions.enums import SubsidyStatus
from tests.core.pdfa import assert_pdfa_3b
from tests.deliberations.conftest import normalise

pytestmark = pytest.mark.django_db

AXES = [
    "Appui aux porteurs métropolitains et soutien aux actions territoriales",
    "Amélioration des pratiques",
    "Commande publique",
    "Immobilier d'activités et économie solidaire",
    "Dynamique autour de la production locale",
]


def pdftotext(path) -> str:
    return normalise(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    )


@pytest.fixture(scope="module")
def apes(django_db_setup, django_db_blocker, tmp_path_factory):
    """Files and facts of the demo agreement: unsigned PDF, signed PDF, tampered copy."""
    folder = tmp_path_factory.mktemp("agreement")
    facts = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=folder / "media",
            PRIVATE_MEDIA_ROOT=folder / "private",
            SUBVENTIONS_ALLOW_DEMO_CERTIFICATE=True,
        ),
        transaction.atomic(),
    ):
        loaded = demo.load()
        demo.load()  # idempotent: still one agreement a year (2020 signed, 2021 ready)
        agreement = Agreement.objects.get(subsidy=loaded["subsidy_2021"])
        facts["agreements"] = Agreement.objects.filter(subsidy=loaded["subsidy_2021"]).count()
        signed_2020 = Agreement.objects.get(subsidy=loaded["subsidy_2020"])
        facts["signed_2020"] = (
            signed_2020.is_signed_by_both,
            signed_2020.signature_method,
            signed_2020.subsidy.status,
        )
        facts["ready"] = agreement.status
        facts["siret"] = loaded["beneficiary"].siret
        unsigned = folder / "unsigned.pdf"
        call_command(
            "render_agreement", agreement.number, output=str(unsigned), stdout=io.StringIO()
        )
        facts["unsigned"] = unsigned
        # The beneficiary signs first; the authority's signature puts it in force.
        signatures.document_record_beneficiary_signature(
            document=agreement, user=loaded["users"]["secretariat"], signed_on=datetime.date.today()
        )
        p12 = folder / "demo.p12"
        call_command("create_demo_certificate", output=str(p12), stdout=io.StringIO())
        facts["p12"] = p12.read_bytes()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DEMO_P12_PASSWORD", "demo")
            call_command(
                "sign_agreement",
                agreement.number,
                p12=str(p12),
                password_env="DEMO_P12_PASSWORD",
                # The 2021 agreement is signed today: a late signature, confirmed.
                confirm_reason="Démonstration : convention 2021 signée aujourd'hui.",
                stdout=io.StringIO(),
            )
        agreement.refresh_from_db()
        facts["status"] = agreement.status
        facts["method"] = agreement.signature_method
        facts["sha256"] = agreement.signed_pdf_sha256
        facts["subsidy_status"] = agreement.subsidy.status
        signed = folder / "signed.pdf"
        call_command("render_agreement", agreement.number, output=str(signed), stdout=io.StringIO())
        facts["signed"] = signed
        facts["rendered_again"] = agreement_rendering.render_pdf(agreement)
        content = bytearray(signed.read_bytes())
        middle = len(content) // 3
        content[middle] = (content[middle] + 1) % 256
        tampered = folder / "tampered.pdf"
        tampered.write_bytes(bytes(content))
        facts["tampered"] = tampered
        transaction.set_rollback(True)
    return facts


def test_demo_prepares_the_apes_agreement_ready_for_signature(apes):
    assert apes["agreements"] == 1
    assert apes["ready"] == AgreementStatus.READY


def test_demo_2020_agreement_is_signed_by_both_on_paper(apes):
    assert apes["signed_2020"] == (True, "papier", "soldee")


@pytest.mark.parametrize("which", ["unsigned", "signed"])
def test_the_pdf_holds_the_figures_of_the_reference(apes, which):
    text = pdftotext(apes[which])
    for expected in [
        "trente-cinq mille euros (35 000 €)",
        "21 B 0110",
        "dûment habilité par la délibération n° 21 B 0110 du Bureau du 2 avril 2021",
        "4,6 %",
        apes["siret"],
        "30 juin 2022",
        "Tribunal administratif de Lille",
        "Fait à Lille, le",
        "FR76 3000 6000 0112 3456 7890 189",
        "Cerfa n° 15059",
        "page 1 / 3",
        *AXES,
    ]:
        assert normalise(expected) in text, expected
    # Requested in 2021: the contrat d'engagement républicain (2022) is not cited.
    assert "2021-1109" not in text


def test_the_pdf_is_a4(apes):
    reader = PdfFileReader(io.BytesIO(apes["unsigned"].read_bytes()))
    box = [float(v) for v in reader.root["/Pages"]["/Kids"][0]["/MediaBox"]]
    assert (round(box[2]), round(box[3])) == (595, 842)


def test_signed_by_the_authority_it_is_in_force_and_served_as_kept(apes):
    assert apes["status"] == AgreementStatus.IN_FORCE
    assert apes["method"] == SignatureMethod.ELECTRONIC
    signed = apes["signed"].read_bytes()
    assert hashlib.sha256(signed).hexdigest() == apes["sha256"]
    assert apes["rendered_again"] == signed
    # Both parties have signed (the beneficiary first): the subsidy is « conventionnée ».
    assert apes["subsidy_status"] == SubsidyStatus.AGREEMENT_SIGNED


def test_verify_pdf_reports_the_intact_signature(apes):
    out = io.StringIO()
    call_command("verify_pdf", str(apes["signed"]), stdout=out)
    report = out.getvalue()
    assert "intacte" in report
    assert "signataire : Damien Castelain" in report
    assert "signée le : " in report


def test_pyhanko_validates_the_signature_in_the_authority_block(apes):
    reader = PdfFileReader(io.BytesIO(apes["signed"].read_bytes()))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signature.signer_cert])
    )
    assert status.intact and status.valid
    assert status.signing_cert.subject.native["common_name"] == "Damien Castelain"
    # Visible, on the last page (where the signature blocks are), with a real size.
    field = signature.sig_field
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 50
    last_page = reader.root["/Pages"]["/Kids"][-1]
    assert field["/P"].idnum == last_page.idnum if hasattr(field["/P"], "idnum") else True


def test_one_byte_changed_fails_verify_pdf_and_pyhanko(apes):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_pdf", str(apes["tampered"]), stdout=out)
    assert "n'est pas intacte" in str(error.value)
    assert "ALTÉRÉE" in out.getvalue()
    reader = PdfFileReader(io.BytesIO(apes["tampered"].read_bytes()), strict=False)
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signature.signer_cert])
    )
    assert not status.intact


def test_verify_pdf_exit_status_is_1_when_altered(apes, tmp_path):
    """The command as a process: exit 1, one French line on stderr."""
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "verify_pdf", str(apes["tampered"])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "n'est pas intacte" in result.stderr


def test_render_agreement_unknown_reference_is_one_french_line(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("render_agreement", "CONV-1999-9999", output=str(tmp_path / "x.pdf"))
    assert (
        str(error.value) == "Aucune convention ni aucun avenant ne correspond à « CONV-1999-9999 »."
    )


def test_the_signed_agreement_is_a_pdf_a_3b_with_every_font_embedded(apes):
    assert_pdfa_3b(apes["signed"].read_bytes())
