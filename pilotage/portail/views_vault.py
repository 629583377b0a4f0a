"""The association's document vault: its pieces, each with its date of validity, reused
by every request; uploads checked by core.files, files served only to the association."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.files import read_stored
from core.views import apply_service_error
from subventions.applications import vault_document_add

from .access import (
    get_beneficiary_for_account,
    get_vault_document_for_account,
    portal_account_required,
)
from .forms_request import VaultUploadForm

ADDED = "La pièce « {document} » est ajoutée au coffre-fort."


def _back(request) -> str:
    """Where to go back after an upload: a page of the portal only."""
    back = request.POST.get("retour") or request.GET.get("retour") or ""
    return back if back.startswith("/association/") and "//" not in back else ""


@portal_account_required
def vault(request, beneficiary_pk):
    beneficiary = get_beneficiary_for_account(request.user, beneficiary_pk)
    form = VaultUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = vault_document_add(
                beneficiary=beneficiary, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, ADDED.format(document=document))
            if _back(request):
                return redirect(_back(request))
            return redirect("portail:vault", beneficiary.pk)
    documents = beneficiary.vault_documents.select_related("uploaded_by").order_by(
        "kind", "-uploaded_at"
    )
    return render(
        request,
        "portail/vault.html",
        {
            "beneficiary": beneficiary,
            "documents": documents,
            "form": form,
            "today": timezone.localdate(),
            "back": _back(request),
        },
        status=400 if form.errors else 200,
    )


@portal_account_required
def vault_download(request, pk):
    document = get_vault_document_for_account(request.user, pk)
    try:
        content = read_stored(document.file, what="La pièce", sha256=document.sha256)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("portail:vault", document.beneficiary_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="piece-{document.pk}.pdf"'
    return response
