"""The act after the vote (issue 11 items 3 to 5, issue 14 item 3): the secretariat's
steps on a deliberation — transmission to the prefecture, acknowledgment, publication or
display, corrections of the vote and of a typed executory date, the list of a session's
deliberations — and the public page « Actes publiés » (no login).

Staff steps reuse the one-form page of deliberations.views (`_deliberation_step`); the
public pages serve only published acts.
"""

import hashlib
import re
import unicodedata

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.formatting import short_date
from core.views import paginate, run_form
from subventions.permissions import require

from . import services
from .enums import FROZEN_STATUSES, DeliberationStatus
from .forms import (
    AcknowledgmentForm,
    ActDateForm,
    ActSearchForm,
    CorrectExecutoryForm,
    CorrectVoteForm,
    TransmissionForm,
    vote_arguments,
)
from .models import Deliberation, Session
from .views import _deliberation_step

TRANSMITTED = "La délibération {number} est envoyée en préfecture le {date}."
ACKNOWLEDGED = "Accusé de réception enregistré : {act_id}, reçue le {date}."
PUBLISHED = "La délibération {number} est publiée le {date}."
DISPLAYED = "L'affichage de la délibération {number} est constaté au {date}."
EXECUTORY_NOW = " Elle est exécutoire depuis le {date}."
VOTE_CORRECTED = "Le vote de la délibération {number} est corrigé ; la correction est conservée."
EXECUTORY_CORRECTED = "La date exécutoire de la délibération {number} est corrigée : {date}."
ACT_LIST_PUBLISHED = "La liste des délibérations de la séance est publiée le {date}."
PDF_UNAVAILABLE = "Le document de cet acte n'est pas disponible pour le moment."


def _act_refusal(deliberation: Deliberation) -> str | None:
    if deliberation.status != DeliberationStatus.ADOPTED:
        return services.ACT_NOT_ADOPTED
    if deliberation.executory_manual_reason:
        return services.ACT_MANUAL_EXECUTORY.format(date=short_date(deliberation.executory_date))
    return None


