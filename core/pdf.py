"""One way to make a PDF from a template: `render_to_pdf(template, context)` (WeasyPrint).

Documents that are kept (frozen acts, agreements to sign, register extracts) are written
as PDF/A-3b (`archival=True`): fonts embedded, an sRGB output intent and the XMP metadata
that archives check. pyHanko signs them by incremental update, which keeps all of that.

Stylesheets and images are read from disk — /static/ through the staticfiles finders
(or STATIC_ROOT), /media/ from MEDIA_ROOT — or, when the uploaded files are in an object
store (SUBVENTIONS_S3_BUCKET), through that storage's API; nothing is ever fetched by
its URL, so a document cannot leak a request nor depend on a web server being up.
"""

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage, storages
from django.template.loader import render_to_string
from django.utils._os import safe_join

from core.formatting import typography_html

# WeasyPrint reports each step at INFO, from its import on: keep the console for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

# A base URL that is never requested: relative and root-relative links resolve against
# it, and the fetcher maps its paths to files.
BASE_URL = "https://documents.invalid/"
# The archival variant of the kept documents (ISO 19005-3, level B).
ARCHIVAL_VARIANT = "pdf/a-3b"


def _prefix(url_setting: str) -> str:
    return "/" + url_setting.strip("/") + "/"


def local_path(url: str) -> Path | None:
    """The file on disk that a /static/ or /media/ URL designates, or None."""
    parts = urlsplit(url)
    if parts.scheme == "file" or parts.netloc not in ("", urlsplit(BASE_URL).netloc):
        return None
    path = unquote(parts.path)
    static, media = _prefix(settings.STATIC_URL), _prefix(settings.MEDIA_URL)
    if path.startswith(static):
        relative = path[len(static) :]
        found = finders.find(relative)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:
            return Path(safe_join(settings.STATIC_ROOT, relative))
    elif path.startswith(media):
        return Path(safe_join(settings.MEDIA_ROOT, path[len(media) :]))
    return None


def stored_media(url: str) -> bytes | None:
    """The bytes of the uploaded file (the logo) whose URL, given by an object store's
    `url()`, is `url`: read through the storage's API, never by the URL; or None."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return None  # /media/ URLs: local_path
    probe = urlsplit(storage.url("probe"))
    parts = urlsplit(url)
    prefix = probe.path[: -len("probe")]
    if (parts.scheme, parts.netloc) != (probe.scheme, probe.netloc) or not parts.path.startswith(
        prefix
    ):
        return None
    try:
        with storage.open(unquote(parts.path[len(prefix) :]), "rb") as handle:
            return handle.read()
    except Exception:  # missing or unreadable object: refused below, and logged
        return None


class LocalFetcher(URLFetcher):
    """Serves /static and /media from disk and data: URLs inline; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        if path is None:
            content = stored_media(url)
            if content is not None:
                mime_type = mimetypes.guess_type(urlsplit(url).path)[0]
                return URLFetcherResponse(
                    url, content, headers={"Content-Type": mime_type or "application/octet-stream"}
                )
        if path is None or not path.is_file():
            logger.warning("PDF : ressource refusée ou introuvable : %s", url)
            raise ValueError(f"Ressource non servie pour un PDF : {url}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime_type})


_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """WeasyPrint's font configuration, made once per thread and given to every document:
    gathering the system's fonts took 40 of an agreement's 290 ms, and the configuration
    keeps its caches (line struts, font features) from one document to the next. One per
    thread, as Fontconfig's configuration is not to be shared between threads."""
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def render_document(template_name: str, context: dict):
    """The laid-out WeasyPrint document, for callers that need its boxes (a signature's)."""
    # French typography on every document's text (no-break spaces, « 1er », « n° … »).
    html = typography_html(render_to_string(template_name, context))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher())
    return document.render(font_config=font_configuration())


# WeasyPrint lays out in CSS pixels (96 per inch), PDF counts points (72 per inch).
CSS_PX_TO_PT = 0.75


def element_box(document, element_id: str) -> tuple[int, tuple[int, int, int, int]]:
    """Where the element `element_id` lies in a laid-out document: its page index (from 0)
    and its (x1, y1, x2, y2) in PDF points from the bottom-left corner, as pyHanko expects
    for a visible signature. LookupError if the layout has no such element."""
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or element.get("id") != element_id:
                continue
            x, y = box.border_box_x(), box.border_box_y()
            width, height = box.border_width(), box.border_height()
            page_height = page.height * CSS_PX_TO_PT
            return index, (
                round(x * CSS_PX_TO_PT),
                round(page_height - (y + height) * CSS_PX_TO_PT),
                round((x + width) * CSS_PX_TO_PT),
                round(page_height - y * CSS_PX_TO_PT),
            )
    raise LookupError(f"No #{element_id} in the layout")


def write_archival_pdf(document) -> bytes:
    """The PDF/A-3b bytes of a laid-out document (from render_document)."""
    return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT)


def render_to_pdf(template_name: str, context: dict, *, archival: bool = False) -> bytes:
    """The PDF of `template_name` rendered with `context`; PDF/A-3b when `archival`."""
    document = render_document(template_name, context)
    return write_archival_pdf(document) if archival else document.write_pdf()
