"""The @CTES exchange with the prefecture (contrôle de légalité), protocol ACTES v1.1.

Outbound: `transmission_archive` builds what a transmission platform (S²LOW and the like)
takes: a tar.gz holding the act's metadata (`…_0.xml`, root `actes:Acte`), the act itself
(`…_1.pdf`: the signed register extract when there is one, else the frozen act) and its
annexes (`…_2.pdf`, `…_3.pdf`…), every file named
`DEP-SIREN-YYYYMMDD-NUMERO-NATURE-1-1_n` (« 1-1 »: a transmission of an act).

Inbound: `parse_acknowledgment` reads the prefecture's acknowledgment (`actes:ARActe`,
with `actes:IDActe` and `actes:DateReception`) without resolving any entity nor fetching
anything (no XXE), and `import_acknowledgment` checks it belongs to this authority and to
this act before recording it (deliberations.services.deliberation_record_acknowledgment).
Every refusal is one French sentence, and a refused file changes nothing.
"""

import datetime
import io
import re
import tarfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from lxml import etree

from core.formatting import short_date

from . import extract, rendering, services
from .enums import DeliberationStatus
from .models import Deliberation

NAMESPACE = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
INSEE_NAMESPACE = "http://xml.insee.fr/schema"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NAMESPACE} actesv1_1.xsd"
# The encoding the platforms write and expect (S²LOW's generator).
XML_ENCODING = "ISO-8859-1"
# CodeNatureActe → the two letters of the file names and of the act's identifier.
NATURE_LETTERS = {"1": "DE", "2": "AR", "3": "AI", "4": "CC", "5": "BF", "6": "AU"}
TRANSMISSION = "1-1"
# The largest acknowledgment read: a real one is a few hundred bytes.
ACKNOWLEDGMENT_MAX_BYTES = 1024 * 1024

NOT_ADOPTED = (
    "La délibération {number} n'est pas adoptée : seul un acte adopté se transmet en préfecture."
)
NO_CLASSIFICATION = (
    "La délibération {number} n'a pas de classification (matière, par exemple 7.5 "
    "Subventions) : choisissez-la avant de la transmettre."
)
NO_AUTHORITY = "La collectivité n'est pas enregistrée : l'acte ne peut être transmis."
NO_SIREN = "Le SIRET de la collectivité est incomplet : le SIREN nomme chaque fichier transmis."
NO_DEPARTEMENT = (
    "Le département de la collectivité est inconnu (code du département ou code postal) : "
    "il nomme chaque fichier transmis."
)

AR_EMPTY = "Le fichier est vide : déposez l'accusé de réception XML de la préfecture."
AR_TOO_LARGE = "Le fichier est trop volumineux pour un accusé de réception (1 Mo au plus)."
AR_MALFORMED = "L'accusé de réception n'est pas un XML bien formé ({detail})."
AR_DOCTYPE = "L'accusé de réception contient une déclaration DOCTYPE : fichier refusé."
AR_FOREIGN = (
    "Ce fichier n'est pas un accusé de réception @CTES : l'élément racine est « {root} », "
    "et non actes:ARActe de l'espace de noms {namespace}."
)
AR_MISSING = "L'accusé de réception n'indique pas {what}."
AR_BAD_ID = (
    "L'identifiant de l'acte « {value} » n'a pas la forme attendue "
    "(département-SIREN-AAAAMMJJ-numéro-nature, par exemple 059-200093201-20210402-21B0110-DE)."
)
AR_BAD_DATE = "La date de réception « {value} » n'est pas une date (AAAA-MM-JJ)."
AR_FOREIGN_SIREN = (
    "L'accusé de réception concerne le SIREN {siren}, qui n'est pas celui de la collectivité "
    "({expected})."
)
AR_UNKNOWN_ACT = "Aucune délibération ne porte le numéro {number} de l'accusé de réception."
AR_WRONG_ACT = "L'accusé de réception concerne l'acte {received}, et non la délibération {number}."
AR_WRONG_DATE = (
    "L'accusé de réception date l'acte du {received}, et non du {expected} (date de la séance)."
)
AR_WRONG_NATURE = "L'accusé de réception concerne un acte de nature {received}, et non {expected}."
AR_BEFORE_TRANSMISSION = (
    "La préfecture ne peut avoir reçu l'acte le {received} : il lui a été envoyé le {sent}."
)

_ACT_ID = re.compile(
    r"^(?P<departement>[0-9]{3}|0[0-9][AB])-(?P<siren>[0-9]{9})-(?P<date>[0-9]{8})-"
    r"(?P<number>[A-Za-z0-9_]+)-(?P<nature>[A-Z]{2})$"
)
_COMPACT_NUMBER = re.compile(r"^(?P<year>[0-9]{2})(?P<body>[BC])(?P<sequence>[0-9]{4})$")


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def compact_number(number: str) -> str:
    """« 21 B 0110 » → « 21B0110 » (actes:NumeroInterne: letters, digits and _ only)."""
    return number.replace(" ", "")


