"""The register extract (« Extrait du registre des délibérations »): what the prefecture
receives, signed by the authority.

The adopted text is reproduced as it was frozen (Deliberation.html, byte for byte), framed
by what the register adds: the authority, the session and its attendance, the quorum,
« Pour extrait conforme », the signatory and the authority's PAdES signature, in a visible
signature field (core.signing, the agreements' service). The extract is a new document,
with its own SHA-256 (extract_pdf, extract_sha256); the frozen act is never touched.

Once the act has left for the prefecture, an extract signed again carries the stamp of
its exchanges: « Envoyé en préfecture le … — Reçu en préfecture le … — Publié le … —
ID : … » and « Acte certifié exécutoire au … ». The stored extract is the last one signed
(the history keeps the earlier files' names and hashes).
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import signing
from core.formatting import short_date
from core.pdf import element_box, render_document, write_archival_pdf
from core.services import save_validated
from subventions.roles import allowed

from . import services
from .enums import DeliberationStatus
from .models import Deliberation
from .permissions import SECRETARIAT_ONLY

EXTRACT_TEMPLATE = "deliberations/pdf/extract.html"
SIGNATURE_BOX_ID = "extract-signature-box"
SIGNATURE_FIELD = "SignatureExtrait"

EXTRACT_NOT_ADOPTED = (
    "La délibération {number} n'est pas adoptée : seul un acte adopté a un extrait du registre."
)
EXTRACT_NO_AUTHORITY = (
    "La collectivité n'est pas enregistrée (nom, SIRET, président) : l'extrait ne peut être signé."
)
EXTRACT_NOT_STORED = "La délibération {number} n'a pas encore d'extrait signé."
EXTRACT_TAMPERED = "L'extrait enregistré ne correspond plus à son empreinte SHA-256."


def _member(member) -> str:
    return str(member) if member else ""


def stamp_lines(deliberation: Deliberation) -> list[str]:
    """The lines of the stamp, once the act has left for the prefecture (else none)."""
    if not (deliberation.transmitted_on or deliberation.prefecture_received_on):
        return []
    parts = []
    if deliberation.transmitted_on:
        parts.append(f"Envoyé en préfecture le {short_date(deliberation.transmitted_on)}")
    if deliberation.prefecture_received_on:
        parts.append(f"Reçu en préfecture le {short_date(deliberation.prefecture_received_on)}")
    if deliberation.published_on:
        parts.append(f"Publié le {short_date(deliberation.published_on)}")
    elif deliberation.displayed_on:
        parts.append(f"Affiché le {short_date(deliberation.displayed_on)}")
    if deliberation.prefecture_act_id:
        parts.append(f"ID : {deliberation.prefecture_act_id}")
    return [" — ".join(parts)]


def extract_context(deliberation: Deliberation, *, signed_on: datetime.date) -> dict:
    """Everything the extract shows, as plain values."""
    authority = services.act_authority(deliberation)
    session = deliberation.session
    summary = session.attendance_summary()
    return {
        "number": deliberation.number,
        "authority_name": authority.name,
        "logo_url": authority.logo.url if authority.logo else "",
        "seat_city": authority.seat_city,
        "signatory_name": authority.president_name,
        "signatory_title": authority.president_title,
        "body_label": session.get_body_display(),
        "session_date": session.date,
        "session_time": session.time,
        "session_place": session.place,
        "convened_on": session.convened_on,
        "session_president": _member(session.president),
        "session_secretary": _member(session.secretary),
        "attendance": {
            "in_office": summary.in_office,
            "present": summary.present,
            "represented": summary.represented,
            "absent": summary.absent + summary.excused,
            "quorum_sentence": summary.sentence,
            "present_members": [str(member) for member in summary.present_members],
            "represented_members": [
                {"member": str(member), "holder": _member(holder)}
                for member, holder in summary.represented_members
            ],
        },
        "policy_area": deliberation.policy_area.label,
        "title": deliberation.title,
        # The adopted text, as frozen: never rendered again.
        "body_html": deliberation.html,
        "signed_on": signed_on,
        "stamp_lines": stamp_lines(deliberation),
        "executory_date": deliberation.executory_date,
        "signature_box_id": SIGNATURE_BOX_ID,
    }


def build_extract(deliberation: Deliberation, *, signed_on: datetime.date):
    """The unsigned extract (PDF/A-3b) and where its signature goes: (bytes, page, box)."""
    document = render_document(EXTRACT_TEMPLATE, extract_context(deliberation, signed_on=signed_on))
    page, box = element_box(document, SIGNATURE_BOX_ID)
    return write_archival_pdf(document), page, box


@transaction.atomic
def deliberation_sign_extract(
    *, deliberation: Deliberation, user, p12: bytes, password: str
) -> Deliberation:
    """Build the register extract of an adopted act, sign it as PAdES with the authority's
    certificate and store it with its SHA-256 (replacing the previous extract)."""
    if not allowed(user, "manage_sessions"):
        raise ValidationError(SECRETARIAT_ONLY, code="permission")
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if deliberation.status != DeliberationStatus.ADOPTED or not deliberation.html:
        raise ValidationError(
            EXTRACT_NOT_ADOPTED.format(number=deliberation.number), code="not_adopted"
        )
    authority = services.act_authority(deliberation)
    if authority is None:
        raise ValidationError(EXTRACT_NO_AUTHORITY, code="authority")
    signer = signing.load_signer(p12, password)
    content, page, box = build_extract(deliberation, signed_on=timezone.localdate())
    signed = signing.sign_pdf(
        content,
        signer=signer,
        page=page,
        box=box,
        reason=f"Pour extrait conforme de la délibération {deliberation.number}",
        location=authority.seat_city,
        field_name=SIGNATURE_FIELD,
    )
    deliberation.extract_sha256 = hashlib.sha256(signed).hexdigest()
    name = f"{deliberation.number.replace(' ', '')}-extrait-{deliberation.extract_sha256[:12]}.pdf"
    deliberation.extract_pdf.save(name, ContentFile(signed), save=False)
    return save_validated(deliberation, user)


def extract_bytes(deliberation: Deliberation) -> bytes:
    """The stored signed extract, refused if it no longer matches its SHA-256."""
    if not deliberation.extract_pdf:
        raise ValidationError(EXTRACT_NOT_STORED.format(number=deliberation.number), code="missing")
    with deliberation.extract_pdf.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != deliberation.extract_sha256:
        raise ValidationError(EXTRACT_TAMPERED, code="tampered")
    return content