def _with_executory(message: str, deliberation: Deliberation) -> str:
    if deliberation.executory_date:
        message += EXECUTORY_NOW.format(date=short_date(deliberation.executory_date))
    return message


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_transmit(request, pk: int):
    deliberation = get_object_or_404(Deliberation, pk=pk)
    refusal = _act_refusal(deliberation)
    if refusal is None and deliberation.transmitted_on:
        refusal = services.ALREADY_TRANSMITTED.format(date=short_date(deliberation.transmitted_on))
    form = TransmissionForm(
        request.POST or None,
        initial={"sent_on": timezone.localdate(), "classification": deliberation.classification_id},
    )

    def run(deliberation, data):
        return services.deliberation_record_transmission(
            deliberation=deliberation,
            sent_on=data["sent_on"],
            classification=data["classification"],
            user=request.user,
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Transmettre en préfecture",
            "submit_label": "Enregistrer l'envoi en préfecture",
            "intro": "La date à laquelle l'acte est envoyé au contrôle de légalité (@CTES), "
            "avec sa matière dans la nomenclature de la préfecture. L'accusé de réception "
            "s'enregistre ensuite.",
        },
        refusal=refusal,
        run=run,
        done=lambda d: TRANSMITTED.format(number=d.number, date=short_date(d.transmitted_on)),
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_acknowledge(request, pk: int):
    """The acknowledgment typed from the prefecture's receipt (the XML receipt is imported
    by its own upload)."""
    deliberation = get_object_or_404(Deliberation, pk=pk)
    refusal = _act_refusal(deliberation)
    if refusal is None and not deliberation.transmitted_on:
        refusal = services.NOT_TRANSMITTED
    if refusal is None and deliberation.prefecture_act_id:
        refusal = services.ALREADY_ACKNOWLEDGED.format(
            act_id=deliberation.prefecture_act_id,
            date=short_date(deliberation.prefecture_received_on),
        )
    form = AcknowledgmentForm(request.POST or None)

    def run(deliberation, data):
        return services.deliberation_record_acknowledgment(
            deliberation=deliberation,
            act_id=data["act_id"],
            received_on=data["received_on"],
            user=request.user,
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Accusé de réception de la préfecture",
            "submit_label": "Enregistrer l'accusé de réception",
            "intro": "L'identifiant de l'acte et sa date de réception, tels que l'accusé de "
            "réception de la préfecture les donne.",
        },
        refusal=refusal,
        run=run,
        done=lambda d: _with_executory(
            ACKNOWLEDGED.format(
                act_id=d.prefecture_act_id, date=short_date(d.prefecture_received_on)
            ),
            d,
        ),
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_publish(request, pk: int):
    """« Publier » (online, acts adopted from 1 July 2022) or « Constater l'affichage »."""
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    refusal = _act_refusal(deliberation)
    publishing = deliberation.session is not None and (
        services.publication_mode(deliberation) == "publish"
    )
    done_on = deliberation.published_on if publishing else deliberation.displayed_on
    if refusal is None and done_on:
        template = services.ALREADY_PUBLISHED if publishing else services.ALREADY_DISPLAYED
        refusal = template.format(date=short_date(done_on))
    label = "Publiée le" if publishing else "Affichée le"
    form = ActDateForm(request.POST or None, label=label, initial={"date": timezone.localdate()})

    def run(deliberation, data):
        if publishing:
            return services.deliberation_publish(
                deliberation=deliberation, published_on=data["date"], user=request.user
            )
        return services.deliberation_record_display(
            deliberation=deliberation, displayed_on=data["date"], user=request.user
        )

    def done(d):
        if publishing:
            return _with_executory(
                PUBLISHED.format(number=d.number, date=short_date(d.published_on)), d
            )
        return _with_executory(
            DISPLAYED.format(number=d.number, date=short_date(d.displayed_on)), d
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Publier" if publishing else "Constater l'affichage",
            "submit_label": "Enregistrer la publication" if publishing else "Constater l'affichage",
            "intro": (
                "La date de publication de l'acte en ligne (ordonnance 2021-1310) ; il "
                "apparaît alors sur la page publique « Actes publiés »."
                if publishing
                else "L'acte a été adopté avant le 1er juillet 2022 : sa publicité est "
                "l'affichage. Il apparaît aussi sur la page publique « Actes publiés »."
            ),
        },
        refusal=refusal,
        run=run,
        done=done,
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_correct_vote(request, pk: int):
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    refusal = services.correction_refusal(deliberation)
    initial = {
        "unanimous": deliberation.unanimous,
        "votes_for": deliberation.votes_for,
        "votes_against": deliberation.votes_against,
        "abstentions": deliberation.abstentions,
    }
    form = CorrectVoteForm(request.POST or None, deliberation=deliberation, initial=initial)
    if refusal is None and request.method == "GET":
        form.fields["non_participating_members"].initial = list(
            deliberation.non_participating_members.values_list("pk", flat=True)
        )
        members = {str(member) for member in deliberation.non_participating_members.all()}
        others = [name for name in deliberation.non_participant_names if name not in members]
        form.fields["non_participants"].initial = "\n".join(others)

    def run(deliberation, data):
        return services.deliberation_correct_vote(
            deliberation=deliberation,
            reason=data["reason"],
            user=request.user,
            **vote_arguments(data),
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Corriger le vote",
            "submit_label": "Corriger le vote",
            "intro": "Pour un vote enregistré par erreur, tant que l'acte n'est ni transmis "
            "en préfecture ni publié. Le résultat (adoptée ou rejetée) ne change pas ; le "
            "texte est figé de nouveau et la correction reste dans l'historique.",
        },
        refusal=refusal,
        run=run,
        done=lambda d: VOTE_CORRECTED.format(number=d.number),
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_correct_executory(request, pk: int):
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    refusal = services.correction_refusal(deliberation)
    if refusal is None and not deliberation.executory_manual_reason:
        refusal = services.CORRECTION_NOT_MANUAL
    form = CorrectExecutoryForm(request.POST or None, initial={"date": deliberation.executory_date})

    def run(deliberation, data):
        return services.deliberation_correct_executory(
            deliberation=deliberation, date=data["date"], reason=data["reason"], user=request.user
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Corriger la date exécutoire",
            "submit_label": "Corriger la date exécutoire",
            "intro": "Pour une date saisie par erreur, tant que rien n'a été signé ni versé "
            "sur la foi de cette date. La correction reste dans l'historique.",
        },
        refusal=refusal,
        run=run,
        done=lambda d: EXECUTORY_CORRECTED.format(
            number=d.number, date=short_date(d.executory_date)
        ),
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_publish_act_list(request, pk: int):
    """CGCT L2121-25: the list of the session's deliberations, published within a week."""
    session = get_object_or_404(Session, pk=pk)
    refusal = None
    if session.act_list_published_on:
        refusal = services.ACT_LIST_ALREADY_PUBLISHED.format(
            date=short_date(session.act_list_published_on)
        )
    form = ActDateForm(
        request.POST or None,
        label="Liste publiée le",
        initial={"date": timezone.localdate()},
    )
    if refusal is None:
        saved = run_form(
            request,
            form,
            lambda data: services.session_publish_act_list(
                session=session, published_on=data["date"], user=request.user
            ),
        )
        if saved is not None:
            messages.success(
                request, ACT_LIST_PUBLISHED.format(date=short_date(saved.act_list_published_on))
            )
            return redirect("deliberations:session_detail", pk=session.pk)
    return render(
        request,
        "deliberations/acts/session_act_list.html",
        {"session": session, "form": form, "refusal": refusal},
    )


