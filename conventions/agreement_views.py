"""Staff pages of the agreements: the document and its signatures, the PDFs (private,
permission-checked), the signature by the authority — scanned original or electronic —,
the beneficiary's signature, and a page where staff drop any PDF to check its signatures.

Views stay thin: login and permission first (subventions.permissions, 403 with the
reason), then a form, then a service.
`kind` in the URL is « convention » or « avenant ».
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from subventions import permissions
from subventions.views import apply_service_error, require

from . import agreement_rendering, agreement_services, selectors, signing
from .enums import SignatureMethod
from .models import Agreement, Amendment

SIGNED = "{document} : signature de la collectivité enregistrée ; le document est en vigueur."
BENEFICIARY_SIGNED = "{document} : signature du bénéficiaire enregistrée."
NO_SUCH_PIECE = "Ce document n'a pas cette pièce."
PIECES = {"generee": "generated_pdf", "beneficiaire": "beneficiary_scan"}
KINDS = {"convention": Agreement, "avenant": Amendment}


def _document(kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    related = (
        ["agreement__subsidy__beneficiary"] if model is Amendment else ["subsidy__beneficiary"]
    )
    return get_object_or_404(model.objects.select_related(*related), pk=pk)


def _kind(document) -> str:
    return "avenant" if isinstance(document, Amendment) else "convention"


def _file_name(document) -> str:
    return getattr(document, "reference", None) or document.number


def _signature_reports(document) -> list | None:
    """What verify_pdf says of the stored PDF signed electronically, shown on the page."""
    if document.signature_method != SignatureMethod.ELECTRONIC or not document.signed_pdf:
        return None
    with document.signed_pdf.open("rb") as handle:
        try:
            return signing.verify_pdf(handle.read())
        except ValidationError:
            return []


class PaperSignatureForm(forms.Form):
    scan = forms.FileField(label="Original signé numérisé (PDF, 20 Mo au plus)")
    signed_on = forms.DateField(label="Signée par la collectivité le", initial=timezone.localdate)
    beneficiary_signed_on = forms.DateField(label="Signée par le bénéficiaire le", required=False)


class ElectronicSignatureForm(forms.Form):
    p12 = forms.FileField(label="Certificat de signature (fichier PKCS#12 .p12 / .pfx)")
    password = forms.CharField(label="Mot de passe du certificat", widget=forms.PasswordInput)


class BeneficiarySignatureForm(forms.Form):
    signed_on = forms.DateField(label="Signée par le bénéficiaire le")
    scan = forms.FileField(label="Exemplaire signé numérisé (PDF, facultatif)", required=False)
    name = forms.CharField(label="Nom du signataire", required=False)
    title = forms.CharField(label="Qualité du signataire", required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(label="PDF à vérifier (20 Mo au plus)")


@require("view_agreements")
def agreement_detail(request, kind: str, pk: int):
    document = _document(kind, pk)
    agreement = document.agreement if isinstance(document, Amendment) else document
    return render(
        request,
        "conventions/agreement/detail.html",
        {
            "document": document,
            "kind": kind,
            "agreement": agreement,
            "subsidy": agreement.subsidy,
            "deliberation": selectors.granting_deliberation(agreement.subsidy),
            "amendments": agreement.amendments.order_by("number"),
            "signature_reports": _signature_reports(document),
            "can_sign": permissions.can_sign_agreement(request.user, document)[0],
            "can_record_beneficiary": permissions.can_record_beneficiary_signature(
                request.user, document
            )[0],
        },
    )


@require("view_agreements")
def agreement_pdf(request, kind: str, pk: int):
    """The current PDF (the signed one once signed); `?piece=generee|beneficiaire` for the
    other kept files."""
    document = _document(kind, pk)
    piece = request.GET.get("piece")
    if piece:
        field = PIECES.get(piece)
        file = getattr(document, field) if field else None
        if not file:
            raise Http404(NO_SUCH_PIECE)
        with file.open("rb") as handle:
            content = handle.read()
        name = f"{_file_name(document)}-{piece}.pdf"
    else:
        content = agreement_rendering.render_pdf(document)
        name = f"{_file_name(document)}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require("sign_agreement")
def agreement_sign(request, kind: str, pk: int):
    """The authority signs: the scan of the paper original, or electronically (PAdES)."""
    document = _document(kind, pk)
    paper = PaperSignatureForm(prefix="papier")
    electronic = ElectronicSignatureForm(prefix="electronique")
    if request.method == "POST":
        method = request.POST.get("method")
        try:
            if method == "papier":
                paper = PaperSignatureForm(request.POST, request.FILES, prefix="papier")
                if paper.is_valid():
                    agreement_services.document_sign_paper(
                        document=document,
                        user=request.user,
                        scan=paper.cleaned_data["scan"],
                        signed_on=paper.cleaned_data["signed_on"],
                        beneficiary_signed_on=paper.cleaned_data["beneficiary_signed_on"],
                    )
                    messages.success(request, SIGNED.format(document=document))
                    return redirect("conventions:agreement_detail", kind, pk)
            elif method == "electronique":
                electronic = ElectronicSignatureForm(
                    request.POST, request.FILES, prefix="electronique"
                )
                if electronic.is_valid():
                    agreement_services.document_sign_electronic(
                        document=document,
                        user=request.user,
                        p12=electronic.cleaned_data["p12"].read(),
                        password=electronic.cleaned_data["password"],
                    )
                    messages.success(request, SIGNED.format(document=document))
                    return redirect("conventions:agreement_detail", kind, pk)
        except ValidationError as error:
            apply_service_error(paper if method == "papier" else electronic, error)
    return render(
        request,
        "conventions/agreement/sign.html",
        {"document": document, "kind": kind, "paper": paper, "electronic": electronic},
    )


@require("record_beneficiary_signature")
def agreement_beneficiary_signature(request, kind: str, pk: int):
    document = _document(kind, pk)
    form = BeneficiarySignatureForm()
    if request.method == "POST":
        form = BeneficiarySignatureForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                agreement_services.document_record_beneficiary_signature(
                    document=document, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, BENEFICIARY_SIGNED.format(document=document))
                return redirect("conventions:agreement_detail", kind, pk)
    return render(
        request,
        "conventions/agreement/beneficiary_signature.html",
        {"document": document, "kind": kind, "form": form},
    )


@require("verify_pdf")
def pdf_verify(request):
    """Drop any PDF: each electronic signature, intact or not, who signed and when."""
    form = VerifyForm()
    reports = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                reports = signing.verify_pdf(form.cleaned_data["file"].read())
            except ValidationError as error:
                apply_service_error(form, error)
    return render(
        request,
        "conventions/agreement/verify.html",
        {"form": form, "reports": reports, "no_signature": signing.NO_SIGNATURE},
    )
