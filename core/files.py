"""Private files (financial reports, signed pieces, generated exports): where they are
kept, what they may be.

They live in the storage named "private" in settings.STORAGES: by default a folder,
settings.PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT; an S3-compatible object store when
SUBVENTIONS_S3_BUCKET is set (PrivateS3Storage), so that no application server keeps
state. Either way they have no public URL: a permission-checked view reads them from the
storage and streams them (subventions.downloads, conventions.views).
"""

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.signals import setting_changed
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage

from core.formatting import amount
from core.pdf_probe import MAX_DECODED_BYTES

logger = logging.getLogger(__name__)

PDF_MAX_BYTES = 20 * 1024 * 1024
# Any uploaded file (PDF, certificate): what the upload handler keeps at most.
UPLOAD_MAX_BYTES = PDF_MAX_BYTES
PDF_TOO_LARGE = "Le fichier fait {size} Mo : {limit} Mo au plus."
PDF_NOT_PDF = "Le fichier n'est pas un PDF (son contenu ne commence pas par « %PDF- »)."
PDF_UNREADABLE = "Le fichier n'est pas un PDF lisible."
PDF_NESTED = (
    "Le fichier n'est pas accepté : sa structure est imbriquée sur un nombre anormal de "
    "niveaux (fichier malformé ou malveillant)."
)
PDF_ACTIVE = (
    "Le fichier n'est pas accepté : il contient du contenu actif ({what}). Imprimez-le en "
    "PDF ou numérisez-le de nouveau, sans script ni pièce jointe."
)
PDF_BOMB = (
    "Le fichier n'est pas accepté : une fois décompressé, son contenu dépasserait "
    "{limit} Mo (bombe de décompression)."
)
PDF_TRAILING = "Le fichier n'est pas accepté : des données suivent la fin du PDF (« %%EOF »)."
PDF_ENCRYPTED = "Le fichier est protégé par un mot de passe : déposez une version non protégée."
PDF_TOO_SLOW = (
    "Le fichier n'est pas accepté : son analyse dépasse le temps ou la mémoire permis "
    "(fichier malformé ou malveillant)."
)
ACTIVE_CONTENT = {
    "javascript": "JavaScript",
    "actions": "actions automatiques",
    "action": "action à l'ouverture ou au clic",
    "xfa": "formulaire XFA",
    "embedded": "fichier joint",
}
# The child process that inspects a PDF (core/pdf_probe.py): its wall-clock limit; its
# own memory and CPU limits are set by the child itself.
PROBE = Path(__file__).with_name("pdf_probe.py")
PROBE_TIMEOUT_SECONDS = 30
DECODED_LIMIT_MB = MAX_DECODED_BYTES // (1024 * 1024)
NO_PUBLIC_URL = (
    "Les pièces privées n'ont pas d'adresse publique : passez par la vue de téléchargement."
)


# The alias, in settings.STORAGES, of the storage of private files.
PRIVATE_STORAGE_ALIAS = "private"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT, read from the settings at each use (tests move it)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(NO_PUBLIC_URL)


@deconstructible
class PrivateS3Storage(S3Storage):
    """Private files in an S3-compatible bucket (django-storages): never a public or
    signed URL handed out; the permission-checked views read them and stream them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_PUBLIC_URL)


class _PrivateFiles(LazyObject):
    """The "private" storage of settings.STORAGES, looked up at first use (and again when
    a test changes STORAGES): the FileFields hold this one object, so that switching
    from the folder to the object store is configuration only."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_storage = _PrivateFiles()


def private_storage():
    """The storage of private files (a callable, so that migrations do not freeze it)."""
    return _private_storage


def is_private_storage(storage) -> bool:
    """Whether a FileField keeps its files in the private storage (no public URL)."""
    return storage is _private_storage or isinstance(storage, PrivateStorage | PrivateS3Storage)


def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


setting_changed.connect(_storages_changed, dispatch_uid="core_private_storage")