# The public page « Actes publiés » (no login)


def fold(text: str) -> str:
    """Lower case without accents: « Économie » and « economie » are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


_COMPACT_NUMBER = re.compile(r"^([0-9]{2})([BC])([0-9]{4})$")


def published_acts():
    """The adopted acts published online or displayed, latest first, with what the page
    shows (one query, whatever their number)."""
    return (
        Deliberation.objects.filter(status=DeliberationStatus.ADOPTED)
        .filter(Q(published_on__isnull=False) | Q(displayed_on__isnull=False))
        .select_related("session")
        .order_by("-session__date", "-number")
    )


def search_acts(acts, query: str):
    """A number typed with or without spaces (« 21b0110 »), else every word of the query
    in the number or the subject, accents and case aside."""
    compact = re.sub(r"\s+", "", query).upper()
    match = _COMPACT_NUMBER.match(compact)
    if match:
        return acts.filter(number=" ".join(match.groups()))
    words = [fold(word) for word in query.split()]
    if not words:
        return acts
    # Accent-insensitive on every database: the (short) numbers and titles of the
    # published acts are read once, and the page then loads only the acts that match.
    matching = [
        pk
        for pk, number, title in acts.values_list("pk", "number", "title")
        if all(word in fold(f"{number} {number.replace(' ', '')} {title}") for word in words)
    ]
    return acts.filter(pk__in=matching)


def public_act_list(request):
    form = ActSearchForm(request.GET or None)
    acts = published_acts()
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            acts = search_acts(acts, query)
    page = paginate(request, acts)
    voted = Deliberation.objects.filter(status__in=FROZEN_STATUSES).order_by("number")
    session_lists = (
        Session.objects.filter(act_list_published_on__isnull=False)
        .order_by("-date", "-time")
        .prefetch_related(Prefetch("deliberations", queryset=voted, to_attr="voted"))[:10]
    )
    return render(
        request,
        "deliberations/acts/public_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "acts": page.object_list,
            "session_lists": session_lists,
        },
    )


def _published_act(number: str) -> Deliberation:
    match = _COMPACT_NUMBER.match(number.upper())
    if not match:
        raise Http404("Aucun acte publié ne porte ce numéro.")
    act = published_acts().filter(number=" ".join(match.groups())).first()
    if act is None:
        raise Http404("Aucun acte publié ne porte ce numéro.")
    return act


def public_act_detail(request, number: str):
    """The permanent address of a published act: /actes/21B0110/."""
    act = _published_act(number)
    return render(
        request,
        "deliberations/acts/public_detail.html",
        {"act": act, "subsidies": act.links.select_related("subsidy__beneficiary")},
    )


def public_act_pdf(request, number: str):
    """The published act's PDF: the signed register extract when there is one, else the
    PDF frozen at the vote; each checked against its SHA-256 before it is served."""
    act = _published_act(number)
    try:
        content = _public_pdf(act)
    except (ValidationError, OSError):
        messages.error(request, PDF_UNAVAILABLE)
        return redirect("deliberations:public_act_detail", number=number)
    response = HttpResponse(content, content_type="application/pdf")
    name = act.number.replace(" ", "")
    response["Content-Disposition"] = f'inline; filename="acte-{name}.pdf"'
    return response


def _public_pdf(act: Deliberation) -> bytes:
    if act.extract_pdf:
        with act.extract_pdf.open("rb") as handle:
            content = handle.read()
        if act.extract_sha256 and hashlib.sha256(content).hexdigest() != act.extract_sha256:
            raise ValidationError(PDF_UNAVAILABLE)
        return content
    if not act.pdf:
        raise ValidationError(PDF_UNAVAILABLE)
    return act.frozen_pdf_bytes()
