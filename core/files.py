"""Private files (financial reports, signed pieces): where they are kept, what they may be.

They live under settings.PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, and have no public URL:
a permission-checked view streams them (subventions.downloads).
"""

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from core.formatting import amount

PDF_MAX_BYTES = 20 * 1024 * 1024
PDF_TOO_LARGE = "Le fichier fait {size} Mo : {limit} Mo au plus."
PDF_NOT_PDF = "Le fichier n'est pas un PDF (son contenu ne commence pas par « %PDF- »)."
PDF_UNREADABLE = "Le fichier n'est pas un PDF lisible."
NO_PUBLIC_URL = (
    "Les pièces privées n'ont pas d'adresse publique : passez par la vue de téléchargement."
)


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


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so that migrations do not freeze a path)."""
    return _private_storage


def _check_size(size: int) -> None:
    if size > PDF_MAX_BYTES:
        raise ValidationError(
            PDF_TOO_LARGE.format(
                size=f"{size / (1024 * 1024):.1f}".replace(".", ","),
                limit=amount(PDF_MAX_BYTES // (1024 * 1024)),
            ),
            code="too_large",
        )


def check_pdf(content: bytes) -> None:
    """A PDF by its content, not its name: at most 20 MB, the %PDF- header, a parse.

    The one check of every uploaded PDF (financial reports, signed agreements, scans).
    """
    _check_size(len(content))
    if not content.startswith(b"%PDF-"):
        raise ValidationError(PDF_NOT_PDF, code="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        reader.root["/Pages"]
    except (PdfError, KeyError, TypeError, ValueError) as error:
        raise ValidationError(PDF_UNREADABLE, code="not_pdf") from error


def validate_pdf(upload) -> None:
    """Field validator: `check_pdf` on an upload; a file already stored is not read again."""
    if upload is None or getattr(upload, "_committed", False):
        return
    _check_size(upload.size)  # before reading anything
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    check_pdf(content)