def _check_size(size: int) -> None:
    if size > PDF_MAX_BYTES:
        raise ValidationError(
            PDF_TOO_LARGE.format(
                size=f"{size / (1024 * 1024):.1f}".replace(".", ","),
                limit=amount(PDF_MAX_BYTES // (1024 * 1024)),
            ),
            code="too_large",
        )


def _probe_refusal(result: dict) -> ValidationError:
    code = result.get("code", "unreadable")
    if code == "nested":
        return ValidationError(PDF_NESTED, code="pdf_nested")
    if code in ACTIVE_CONTENT:
        return ValidationError(
            PDF_ACTIVE.format(what=ACTIVE_CONTENT[code]), code="pdf_active_content"
        )
    if code == "bomb":
        return ValidationError(PDF_BOMB.format(limit=DECODED_LIMIT_MB), code="pdf_bomb")
    if code == "trailing":
        return ValidationError(PDF_TRAILING, code="pdf_trailing_data")
    if code == "encrypted":
        return ValidationError(PDF_ENCRYPTED, code="pdf_encrypted")
    return ValidationError(PDF_UNREADABLE, code="not_pdf")


# The last results by SHA-256: one upload is checked by its form, then by the service's
# full_clean(), without running the child process twice.
_RESULTS: dict[str, dict] = {}
_RESULTS_KEPT = 16


def _probe(content: bytes) -> dict:
    digest = hashlib.sha256(content).hexdigest()
    if digest not in _RESULTS:
        result = _run_probe(content)
        if result.get("code") != "too_slow":  # a busy machine may do better next time
            _RESULTS[digest] = result
            while len(_RESULTS) > _RESULTS_KEPT:
                _RESULTS.pop(next(iter(_RESULTS)))
        return result
    return _RESULTS[digest]


def _run_probe(content: bytes) -> dict:
    """Run core/pdf_probe.py on `content` in a child process with its own limits."""
    try:
        completed = subprocess.run(
            [sys.executable, "-I", str(PROBE)],
            input=content,
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "code": "too_slow"}
    try:
        return json.loads(completed.stdout)
    except ValueError:
        # Killed by its limits (memory, CPU) or crashed inside qpdf: not an acceptable file.
        logger.warning(
            "Analyse d'un PDF interrompue (code %s) : %s",
            completed.returncode,
            completed.stderr[-300:].decode("utf-8", "replace"),
        )
        return {"ok": False, "code": "too_slow"}


def check_pdf(content: bytes) -> None:
    """A PDF by its content, not its name: at most 20 MB, the %PDF- header, then a real
    parse (pikepdf, in a child process bounded in time and memory) that refuses a
    structure nested too deep, active content (JavaScript, automatic actions, XFA,
    attached files), a decompression bomb and data after the final %%EOF.

    The one check of every uploaded PDF (financial reports, signed agreements, scans,
    the PDF given to verify), and of a stored one before it is parsed again.
    """
    _check_size(len(content))
    if not content.startswith(b"%PDF-"):
        raise ValidationError(PDF_NOT_PDF, code="not_pdf")
    result = _probe(content)
    if result.get("ok"):
        return
    if result.get("code") == "too_slow":
        raise ValidationError(PDF_TOO_SLOW, code="pdf_too_slow")
    logger.warning("PDF refusé : %s %s", result.get("code"), result.get("detail", ""))
    raise _probe_refusal(result)


CANNOT_READ = "Impossible de lire « {path} » : {reason}."


def read_local_file(path) -> bytes:
    """A file named on a command line, read only once its size is known to be within
    UPLOAD_MAX_BYTES (the limit of an upload); an unreadable one is said in French."""
    try:
        _check_size(os.stat(path).st_size)
        with open(path, "rb") as handle:
            return handle.read(UPLOAD_MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise ValidationError(CANNOT_READ.format(path=path, reason=reason), code="os") from None


def check_upload_size(upload) -> None:
    """Field validator of every uploaded file: its size, known before anything is read
    (LimitedUploadHandler stops keeping the bytes of a file past the limit)."""
    if upload is None or getattr(upload, "_committed", False):
        return
    _check_size(upload.size)


def validate_pdf(upload) -> None:
    """Field validator: `check_pdf` on an upload; a file already stored is not read again."""
    if upload is None or getattr(upload, "_committed", False):
        return
    _check_size(upload.size)  # before reading anything
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    check_pdf(content)


class UploadField(forms.FileField):
    """A form's file field: the size is checked before anything is read (the content,
    a PDF's for one, is then checked by the service that keeps it: `check_pdf`)."""

    default_validators = [check_upload_size]


class OversizeUpload(UploadedFile):
    """What is left of a file sent beyond the limit: its name and true size, no content."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(io.BytesIO(b""), name, content_type, size)


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each file's bytes on to Django's handlers
    until the file passes UPLOAD_MAX_BYTES, then drops the rest and hands the form an
    empty OversizeUpload carrying the size sent, which the field validators refuse with
    its size. So a 300 MB upload is neither kept in memory nor written to disk whole."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversize = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > UPLOAD_MAX_BYTES:
            self.oversize = True
            return None  # the next handlers never see this chunk
        return raw_data

    def file_complete(self, file_size):
        if self.oversize:
            return OversizeUpload(self.file_name, self.content_type, self.received)
        return None


# Files already stored: read back, never trusted blindly.

STORED_MISSING = "{what} est introuvable sur le serveur : signalez-le à l'administrateur."
STORED_UNREADABLE = "{what} ne peut pas être lu sur le serveur : signalez-le à l'administrateur."
STORED_ALTERED = (
    "{what} a été modifié depuis son enregistrement : il ne correspond plus à son "
    "empreinte SHA-256. Signalez-le à l'administrateur ; le document n'est pas servi."
)


def read_stored(file, *, what: str, sha256: str = "") -> bytes:
    """The bytes of a stored file (a FieldFile); with `sha256`, only if they still match it.

    A file missing, unreadable or altered on disk is a ValidationError with its French
    reason (`what` names the document: « Le PDF signé »), and a warning in the log, so
    that a page shows an alert rather than a server error.
    """
    name = getattr(file, "name", "") or ""
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        logger.warning("Fichier enregistré introuvable : %s", name)
        raise ValidationError(STORED_MISSING.format(what=what), code="missing") from None
    except (OSError, ValueError) as error:
        logger.warning("Fichier enregistré illisible : %s (%s)", name, error)
        raise ValidationError(STORED_UNREADABLE.format(what=what), code="unreadable") from None
    if sha256 and hashlib.sha256(content).hexdigest() != sha256:
        logger.warning("Fichier enregistré altéré (empreinte SHA-256 différente) : %s", name)
        raise ValidationError(STORED_ALTERED.format(what=what), code="tampered")
    return content


def stored_problem(file, *, what: str, sha256: str = "") -> str | None:
    """Why a stored file cannot be trusted (French, for an alert on the page), or None."""
    if not file:
        return None
    try:
        read_stored(file, what=what, sha256=sha256)
    except ValidationError as error:
        return error.messages[0]
    return None
