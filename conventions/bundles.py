"""« Télécharger le dossier complet »: what an auditor or the regional chamber of accounts
asks for, as a ZIP with a manifest (manifeste.csv) giving each file's SHA-256.

- A subsidy's file: the request as a PDF, the deliberation granting it (its signed extract
  and its frozen act), the agreement and its amendments as signed (else as generated),
  the payments and clawbacks, the financial report, the history. Built on request.
- A session's file: every act of the session and every agreement of its subsidies. Built
  in the background (a Celery task, conventions.models.Bundle), kept in the private
  storage, downloaded from a permission-checked view once ready.

A build whose worker was killed stops showing progress: after
settings.SUBVENTIONS_BATCH_STALE_AFTER seconds without any, it is marked failed with a
French message (when someone looks at it or asks for the session's file again) and may be
started again (`bundle_restart`); the ZIP is kept only once complete, so a half-built one
is never handed out.

The kept documents are read back with their SHA-256 (a file altered on disk is refused by
core.files.read_stored); nothing kept is regenerated.
"""

import csv
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import jobs
from core.exports import spreadsheet_text
from core.files import read_stored
from core.formatting import decimal_comma
from core.models import TransitionLog
from core.pdf import render_to_pdf
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, Session
from subventions.models import Subsidy

from . import rendering
from .enums import BundleStatus
from .models import Agreement, Bundle

logger = logging.getLogger(__name__)

MANIFEST = "manifeste.csv"
REQUEST_PDF = "conventions/pdf/bundle_request.html"
UNREADABLE = "{name} : {reason}"
FAILED = "Le dossier complet n'a pas pu être constitué ({error})."
STALE = (
    "Préparation interrompue : aucune progression depuis {minutes} minute{plural} "
    "({done} document{done_plural} sur {total} rassemblé{done_plural}). Relancez-la."
)
NOT_RESTARTABLE = "Seul un dossier complet en échec peut être relancé (il est « {status} »)."
ACTIVE = (BundleStatus.PENDING, BundleStatus.RUNNING)


@dataclass(frozen=True)
class Piece:
    """One file of the ZIP: its name, what it is, and how to read its bytes."""

    name: str
    description: str
    read: Callable[[], bytes]


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text).strip("-")


AMOUNT = re.compile(r"-?\d+(,\d+)?")


def _csv_cell(cell):
    if not isinstance(cell, str) or AMOUNT.fullmatch(cell):
        return cell
    return spreadsheet_text(cell)


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    # Names and reasons typed by people (an association's account among them) never run
    # as a formula in the spreadsheet that opens the file; an amount (« -1500,00 ») stays
    # a number.
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    # UTF-8 with its BOM: a spreadsheet opens the accents right.
    return out.getvalue().encode("utf-8-sig")


def _act_pieces(deliberation: Deliberation, prefix: str) -> list[Piece]:
    number = _safe((deliberation.number or f"projet-{deliberation.pk}").replace(" ", ""))
    pieces = []
    if deliberation.extract_pdf:
        pieces.append(
            Piece(
                f"{prefix}deliberation-{number}-extrait-signe.pdf",
                f"Extrait signé de la délibération {deliberation.number}",
                lambda: _extract_bytes(deliberation),
            )
        )
    if deliberation.pdf:
        pieces.append(
            Piece(
                f"{prefix}deliberation-{number}.pdf",
                f"Délibération {deliberation.number} (acte figé)",
                deliberation.frozen_pdf_bytes,
            )
        )
    return pieces


def _extract_bytes(deliberation: Deliberation) -> bytes:
    return read_stored(
        deliberation.extract_pdf,
        what="L'extrait signé de la délibération",
        sha256=deliberation.extract_sha256,
    )


def _document_pieces(agreement: Agreement, prefix: str) -> list[Piece]:
    pieces = [
        Piece(
            f"{prefix}{_safe(agreement.number)}.pdf",
            f"Convention {agreement.number} ({agreement.get_status_display().lower()})",
            lambda: rendering.render_pdf(agreement),
        )
    ]
    for amendment in agreement.amendments.order_by("number"):
        pieces.append(
            Piece(
                f"{prefix}{_safe(amendment.reference)}.pdf",
                f"Avenant n° {amendment.number} ({amendment.get_status_display().lower()})",
                lambda amendment=amendment: rendering.render_pdf(amendment),
            )
        )
    return pieces


def _payments_csv(subsidy: Subsidy) -> bytes:
    rows = [
        (
            "Versement",
            payment.date.isoformat(),
            payment.mandate_number,
            decimal_comma(payment.amount),
            payment.instalment.label if payment.instalment else "",
        )
        for payment in subsidy.payments.select_related("instalment").order_by("date", "pk")
    ]
    rows += [
        (
            "Reversement",
            clawback.date.isoformat(),
            clawback.recovery_order,
            decimal_comma(-clawback.amount),
            clawback.reason,
        )
        for clawback in subsidy.clawbacks.order_by("date", "pk")
    ]
    return _csv(["Nature", "Date", "Mandat ou titre", "Montant (€)", "Échéance ou motif"], rows)


