"""The association signs its agreement from its space (issue 16, hH): the agreement to
read and download, then a simple electronic signature (consent, sealed by the authority)
or the upload of a copy signed on paper or with the association's own certificate."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conventions import online_signing, rendering
from conventions.enums import AgreementStatus
from conventions.models import Agreement
from core.files import read_stored
from core.views import apply_service_error

from .access import get_subsidy_for_account, portal_account_required
from .forms_followup import SignOnlineForm, UploadSignedForm

SIGNED = (
    "Merci : la convention est signée pour votre association. La collectivité signe en dernier."
)
NO_AGREEMENT = "Aucune convention n'est encore prête pour ce dossier."
PDF_UNAVAILABLE = "Le PDF de la convention est momentanément indisponible : réessayez plus tard."


def visible_agreement(subsidy) -> Agreement | None:
    """The file's agreement once it is ready for signature (a draft is not shown)."""
    agreement = Agreement.objects.filter(subsidy=subsidy).first()
    if agreement is None or agreement.status == AgreementStatus.DRAFT:
        return None
    return agreement


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@portal_account_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request, pk: int):
    subsidy = get_subsidy_for_account(request.user, pk)
    agreement = visible_agreement(subsidy)
    if agreement is None:
        raise Http404(NO_AGREEMENT)
    method = request.POST.get("method")
    online = SignOnlineForm(request.POST if method == "simple" else None, prefix="online")
    upload = UploadSignedForm(
        request.POST if method == "upload" else None,
        request.FILES if method == "upload" else None,
        prefix="upload",
    )
    form = {"simple": online, "upload": upload}.get(method)
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if method == "simple":
                online_signing.agreement_sign_online(
                    agreement=agreement,
                    user=request.user,
                    name=data["name"],
                    title=data["title"],
                    consent=data["consent"],
                    ip=client_ip(request),
                )
            else:
                online_signing.agreement_upload_signed(
                    agreement=agreement,
                    user=request.user,
                    name=data["name"],
                    title=data["title"],
                    file=data["file"],
                    electronic=data["kind"] == "certificat",
                    ip=client_ip(request),
                )
        except ValidationError as refusal:
            apply_service_error(form, refusal)
        else:
            messages.success(request, SIGNED)
            return redirect("portail:subsidy_detail", subsidy.pk)
    refusal = online_signing.may_sign_online(agreement, request.user)
    return render(
        request,
        "portail/agreement_sign.html",
        {
            "subsidy": subsidy,
            "agreement": agreement,
            "online": online,
            "upload": upload,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )


@portal_account_required
def agreement_pdf(request, pk: int):
    """The agreement as it stands: the signed PDF once the authority signed, else the
    association's signed copy once it signed, else the PDF generated now."""
    subsidy = get_subsidy_for_account(request.user, pk)
    agreement = visible_agreement(subsidy)
    if agreement is None:
        raise Http404(NO_AGREEMENT)
    try:
        if agreement.is_frozen and agreement.signed_pdf:
            content = agreement.frozen_pdf_bytes()
        elif agreement.beneficiary_scan:
            content = read_stored(agreement.beneficiary_scan, what="La convention signée")
        else:
            content = rendering.build_pdf(agreement).content
    except ValidationError:
        messages.error(request, PDF_UNAVAILABLE)
        return redirect("portail:subsidy_detail", subsidy.pk)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"convention-{agreement.number}.pdf".replace("/", "-"),
        content_type="application/pdf",
    )
