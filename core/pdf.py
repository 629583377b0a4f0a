"""One way to make a PDF from a template: `render_to_pdf(template, context)` (WeasyPrint).

Stylesheets and images are read from disk — /static/ through the staticfiles finders
(or STATIC_ROOT), /media/ from MEDIA_ROOT — and nothing is ever fetched over the network,
so a document cannot leak a request nor depend on a server being up.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils._os import safe_join

from core.formatting import typography_html

# WeasyPrint reports each step at INFO, from its import on: keep the console for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

# A base URL that is never requested: relative and root-relative links resolve against
# it, and the fetcher maps its paths to files.
BASE_URL = "https://documents.invalid/"


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


class LocalFetcher(URLFetcher):
    """Serves /static and /media from disk and data: URLs inline; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        if path is None or not path.is_file():
            logger.warning("PDF : ressource refusée ou introuvable : %s", url)
            raise ValueError(f"Ressource non servie pour un PDF : {url}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime_type})


def render_document(template_name: str, context: dict):
    """The laid-out WeasyPrint document, for callers that need its boxes (a signature's)."""
    # French typography on every document's text (no-break spaces, « 1er », « n° … »).
    html = typography_html(render_to_string(template_name, context))
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).render()


def render_to_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of `template_name` rendered with `context`."""
    return render_document(template_name, context).write_pdf()