def _history_csv(subsidy: Subsidy, agreement: Agreement | None) -> bytes:
    objects = [("Dossier", subsidy)]
    report = getattr(subsidy, "financial_report", None)
    if report is not None:
        objects.append(("Compte rendu financier", report))
    if agreement is not None:
        objects.append(("Convention", agreement))
        objects += [(f"Avenant n° {a.number}", a) for a in agreement.amendments.all()]
    logs = sorted(
        ((log, label) for label, obj in objects for log in _logs_of(obj)),
        key=lambda pair: (pair[0].at, pair[0].pk),
    )
    rows = []
    for log, label in logs:
        rows.append(
            (
                timezone.localtime(log.at).strftime("%d/%m/%Y %H:%M"),
                label,
                log.get_from_status_display(),
                log.get_to_status_display(),
                log.user.get_full_name() or log.user.get_username(),
                log.comment,
            )
        )
    return _csv(["Le", "Objet", "De", "Vers", "Par", "Commentaire"], rows)


def _logs_of(obj):
    return (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("user")
        .order_by("at", "pk")
    )


def subsidy_pieces(subsidy: Subsidy) -> list[Piece]:
    """Every document of a subsidy's complete file, in the order of its life."""
    agreement = Agreement.objects.filter(subsidy=subsidy).first()
    ref = _safe(subsidy.reference)
    pieces = [
        Piece(
            f"01-demande-{ref}.pdf",
            "La demande et le dossier (données saisies)",
            lambda: render_to_pdf(REQUEST_PDF, request_context(subsidy)),
        )
    ]
    deliberations = (
        Deliberation.objects.filter(links__subsidy=subsidy)
        .exclude(status=DeliberationStatus.DRAFT)
        .order_by("pk")
        .distinct()
    )
    for deliberation in deliberations:
        pieces += _act_pieces(deliberation, "02-")
    if agreement is not None:
        pieces += _document_pieces(agreement, "03-")
    pieces.append(
        Piece("04-versements.csv", "Versements et reversements", lambda: _payments_csv(subsidy))
    )
    report = getattr(subsidy, "financial_report", None)
    if report is not None and report.file:
        pieces.append(
            Piece(
                "05-compte-rendu-financier.pdf",
                f"Compte rendu financier ({report.get_status_display().lower()})",
                lambda: read_stored(report.file, what="Le compte rendu financier"),
            )
        )
    pieces.append(
        Piece(
            "06-historique.csv",
            "Historique des statuts",
            lambda: _history_csv(subsidy, agreement),
        )
    )
    return pieces


def request_context(subsidy: Subsidy) -> dict:
    subsidy = (
        Subsidy.objects.for_list()
        .prefetch_related("axes", "cofundings__partner_links__partner")
        .get(pk=subsidy.pk)
    )
    return {"subsidy": subsidy, "printed_on": timezone.localdate()}


def session_pieces(session: Session) -> list[Piece]:
    """Every act of the session, then every agreement of its subsidies."""
    pieces = []
    deliberations = session.deliberations.exclude(status=DeliberationStatus.DRAFT).order_by(
        "number", "pk"
    )
    for deliberation in deliberations:
        pieces += _act_pieces(deliberation, "actes/")
    agreements = (
        Agreement.objects.filter(subsidy__deliberations__session=session)
        .distinct()
        .order_by("number")
    )
    for agreement in agreements:
        pieces += _document_pieces(agreement, "conventions/")
    return pieces


def write_zip(pieces: list[Piece], out, progress: Callable[[int], None] | None = None) -> None:
    """The ZIP of `pieces` then its manifest (name, SHA-256, size, description).

    A kept document that cannot be read (missing, altered on disk) stops the build with
    its French reason: an incomplete file is never handed out as complete.
    """
    rows = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, piece in enumerate(pieces, start=1):
            try:
                content = piece.read()
            except ValidationError as error:
                raise ValidationError(
                    UNREADABLE.format(name=piece.name, reason=" ".join(error.messages))
                ) from error
            archive.writestr(piece.name, content)
            rows.append(
                (piece.name, hashlib.sha256(content).hexdigest(), len(content), piece.description)
            )
            if progress:
                progress(index)
        archive.writestr(
            MANIFEST, _csv(["Fichier", "SHA-256", "Taille (octets)", "Description"], rows)
        )


def subsidy_zip(subsidy: Subsidy) -> bytes:
    out = io.BytesIO()
    write_zip(subsidy_pieces(subsidy), out)
    return out.getvalue()


def subsidy_zip_name(subsidy: Subsidy) -> str:
    return f"dossier-complet-{_safe(subsidy.reference)}.zip"


