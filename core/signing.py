"""Electronic signatures (PAdES, pyHanko), for every signed document of the project (the
agreements, the register extracts): sign a PDF, report on a PDF's signatures, make a
self-signed demo certificate, and check that an uploaded file really is a PDF.

Signing draws a visible signature in the box the caller's layout reserves (its page and
its rectangle in PDF points). The stamp's text is set in DejaVu Sans, the documents' font,
embedded in the PDF: pyHanko's default Courier is not embedded, and an archival (PDF/A)
document must embed every font it uses. Verification says, for each signature, whether
the signed bytes are intact, who signed and when; trust in the certificate is a separate
question (a self-signed demo certificate is intact but not trusted).
"""

import datetime
import functools
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from core.files import (  # noqa: F401  (re-exported for the callers)
    PDF_MAX_BYTES,
    PDF_NOT_PDF,
    PDF_TOO_LARGE,
    PDF_UNREADABLE,
    check_pdf,
)

P12_WRONG_PASSWORD = (
    "Le mot de passe du certificat est incorrect, ou le fichier n'est pas un PKCS#12."
)
DEMO_CERTIFICATE_REFUSED = (
    "Certificat de démonstration refusé : DEBUG est désactivé et "
    "SUBVENTIONS_ALLOW_DEMO_CERTIFICATE n'est pas activé."
)
# Marks the demo certificates, so that production refuses them.
DEMO_UNIT = "Certificat de démonstration — sans valeur"
FIELD_NAME = "SignatureCollectivite"
# The documents' font (their stylesheets ask for "DejaVu Sans"); a deployment whose fonts
# live elsewhere sets SUBVENTIONS_SIGNATURE_FONT to the .ttf file.
SIGNATURE_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)
STAMP_FONT_SIZE = 8

logger = logging.getLogger(__name__)
# Subsetting the stamp's font reports every table at INFO: keep the console for what matters.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
# pyHanko writes a TrueType font's glyph widths (/W) in the font's own units, where PDF
# expects thousandths of an em: right for a font of 1000 units per em, too wide for
# DejaVu Sans (2048), whose letters would then be drawn spread apart and cut off.
PDF_GLYPH_UNITS = 1000


def demo_certificates_allowed() -> bool:
    return settings.DEBUG or getattr(settings, "SUBVENTIONS_ALLOW_DEMO_CERTIFICATE", False)


def create_demo_certificate(*, common_name: str, organisation: str, password: str) -> bytes:
    """A self-signed signing certificate and its key, as PKCS#12 bytes (for the demo)."""
    if not demo_certificates_allowed():
        raise ValidationError(DEMO_CERTIFICATE_REFUSED, code="demo")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )


def load_signer(p12: bytes, password: str) -> signers.SimpleSigner:
    """The signer of a PKCS#12 file; a wrong password is refused in French."""
    try:
        pkcs12.load_key_and_certificates(p12, password.encode())
    except (ValueError, TypeError) as error:
        raise ValidationError(P12_WRONG_PASSWORD, code="password") from error
    signer = signers.SimpleSigner.load_pkcs12_data(
        p12, other_certs=[], passphrase=password.encode()
    )
    if signer is None:
        raise ValidationError(P12_WRONG_PASSWORD, code="password")
    units = signer.signing_cert.subject.native.get("organizational_unit_name") or []
    units = [units] if isinstance(units, str) else units
    if DEMO_UNIT in units and not demo_certificates_allowed():
        raise ValidationError(DEMO_CERTIFICATE_REFUSED, code="demo")
    return signer


SEAL_NOT_CONFIGURED = (
    "La signature en ligne est indisponible : aucun certificat de cachet de la collectivité "
    "n'est configuré (SUBVENTIONS_SEAL_P12). Signez sur papier et déposez l'exemplaire "
    "numérisé."
)
DEMO_SEAL_NAME = "Cachet de démonstration"


@functools.cache
def _demo_seal() -> signers.SimpleSigner:
    password = "cachet-demo"
    p12 = create_demo_certificate(
        common_name=DEMO_SEAL_NAME, organisation="Subventions", password=password
    )
    return load_signer(p12, password)


def seal_signer() -> signers.SimpleSigner:
    """The authority's seal (cachet serveur), which seals the simple electronic signatures
    given online: the PKCS#12 file of settings.SUBVENTIONS_SEAL_P12 with the password of
    SUBVENTIONS_SEAL_PASSWORD; without one, a demo seal made once per process where demo
    certificates are allowed; otherwise refused in French."""
    path = getattr(settings, "SUBVENTIONS_SEAL_P12", "")
    if path:
        return load_signer(
            Path(path).read_bytes(), getattr(settings, "SUBVENTIONS_SEAL_PASSWORD", "")
        )
    if not demo_certificates_allowed():
        raise ValidationError(SEAL_NOT_CONFIGURED, code="seal")
    return _demo_seal()


def signer_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    return subject.get("common_name") or certificate.subject.human_friendly