def spaced_number(compact: str) -> str | None:
    """« 21B0110 » → « 21 B 0110 », or None if it is not one of our numbers."""
    match = _COMPACT_NUMBER.match(compact)
    if match is None:
        return None
    return f"{match['year']} {match['body']} {match['sequence']}"


def act_date(deliberation: Deliberation) -> datetime.date:
    """The date of the decision: the session's."""
    return deliberation.session.date


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class Transmission:
    """What is sent: the archive's name and its files, metadata first."""

    name: str
    files: list[ArchiveFile]
    act_identifier: str

    def archive(self) -> bytes:
        """The tar.gz the platform takes (files at its root, in order)."""
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.USTAR_FORMAT) as archive:
            for item in self.files:
                info = tarfile.TarInfo(item.name)
                info.size = len(item.content)
                info.mode = 0o644
                info.mtime = 0
                archive.addfile(info, io.BytesIO(item.content))
        return buffer.getvalue()


def _checked(deliberation: Deliberation):
    """The authority of an act that may be transmitted; refusals in French."""
    if deliberation.status != DeliberationStatus.ADOPTED:
        raise ValidationError(NOT_ADOPTED.format(number=deliberation.number), code="not_adopted")
    if deliberation.classification is None:
        raise ValidationError(
            NO_CLASSIFICATION.format(number=deliberation.number), code="classification"
        )
    authority = services.act_authority(deliberation)
    if authority is None:
        raise ValidationError(NO_AUTHORITY, code="authority")
    if not re.fullmatch(r"[0-9]{9}", authority.siren or ""):
        raise ValidationError(NO_SIREN, code="siren")
    if not authority.departement:
        raise ValidationError(NO_DEPARTEMENT, code="departement")
    return authority


def act_identifier(deliberation: Deliberation, authority) -> str:
    """What the prefecture's acknowledgment will call the act:
    « 059-200093201-20210402-21B0110-DE »."""
    letters = NATURE_LETTERS[deliberation.nature_code]
    return (
        f"{authority.departement}-{authority.siren}-{act_date(deliberation):%Y%m%d}-"
        f"{compact_number(deliberation.number)}-{letters}"
    )


def metadata_xml(
    deliberation: Deliberation, *, document_name: str, annex_names: list[str]
) -> bytes:
    """The actes:Acte of the transmission, in the order of the ACTES v1.1 schema."""
    classification = deliberation.classification
    root = etree.Element(
        _q("Acte"),
        nsmap={"actes": NAMESPACE, "insee": INSEE_NAMESPACE, "xsi": XSI_NAMESPACE},
    )
    root.set(f"{{{XSI_NAMESPACE}}}schemaLocation", SCHEMA_LOCATION)
    root.set(_q("Date"), act_date(deliberation).isoformat())
    root.set(_q("NumeroInterne"), compact_number(deliberation.number))
    root.set(_q("CodeNatureActe"), deliberation.nature_code)
    for level, code in enumerate(classification.levels[:5], start=1):
        etree.SubElement(root, _q(f"CodeMatiere{level}")).set(_q("CodeMatiere"), code)
    etree.SubElement(root, _q("Objet")).text = deliberation.title
    etree.SubElement(
        root, _q("ClassificationDateVersion")
    ).text = classification.version_date.isoformat()
    document = etree.SubElement(root, _q("Document"))
    etree.SubElement(document, _q("NomFichier")).text = document_name
    annexes = etree.SubElement(root, _q("Annexes"))
    annexes.set(_q("Nombre"), str(len(annex_names)))
    for name in annex_names:
        annex = etree.SubElement(annexes, _q("Annexe"))
        etree.SubElement(annex, _q("NomFichier")).text = name
    # Everything is sent electronically: no paper document follows.
    etree.SubElement(root, _q("DocumentPapier")).text = "N"
    return etree.tostring(root, xml_declaration=True, encoding=XML_ENCODING, pretty_print=True)


def act_pdf(deliberation: Deliberation) -> bytes:
    """The act sent: the signed register extract when there is one, else the frozen act."""
    if deliberation.extract_pdf:
        return extract.extract_bytes(deliberation)
    return rendering.render_pdf(deliberation)


def transmission(deliberation: Deliberation, *, annexes: list[bytes] = ()) -> Transmission:
    """The files of the act's transmission (annexes: PDFs sent with it, 0 to n; a
    deliberation granting subsidies has none today: its agreements come after the vote)."""
    authority = _checked(deliberation)
    identifier = act_identifier(deliberation, authority)
    stem = f"{identifier}-{TRANSMISSION}"
    document_name = f"{stem}_1.pdf"
    annex_names = [f"{stem}_{index}.pdf" for index in range(2, len(annexes) + 2)]
    files = [
        ArchiveFile(
            f"{stem}_0.xml",
            metadata_xml(deliberation, document_name=document_name, annex_names=annex_names),
        ),
        ArchiveFile(document_name, act_pdf(deliberation)),
        *(ArchiveFile(name, content) for name, content in zip(annex_names, annexes, strict=True)),
    ]
    return Transmission(name=f"{stem}.tar.gz", files=files, act_identifier=identifier)


# The acknowledgment (accusé de réception)