def session_zip_name(session: Session) -> str:
    return f"dossier-complet-seance-{session.date.isoformat()}-{session.get_body_display()}.zip"


# A session's file, in the background


def stale_bundles(queryset=None):
    """Builds pending or running without progress for SUBVENTIONS_BATCH_STALE_AFTER."""
    queryset = Bundle.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=ACTIVE).filter(jobs.quiet_since(jobs.stale_limit()))


def fail_stale_bundles(queryset=None) -> list[Bundle]:
    """Mark failed, with their French reason, the builds that stopped moving (a worker
    killed, or none running); they may then be started again. Returns them."""

    def save(bundle: Bundle) -> None:
        bundle._history_user = bundle.created_by
        bundle.save()
        logger.warning("Bundle %s: %s", bundle.pk, bundle.error)

    return jobs.fail_stale(
        stale_bundles,
        Bundle.objects.all() if queryset is None else queryset,
        failed_status=BundleStatus.FAILED,
        message=STALE,
        save=save,
    )


@transaction.atomic
def bundle_start(*, session: Session, user) -> Bundle:
    """Ask for the session's complete file: built by a task once this transaction commits.

    A build of the session already under way is returned rather than started twice (two
    clerks clicking at once get the same one: the session row is locked while checking).
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    fail_stale_bundles(session.bundles.all())
    running = session.bundles.filter(status__in=ACTIVE).order_by("-pk").first()
    if running is not None:
        return running
    bundle = Bundle(
        session=session,
        created_by=user,
        total=len(session_pieces(session)),
        progressed_at=timezone.now(),
    )
    bundle._history_user = user
    bundle.full_clean()
    bundle.save()
    transaction.on_commit(lambda: build_bundle.delay(bundle.pk))
    return bundle


@transaction.atomic
def bundle_restart(*, bundle: Bundle, user) -> Bundle:
    """Start again a build that failed or was interrupted; refused for any other one."""
    Session.objects.select_for_update().filter(pk=bundle.session_id).values_list("pk").get()
    fail_stale_bundles(Bundle.objects.filter(pk=bundle.pk))
    bundle = Bundle.objects.select_for_update().select_related("session").get(pk=bundle.pk)
    if bundle.status != BundleStatus.FAILED:
        raise ValidationError(
            NOT_RESTARTABLE.format(status=bundle.get_status_display().lower()), code="status"
        )
    bundle.status, bundle.error, bundle.done = BundleStatus.PENDING, "", 0
    bundle.total = len(session_pieces(bundle.session))
    bundle.finished_at, bundle.progressed_at = None, timezone.now()
    bundle._history_user = user
    bundle.full_clean()
    bundle.save()
    transaction.on_commit(lambda: build_bundle.delay(bundle.pk))
    return bundle


def bundle_build(bundle_id: int) -> Bundle:
    """Build the ZIP, its progress written as it goes; kept in the private storage.

    The build is claimed first (one worker at a time): a pending one, or one whose worker
    was killed (running without progress for too long, its message delivered again).
    """
    claimable = Q(status=BundleStatus.PENDING) | (
        Q(status=BundleStatus.RUNNING) & jobs.quiet_since(jobs.stale_limit())
    )
    claimed = (
        Bundle.objects.filter(pk=bundle_id)
        .filter(claimable)
        .update(status=BundleStatus.RUNNING, done=0, progressed_at=timezone.now())
    )
    bundle = Bundle.objects.select_related("session").get(pk=bundle_id)
    if not claimed:  # finished, or being built by another worker
        return bundle
    pieces = session_pieces(bundle.session)
    out = io.BytesIO()
    try:
        write_zip(
            pieces,
            out,
            progress=lambda done: Bundle.objects.filter(pk=bundle_id).update(
                done=done, progressed_at=timezone.now()
            ),
        )
    except Exception as error:  # said on the progress page, never a lost job
        if isinstance(error, ValidationError):
            reason = " ".join(error.messages)
        else:
            logger.exception("Bundle %s failed", bundle_id)
            reason = type(error).__name__
        bundle.refresh_from_db()
        bundle.status, bundle.error = BundleStatus.FAILED, FAILED.format(error=reason)
        bundle.finished_at = timezone.now()
        bundle.save()
        return bundle
    content = out.getvalue()
    bundle.refresh_from_db()
    bundle.file.save(session_zip_name(bundle.session), ContentFile(content), save=False)
    bundle.sha256 = hashlib.sha256(content).hexdigest()
    bundle.status, bundle.done, bundle.total = BundleStatus.DONE, len(pieces), len(pieces)
    bundle.error = ""
    bundle.finished_at = bundle.progressed_at = timezone.now()
    bundle.full_clean()
    bundle.save()
    return bundle


@shared_task(name="conventions.build_bundle", acks_late=True, ignore_result=True)
def build_bundle(bundle_id: int) -> None:
    bundle_build(bundle_id)
