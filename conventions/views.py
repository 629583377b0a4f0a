"""Staff pages of the agreements: the list and its exports, the batch generation of a
session's agreements, and the pages of one agreement or amendment (detail, PDFs,
signatures) with the page where staff drop any PDF to check its signatures.

Views stay thin: login and permission first (subventions.permissions, 403 with the
reason), then a form (conventions.forms), then a service (conventions.services,
conventions.batch). `kind` in the URL is « convention » or « avenant ».
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import exports, files
from core.views import Listing, apply_service_error
from deliberations.models import Session
from deliberations.selectors import granting_deliberation
from subventions.enums import SubsidyStatus
from subventions.exports import listing_export
from subventions.models import Subsidy
from subventions.permissions import require

from . import batch, mailing, permissions, rendering, selectors, services, signatures, signing
from .enums import AgreementStatus, BatchJobStatus, SignatureMethod
from .filters import AgreementFilter
from .forms import BeneficiarySignatureForm, ElectronicSignatureForm, PaperSignatureForm, VerifyForm
from .models import Agreement, Amendment, BatchJob
from .next_steps import next_step

# Agreements


# Lookups read with values_list: no model instance per exported row (core.exports).
AGREEMENT_COLUMNS = [
    exports.Column("Numéro", "number"),
    exports.Column("Dossier", "subsidy__reference"),
    exports.Column("Exercice", "subsidy__year"),
    exports.Column("Bénéficiaire", "subsidy__beneficiary__legal_name"),
    exports.Column("Politique publique", "subsidy__policy_area__label"),
    exports.Column("Montant attribué", "subsidy__amount_awarded"),
    exports.Column("Statut", "status", exports.labels(AgreementStatus.choices)),
    exports.Column("Début", "start_date"),
    exports.Column("Fin", "end_date"),
    exports.Column("Envoyée le", "sent_on"),
    exports.Column("Signée par le bénéficiaire le", "beneficiary_signed_on"),
    exports.Column("Signée par la collectivité le", "authority_signed_on"),
    exports.Column(
        "Mode de signature", "signature_method", exports.labels(SignatureMethod.choices)
    ),
    exports.Column("Avenants", "amendment_count"),
]


AGREEMENTS = Listing(
    filterset=AgreementFilter,
    rows=selectors.agreement_list,
    template="conventions/agreement_list.html",
    export_url="conventions:agreement_export",
    filename="conventions",
    title="Conventions",
    columns=AGREEMENT_COLUMNS,
)


@require("view")
def agreement_list(request):
    return AGREEMENTS.page(request)


@require("export")
def agreement_export(request, fmt: str):
    return listing_export(request, AGREEMENTS, fmt)


# Batch generation of a session's agreements


JOB_STARTED = (
    "Génération des conventions lancée ({total} subvention{plural}) : la progression "
    "s'affiche ci-dessous."
)


@require("prepare_agreements")
@require_http_methods(["GET", "POST"])
def session_agreements(request, pk: int):
    """Confirm (GET) then start (POST) « générer toutes les conventions de la séance »."""
    session = get_object_or_404(Session, pk=pk)
    subsidies = batch.session_agreement_subsidies(session)
    batch.fail_stale_jobs(session.batch_jobs.all())
    if request.method == "POST":
        try:
            job = batch.batch_job_start(session=session, user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.info(request, JOB_STARTED.format(total=job.total, plural=pluralize(job.total)))
        return redirect(reverse("deliberations:session_detail", args=[session.pk]) + "#lot")
    return render(
        request,
        "conventions/session_agreements.html",
        {
            "session": session,
            "subsidies": subsidies,
            "running": batch.running_job(session),
            "threshold": settings.AGREEMENT_THRESHOLD,
        },
    )


JOB_ACTIONS = {
    "start": "Démarrage",
    "finish": "Fin",
    "fail": "Arrêt (erreurs ou interruption)",
    "restart": "Reprise",
}
JOB_RESTARTED = "Traitement repris : la génération reprend là où elle s'était arrêtée."


def _job(pk: int) -> BatchJob:
    """A job, after the stale check (someone looking is when a lost worker shows)."""
    batch.fail_stale_jobs(BatchJob.objects.filter(pk=pk))
    return get_object_or_404(BatchJob.objects.select_related("session", "created_by"), pk=pk)


@require("view")
def batch_job_list(request):
    """The batch jobs, most recent first, with their state and progress."""
    batch.fail_stale_jobs()
    jobs = BatchJob.objects.select_related("session", "created_by").order_by("-created_at", "-pk")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    stale_minutes = max(1, settings.SUBVENTIONS_BATCH_STALE_AFTER // 60)
    return render(
        request,
        "conventions/batch_job_list.html",
        {"page": page, "jobs": page, "stale_minutes": stale_minutes},
    )


@require("view")
def batch_job_detail(request, pk: int):
    """One job: its state, progress, dates, errors, its subsidies one by one and its
    history; « Reprendre » when it was interrupted or finished with errors."""
    job = _job(pk)
    return render(
        request,
        "conventions/batch_job_detail.html",
        {
            "job": job,
            "interruption": batch.interruption(job),
            "items": job.items.select_related("subsidy__beneficiary", "agreement"),
            "transitions": [
                {
                    "at": log.at,
                    "label": JOB_ACTIONS.get(log.action, log.action),
                    "from": BatchJobStatus(log.from_status).label,
                    "to": BatchJobStatus(log.to_status).label,
                    "user": log.user,
                    "comment": log.comment,
                }
                for log in job.transitions.select_related("user").order_by("at", "pk")
            ],
            "can_restart": job.status == BatchJobStatus.FAILED
            and permissions.can_generate_agreements(request.user)[0],
        },
    )


@require("prepare_agreements")
@require_POST
def batch_job_restart(request, pk: int):
    job = _job(pk)
    try:
        batch.batch_job_restart(job=job, user=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.info(request, JOB_RESTARTED)
    return redirect("conventions:batch_job_detail", pk=job.pk)


@require("view")
def batch_job_status(request, pk: int):
    """The progress of a batch job, as JSON (polled by the session page)."""
    return JsonResponse(batch.job_status(_job(pk)))


# One agreement or amendment


SIGNED = "{document} : signature de la collectivité enregistrée ; le document est en vigueur."
BENEFICIARY_SIGNED = "{document} : signature du bénéficiaire enregistrée."
NO_SUCH_PIECE = "Ce document n'a pas cette pièce."
PIECES = {"generee": "generated_pdf", "beneficiaire": "beneficiary_scan"}
PIECE_NAMES = {
    "generee": "Le PDF produit",
    "beneficiaire": "L'exemplaire signé par le bénéficiaire",
}
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
    try:
        return signing.verify_pdf(files.read_stored(document.signed_pdf, what="Le PDF signé"))
    except ValidationError:  # missing or unreadable: the page says so (stored_file_problems)
        return []


def _done(request, message: str, kind: str, pk: int) -> None:
    """The step's message, followed by what comes next and who does it."""
    messages.success(request, f"{message} {next_step(_document(kind, pk))}")


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
            "deliberation": granting_deliberation(agreement.subsidy),
            "amendments": agreement.amendments.order_by("number"),
            "signature_reports": _signature_reports(document),
            "file_alerts": document.stored_file_problems(),
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
    try:
        if piece:
            sha256 = document.generated_pdf_sha256 if field == "generated_pdf" else ""
            content = files.read_stored(file, what=PIECE_NAMES[piece], sha256=sha256)
            name = f"{_file_name(document)}-{piece}.pdf"
        else:
            content = rendering.render_pdf(document)
            name = f"{_file_name(document)}.pdf"
    except ValidationError as error:  # a kept file missing or altered: said, not served
        messages.error(request, " ".join(error.messages))
        return redirect("conventions:agreement_detail", kind, document.pk)
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
                    signatures.document_sign_paper(
                        document=document,
                        user=request.user,
                        scan=paper.cleaned_data["scan"],
                        signed_on=paper.cleaned_data["signed_on"],
                        beneficiary_signed_on=paper.cleaned_data["beneficiary_signed_on"],
                        **paper.confirmation(),
                    )
                    _done(request, SIGNED.format(document=document), kind, pk)
                    return redirect("conventions:agreement_detail", kind, pk)
            elif method == "electronique":
                electronic = ElectronicSignatureForm(
                    request.POST, request.FILES, prefix="electronique"
                )
                if electronic.is_valid():
                    signatures.document_sign_electronic(
                        document=document,
                        user=request.user,
                        p12=electronic.cleaned_data["p12"].read(),
                        password=electronic.cleaned_data["password"],
                        **electronic.confirmation(),
                    )
                    _done(request, SIGNED.format(document=document), kind, pk)
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
                signatures.document_record_beneficiary_signature(
                    document=document, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                _done(request, BENEFICIARY_SIGNED.format(document=document), kind, pk)
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


# Sending to the beneficiary (conventions.mailing)


@require("prepare_agreements")
@require_http_methods(["GET", "POST"])
def agreement_email(request, kind: str, pk: int):
    """Confirm (GET) then send (POST) the document's PDF to the beneficiary's contact."""
    document = _document(kind, pk)
    if request.method == "POST":
        try:
            mailing.document_email(document=document, user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            sent = mailing.SENT.format(
                document=document,
                e="" if kind == "avenant" else "e",
                email=document.subsidy.beneficiary.email,
            )
            _done(request, sent, kind, pk)
        return redirect("conventions:agreement_detail", kind, pk)
    return render(
        request,
        "conventions/agreement/email.html",
        {
            "document": document,
            "kind": kind,
            "subsidy": document.subsidy,
            "refusal": mailing.email_refusal(document),
            "file_name": mailing.file_name(document),
        },
    )


# One agreement from its file (the same service as the batch of a session)

PREPARED = "{agreement} préparée : vérifiez-la puis envoyez-la au bénéficiaire."


@require("prepare_agreements")
@require_http_methods(["GET", "POST"])
def subsidy_agreement_prepare(request, pk: int):
    """Confirm (GET) then prepare (POST) the agreement of one voted file."""
    subsidy = get_object_or_404(Subsidy.objects.for_list(), pk=pk)
    if request.method == "POST":
        try:
            agreement = services.agreement_create(subsidy=subsidy, user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("subventions:subsidy_detail", subsidy.pk)
        messages.success(request, f"{PREPARED.format(agreement=agreement)} {next_step(agreement)}")
        return redirect("conventions:agreement_detail", "convention", agreement.pk)
    return render(
        request,
        "conventions/subsidy_agreement_prepare.html",
        {
            "subsidy": subsidy,
            "refusal": preparation_refusal(subsidy),
            "threshold": settings.AGREEMENT_THRESHOLD,
        },
    )


def preparation_refusal(subsidy: Subsidy) -> str:
    """Why the file's agreement cannot be prepared now (the service's reasons), or ""."""
    if subsidy.status != SubsidyStatus.VOTED:
        return services.SUBSIDY_NOT_VOTED.format(
            subsidy=subsidy.reference, status=subsidy.get_status_display()
        )
    existing = Agreement.objects.filter(subsidy=subsidy).first()
    if existing is not None:
        return services.ALREADY_AN_AGREEMENT.format(
            subsidy=subsidy.reference, number=existing.number
        )
    return ""
