"""The act's documents and exchanges on the deliberation page (issue 11 items 2 and 3):
the signed register extract (sign, download), the @CTES transmission archive (download)
and the prefecture's acknowledgment (upload). Secretariat only, except reading the
extract; every refusal is the service's French reason, shown on the form or the page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from core.formatting import short_date
from core.views import run_form
from subventions.permissions import refuse_unless, require

from . import actes, extract, permissions
from .enums import DeliberationStatus
from .models import Deliberation
from .next_steps import next_step

UPLOAD_TEMPLATE = "deliberations/exchanges/upload_step.html"
EXTRACT_SIGNED = "Extrait du registre de la délibération {number} signé (SHA-256 {sha})."
ACKNOWLEDGMENT_RECORDED = (
    "Accusé de réception enregistré : reçue en préfecture le {date}, identifiant {act_id}."
)
FILE_TOO_LARGE = "Le fichier est trop volumineux."


class ExtractSignatureForm(forms.Form):
    p12 = forms.FileField(label="Certificat de signature de la collectivité (.p12 / .pfx)")
    password = forms.CharField(label="Mot de passe du certificat", widget=forms.PasswordInput)


class AcknowledgmentUploadForm(forms.Form):
    file = forms.FileField(
        label="Accusé de réception de la préfecture (fichier XML actes:ARActe)",
        help_text="Le fichier « …-ar-actes.xml » que la plateforme de télétransmission "
        "a reçu de la préfecture.",
    )


def _read(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise ValidationError({"file": FILE_TOO_LARGE})
    return upload.read()


def _deliberation(pk: int) -> Deliberation:
    return get_object_or_404(
        Deliberation.objects.select_related("session", "classification", "policy_area"), pk=pk
    )


def _upload_step(request, deliberation, *, form, title, submit, intro, run, done):
    saved = run_form(request, form, run)
    if saved is not None:
        messages.success(request, f"{done(saved)} {next_step(_deliberation(deliberation.pk))}")
        return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    return render(
        request,
        UPLOAD_TEMPLATE,
        {
            "deliberation": deliberation,
            "form": form,
            "step_title": title,
            "submit_label": submit,
            "intro": intro,
        },
    )


@require("view")
@require_http_methods(["GET", "POST"])
def deliberation_extract_sign(request, pk: int):
    """Sign the register extract with the authority's certificate (Secrétariat)."""
    refuse_unless(permissions.can_manage_sessions(request.user))
    deliberation = _deliberation(pk)
    form = ExtractSignatureForm(request.POST or None, request.FILES or None)

    def run(data):
        return extract.deliberation_sign_extract(
            deliberation=deliberation,
            user=request.user,
            p12=data["p12"].read(),
            password=data["password"],
        )

    return _upload_step(
        request,
        deliberation,
        form=form,
        title="Signer l'extrait du registre",
        submit="Produire et signer l'extrait",
        intro="L'extrait reprend le texte adopté tel quel, la séance, les présences, le "
        "quorum et le vote ; il est signé électroniquement (PAdES) au nom de la "
        "collectivité. Signé après l'accusé de réception, il porte aussi les mentions "
        "d'envoi, de réception, de publication et le caractère exécutoire.",
        run=run,
        done=lambda d: EXTRACT_SIGNED.format(number=d.number, sha=d.extract_sha256[:12]),
    )


@require("view")
def deliberation_extract_pdf(request, pk: int):
    """The signed extract, exactly as stored (its SHA-256 checked)."""
    deliberation = _deliberation(pk)
    try:
        content = extract.extract_bytes(deliberation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    response = HttpResponse(content, content_type="application/pdf")
    name = actes.compact_number(deliberation.number)
    response["Content-Disposition"] = f'attachment; filename="extrait-{name}.pdf"'
    return response


@require("view")
def deliberation_actes_archive(request, pk: int):
    """The @CTES transmission archive (tar.gz) of an adopted act (Secrétariat)."""
    refuse_unless(permissions.can_manage_sessions(request.user))
    deliberation = _deliberation(pk)
    try:
        transmission = actes.transmission(deliberation)
        content = transmission.archive()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    response = HttpResponse(content, content_type="application/gzip")
    response["Content-Disposition"] = f'attachment; filename="{transmission.name}"'
    return response


@require("view")
@require_http_methods(["GET", "POST"])
def deliberation_acknowledgment_upload(request, pk: int):
    """Import the prefecture's acknowledgment of this act (Secrétariat)."""
    refuse_unless(permissions.can_manage_sessions(request.user))
    deliberation = _deliberation(pk)
    form = AcknowledgmentUploadForm(request.POST or None, request.FILES or None)

    def run(data):
        content = _read(data["file"], actes.ACKNOWLEDGMENT_MAX_BYTES)
        try:
            return actes.import_acknowledgment(
                content, user=request.user, deliberation=deliberation
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({"file": error.messages}) from error

    return _upload_step(
        request,
        deliberation,
        form=form,
        title="Importer l'accusé de réception",
        submit="Importer",
        intro="L'accusé de réception donne la date de réception en préfecture et "
        "l'identifiant de l'acte ; la date exécutoire en est recalculée.",
        run=run,
        done=lambda d: ACKNOWLEDGMENT_RECORDED.format(
            date=short_date(d.prefecture_received_on), act_id=d.prefecture_act_id
        ),
    )


def deliberation_exchanges(request, deliberation) -> str:
    """The « Extrait et télétransmission » card of the deliberation page."""
    if deliberation.status != DeliberationStatus.ADOPTED:
        return ""
    return render_to_string(
        "deliberations/exchanges/panel.html",
        {
            "deliberation": deliberation,
            "can_manage": permissions.can_manage_sessions(request.user)[0],
        },
        request,
    )