@dataclass(frozen=True)
class Acknowledgment:
    act_id: str
    received_on: datetime.date
    departement: str
    siren: str
    act_date: datetime.date
    number: str  # compact, as in the identifier: « 21B0110 »
    nature: str  # two letters: « DE »
    internal_number: str  # actes:ActeRecu/@actes:NumeroInterne, when the file has it


def _parser() -> etree.XMLParser:
    # No entity is expanded, no DTD loaded, nothing fetched: an XXE cannot happen.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValidationError(AR_BAD_DATE.format(value=value), code="date") from error


def parse_acknowledgment(content: bytes) -> Acknowledgment:
    """The acknowledgment's facts, or ValidationError with its French reason."""
    if not content or not content.strip():
        raise ValidationError(AR_EMPTY, code="empty")
    if len(content) > ACKNOWLEDGMENT_MAX_BYTES:
        raise ValidationError(AR_TOO_LARGE, code="too_large")
    try:
        tree = etree.parse(io.BytesIO(content), _parser())
    except etree.XMLSyntaxError as error:
        detail = f"ligne {error.lineno}" if error.lineno else "syntaxe"
        raise ValidationError(AR_MALFORMED.format(detail=detail), code="malformed") from error
    if tree.docinfo.doctype:
        raise ValidationError(AR_DOCTYPE, code="doctype")
    root = tree.getroot()
    if root.tag != _q("ARActe"):
        shown = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise ValidationError(AR_FOREIGN.format(root=shown, namespace=NAMESPACE), code="foreign")
    act_id = (root.get(_q("IDActe")) or "").strip()
    received = (root.get(_q("DateReception")) or "").strip()
    if not act_id:
        raise ValidationError(AR_MISSING.format(what="l'identifiant de l'acte (IDActe)"))
    if not received:
        raise ValidationError(AR_MISSING.format(what="la date de réception (DateReception)"))
    match = _ACT_ID.match(act_id)
    if match is None:
        raise ValidationError(AR_BAD_ID.format(value=act_id), code="act_id")
    try:
        act_day = datetime.datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError as error:
        raise ValidationError(AR_BAD_ID.format(value=act_id), code="act_id") from error
    received_act = root.find(_q("ActeRecu"))
    internal = received_act.get(_q("NumeroInterne"), "") if received_act is not None else ""
    return Acknowledgment(
        act_id=act_id,
        received_on=_date(received),
        departement=match["departement"],
        siren=match["siren"],
        act_date=act_day,
        number=match["number"],
        nature=match["nature"],
        internal_number=internal.strip(),
    )


def _find_deliberation(acknowledgment: Acknowledgment) -> Deliberation:
    number = spaced_number(acknowledgment.number)
    deliberation = Deliberation.objects.filter(number=number).first() if number else None
    if deliberation is None:
        raise ValidationError(
            AR_UNKNOWN_ACT.format(number=acknowledgment.number), code="unknown_act"
        )
    return deliberation


def check_acknowledgment(acknowledgment: Acknowledgment, deliberation: Deliberation) -> None:
    """Refuse an acknowledgment that is not this authority's, or not this act's."""
    compact = compact_number(deliberation.number)
    for received in (acknowledgment.number, acknowledgment.internal_number):
        if received and received != compact:
            raise ValidationError(
                AR_WRONG_ACT.format(received=received, number=deliberation.number),
                code="wrong_act",
            )
    authority = services.act_authority(deliberation)
    expected = authority.siren if authority else ""
    if acknowledgment.siren != expected:
        raise ValidationError(
            AR_FOREIGN_SIREN.format(siren=acknowledgment.siren, expected=expected or "?"),
            code="foreign_siren",
        )
    if deliberation.session and acknowledgment.act_date != act_date(deliberation):
        raise ValidationError(
            AR_WRONG_DATE.format(
                received=short_date(acknowledgment.act_date),
                expected=short_date(act_date(deliberation)),
            ),
            code="wrong_date",
        )
    letters = NATURE_LETTERS.get(deliberation.nature_code, "")
    if acknowledgment.nature != letters:
        raise ValidationError(
            AR_WRONG_NATURE.format(received=acknowledgment.nature, expected=letters),
            code="wrong_nature",
        )
    sent = deliberation.transmitted_on
    if sent and acknowledgment.received_on < sent:
        raise ValidationError(
            AR_BEFORE_TRANSMISSION.format(
                received=short_date(acknowledgment.received_on), sent=short_date(sent)
            ),
            code="before_transmission",
        )


def import_acknowledgment(
    content: bytes, *, user, deliberation: Deliberation | None = None
) -> Deliberation:
    """Parse, check and record the prefecture's acknowledgment; the act is the one named
    by the file, or, from a deliberation's page, must be that one."""
    acknowledgment = parse_acknowledgment(content)
    if deliberation is None:
        deliberation = _find_deliberation(acknowledgment)
    check_acknowledgment(acknowledgment, deliberation)
    return services.deliberation_record_acknowledgment(
        deliberation=deliberation,
        act_id=acknowledgment.act_id,
        received_on=acknowledgment.received_on,
        user=user,
    )