def signature_font() -> str | None:
    """The TrueType file the visible signature is written with, or None if none is found."""
    configured = getattr(settings, "SUBVENTIONS_SIGNATURE_FONT", "")
    for candidate in ((configured,) if configured else ()) + SIGNATURE_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


@functools.cache
def _font_in_pdf_units(path: str) -> str:
    """`path`, or a copy of it scaled to 1000 units per em (made once, kept in the
    temporary folder under a name that changes with the font's content)."""
    content = Path(path).read_bytes()
    font = TTFont(io.BytesIO(content))
    if font["head"].unitsPerEm == PDF_GLYPH_UNITS:
        return path
    digest = hashlib.sha256(content).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "subventions-fonts"
    scaled = folder / f"{Path(path).stem}-{digest}-{PDF_GLYPH_UNITS}.ttf"
    if not scaled.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        scale_upem(font, PDF_GLYPH_UNITS)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".ttf")
        with os.fdopen(handle, "wb") as output:
            font.save(output)
        os.replace(temporary, scaled)
    return str(scaled)


def stamp_style(text: str = "Signé électroniquement par\n%(signer)s\nle %(ts)s") -> TextStampStyle:
    """The visible signature: who signed and when, in an embedded DejaVu Sans; `text` may
    name someone else than the certificate's holder (a seal: « %(signer)s » is the
    certificate, « %(ts)s » the time)."""
    font = signature_font()
    if font is None:
        logger.warning("Signature : police DejaVu Sans introuvable, police non incorporée")
        text_box_style = TextBoxStyle(font_size=STAMP_FONT_SIZE)
    else:
        text_box_style = TextBoxStyle(
            font=GlyphAccumulatorFactory(_font_in_pdf_units(font), font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
        )
    return TextStampStyle(
        stamp_text=text,
        timestamp_format="%d/%m/%Y %H:%M:%S %Z",
        border_width=0,
        text_box_style=text_box_style,
    )


def sign_pdf(
    content: bytes,
    *,
    signer: signers.SimpleSigner,
    page: int,
    box: tuple[int, int, int, int],
    reason: str,
    location: str,
    field_name: str = FIELD_NAME,
    stamp_text: str | None = None,
) -> bytes:
    """`content` signed as PAdES in the field `field_name`, drawn in `box` of page `page`
    (with `stamp_text` instead of the usual « Signé électroniquement par … » if given)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name(signer.signing_cert),
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=stamp_style(stamp_text) if stamp_text else stamp_style(),
        new_field_spec=spec,
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    return output.getvalue()


@dataclass(frozen=True)
class SignatureReport:
    field: str
    intact: bool
    valid: bool
    signer: str
    signing_time: datetime.datetime | None
    covers_whole_file: bool
    trusted: bool
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid

    def summary(self) -> str:
        """One French line, as verify_pdf prints it."""
        state = "intacte" if self.ok else "ALTÉRÉE ou invalide"
        when = self.signing_time.strftime("%d/%m/%Y %H:%M:%S %Z") if self.signing_time else "?"
        line = f"Signature « {self.field} » : {state} — signataire : {self.signer or '?'}"
        line += f" — signée le : {when}"
        if self.ok and not self.covers_whole_file:
            line += " — des modifications ont été ajoutées après cette signature"
        if self.ok and not self.trusted:
            line += " — certificat non reconnu par une autorité de confiance"
        if self.error:
            line += f" — {self.error}"
        return line


NO_SIGNATURE = "Aucune signature électronique dans ce fichier."


def verify_pdf(content: bytes) -> list[SignatureReport]:
    """One report per embedded signature; an unreadable file is refused in French."""
    check_pdf(content)
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # pyHanko's many ways to fail on damaged bytes: one answer
        logger.warning("Signatures illisibles : %s", error.__class__.__name__)
        raise ValidationError(PDF_UNREADABLE, code="not_pdf") from error
    reports = []
    for signature in signatures:
        name = signature.field_name or "?"
        try:
            certificate = signature.signer_cert
            context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
            status = validate_pdf_signature(signature, context)
            reports.append(
                SignatureReport(
                    field=name,
                    intact=bool(status.intact),
                    valid=bool(status.valid),
                    signer=signer_name(status.signing_cert),
                    signing_time=status.signer_reported_dt,
                    covers_whole_file=status.coverage.name == "ENTIRE_FILE",
                    trusted=_trusted(certificate),
                )
            )
        except Exception as error:  # a damaged signature is reported, never raised
            reports.append(
                SignatureReport(
                    field=name,
                    intact=False,
                    valid=False,
                    signer="",
                    signing_time=None,
                    covers_whole_file=False,
                    trusted=False,
                    error=f"illisible ({error.__class__.__name__})",
                )
            )
    return reports


def _trusted(certificate: asn1_x509.Certificate) -> bool:
    """Self-signed certificates (the demo's) are not trusted; a real deployment would
    validate against the trust list it configures."""
    return certificate.subject != certificate.issuer
