"""« Télécharger le dossier complet » of a subsidy (built on request) and of a session
(built in the background, its progress shown, downloaded once ready). Every role reads
them; the ZIPs are never public files (conventions.bundles)."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.files import read_stored
from core.views import job_status
from deliberations.models import Session
from subventions.models import Subsidy
from subventions.permissions import require

from . import bundles
from .enums import BundleStatus
from .models import Bundle

BUNDLE_ASKED = (
    "Le dossier complet de la séance est en préparation : cette page le propose au "
    "téléchargement dès qu'il est prêt."
)
NOT_READY = "Le dossier complet n'est pas encore prêt."
BUNDLE_RESTARTED = "La préparation du dossier complet est relancée."


@require("view")
def subsidy_bundle(request, pk: int):
    """The subsidy's complete file, as a ZIP built now (a few documents)."""
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    try:
        content = bundles.subsidy_zip(subsidy)
    except ValidationError as error:  # a kept document missing or altered: said
        messages.error(request, " ".join(error.messages))
        return redirect("subventions:subsidy_detail", subsidy.pk)
    response = HttpResponse(content, content_type="application/zip")
    name = bundles.subsidy_zip_name(subsidy)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require("view")
@require_POST
def session_bundle_start(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    bundle = bundles.bundle_start(session=session, user=request.user)
    messages.info(request, BUNDLE_ASKED)
    return redirect("conventions:bundle_detail", bundle.pk)


BUNDLE_READY = "Le dossier complet est prêt : vous pouvez le télécharger."
BUNDLE_FINGERPRINT = (
    "Empreinte SHA-256 de l'archive : {sha256}. Le fichier manifeste.csv de l'archive donne "
    "l'empreinte de chaque document."
)


def _bundle_status(bundle: Bundle) -> dict:
    return job_status(
        bundle,
        ready=bundle.status == BundleStatus.DONE,
        summary=f"{bundle.done} document{pluralize(bundle.done)} rassemblé{pluralize(bundle.done)} "
        f"sur {bundle.total}",
        bar_label=f"{bundle.done} sur {bundle.total}",
        ready_message=BUNDLE_READY,
        detail=BUNDLE_FINGERPRINT.format(sha256=bundle.sha256),
    )


@require("view")
def bundle_detail(request, pk: int):
    """The progress of a session's complete file, following itself while it is built
    (static/js/job-progress.js); the download link once ready. A build that stopped
    moving (its worker killed) is said interrupted, and may be relaunched."""
    bundles.fail_stale_bundles(Bundle.objects.filter(pk=pk))
    bundle = get_object_or_404(Bundle.objects.select_related("session", "created_by"), pk=pk)
    return render(
        request,
        "conventions/bundle_detail.html",
        {
            "bundle": bundle,
            "job": bundle,
            **_bundle_status(bundle),
            "status_url": reverse("conventions:bundle_status", args=[bundle.pk]),
            "page_url": reverse("conventions:bundle_detail", args=[bundle.pk]),
            "download_url": reverse("conventions:bundle_download", args=[bundle.pk]),
            "download_label": "Télécharger le dossier complet (ZIP)",
            "progress_label": "Progression du dossier complet",
            "restart_url": reverse("conventions:bundle_restart", args=[bundle.pk]),
            "restart_label": "Relancer la préparation",
        },
    )


@require("view")
def bundle_status(request, pk: int):
    """Where the building of a session's complete file stands, as JSON (its page polls it).
    A build whose worker was killed is said interrupted here too."""
    bundles.fail_stale_bundles(Bundle.objects.filter(pk=pk))
    return JsonResponse(_bundle_status(get_object_or_404(Bundle, pk=pk)))


@require("view")
@require_POST
def bundle_restart(request, pk: int):
    bundle = get_object_or_404(Bundle, pk=pk)
    try:
        bundles.bundle_restart(bundle=bundle, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, BUNDLE_RESTARTED)
    return redirect("conventions:bundle_detail", bundle.pk)


@require("view")
def bundle_download(request, pk: int):
    bundle = get_object_or_404(Bundle.objects.select_related("session"), pk=pk)
    if bundle.status != BundleStatus.DONE or not bundle.file:
        raise Http404(NOT_READY)
    try:
        content = read_stored(bundle.file, what="Le dossier complet", sha256=bundle.sha256)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("conventions:bundle_detail", bundle.pk)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=bundles.session_zip_name(bundle.session),
        content_type="application/zip",
    )
