"""Staff pages of the deliberations app: deliberations and sessions.

Views stay thin: they check the permission (subventions.permissions), validate with the
forms (deliberations.forms) and write through the services (deliberations.services); a
refusal is shown on the form and nothing is saved. What higher layers add to these pages
(the agreements of a session) comes through core.panels.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from core import dataversion, exports
from core.formatting import short_date
from core.modeling import subquery_count
from core.views import Listing, apply_service_error, paginate, request_key, run_form
from subventions.exports import listing_export
from subventions.permissions import refuse_unless, require

from . import permissions, rendering, selectors, services
from .enums import DeliberationStatus
from .filters import DeliberationFilter
from .forms import (
    DeliberationTextForm,
    ExecutoryForm,
    PlaceDraftForm,
    PlaceForm,
    SessionForm,
    VoteForm,
    record_vote,
)
from .models import EXECUTORY_NOT_ADOPTED, Deliberation, Session
from .next_steps import next_step

DELIBERATION_COLUMNS = [
    exports.Column("Numéro", lambda d: d.number),
    exports.Column("Instance", lambda d: d.session.body_label if d.session else ""),
    exports.Column("Séance", lambda d: d.session.date if d.session else None),
    exports.Column("Politique publique", lambda d: d.policy_area.label),
    exports.Column("Titre", lambda d: d.title),
    exports.Column("Statut", lambda d: d.get_status_display()),
    exports.Column(
        "Bénéficiaires",
        lambda d: ", ".join(str(link.subsidy.beneficiary) for link in d.links.all()),
    ),
    exports.Column(
        "Dossiers", lambda d: ", ".join(link.subsidy.reference for link in d.links.all())
    ),
    exports.Column("Montant total", lambda d: d.total),
    exports.Column("Exécutoire le", lambda d: d.executory_date),
]


DELIBERATIONS = Listing(
    filterset=DeliberationFilter,
    rows=selectors.deliberation_list,
    page_rows=selectors.deliberation_list_rows,
    template="deliberations/deliberation_list.html",
    export_url="deliberations:deliberation_export",
    filename="deliberations",
    title="Délibérations",
    columns=DELIBERATION_COLUMNS,
)


@require("view")
def deliberation_list(request):
    return DELIBERATIONS.page(request)


@require("export")
def deliberation_export(request, fmt: str):
    return listing_export(request, DELIBERATIONS, fmt)


# Sessions


SESSION_SAVED = "La séance « {session} » est enregistrée."
PLACED = "La délibération {number} est inscrite à la séance."
TEXT_SAVED = "Le texte de la délibération {deliberation} est enregistré."
VOTE_SAVED = "Vote enregistré : la délibération {number} est {status}."
EXECUTORY_SAVED = "La délibération {number} est exécutoire depuis le {date}."


@require("view")
def session_list(request):
    """Upcoming sessions first (soonest first), then past ones (latest first)."""
    today = timezone.localdate()
    # A correlated subquery: counted for the shown sessions only, no GROUP BY.
    sessions = Session.objects.annotate(
        deliberation_count=subquery_count(Deliberation.objects.all(), link="session")
    )
    upcoming = sessions.filter(date__gte=today).order_by("date", "time")
    past = sessions.filter(date__lt=today).order_by("-date", "-time")
    # Keyed by the request (it sets the query, with the day), not by the compiled SQL.
    page = paginate(request, past, rows_by_key=sessions, key=request_key(request))
    # Read once for each version of the data, as the page (core.dataversion).
    upcoming_rows = dataversion.remember(
        page.paginator.version, repr(("upcoming-sessions", today)), lambda: list(upcoming)
    )
    return render(
        request,
        "deliberations/session_list.html",
        {"upcoming": upcoming_rows, "page": page, "past": page.object_list, "today": today},
    )


def _session_form(request, session: Session | None):
    form = SessionForm(request.POST or None, instance=session or Session())
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                session = services.session_create(user=request.user, **form.model_data())
            else:
                session = services.session_update(
                    session=Session.objects.get(pk=session.pk),
                    user=request.user,
                    **form.model_data(),
                )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, SESSION_SAVED.format(session=session))
            return redirect("deliberations:session_detail", pk=session.pk)
    return render(request, "deliberations/session_form.html", {"form": form, "session": session})


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_create(request):
    return _session_form(request, None)


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_update(request, pk: int):
    return _session_form(request, get_object_or_404(Session, pk=pk))


@require("view")
def session_detail(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    agenda = selectors.session_agenda(session)
    user = request.user
    can_manage = permissions.can_manage_sessions(user)[0]
    return render(
        request,
        "deliberations/session_detail.html",
        {
            "session": session,
            "agenda": [
                (
                    deliberation,
                    # Our templates escape every value they print (deliberations.rendering).
                    mark_safe(rendering.render_html_body(deliberation)),
                    permissions.can_edit_deliberation_text(user, deliberation)[0],
                )
                for deliberation in agenda
            ],
            "can_manage": can_manage,
            "attendance": session.attendance_summary(),
        },
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_place(request, pk: int):
    """Place proposed subsidies (in a new deliberation) or a draft deliberation on the
    session; the service numbers it. A refusal is shown on the form, nothing is saved."""
    session = get_object_or_404(Session, pk=pk)
    data = request.POST if request.method == "POST" else None
    is_draft = data is not None and "projet-deliberation" in data
    place_form = PlaceForm(None if is_draft else data, prefix="inscrire")
    draft_form = PlaceDraftForm(data if is_draft else None, prefix="projet")
    form = draft_form if is_draft else place_form
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            if is_draft:
                deliberation = services.deliberation_place_on_session(
                    deliberation=values["deliberation"], session=session, user=request.user
                )
            else:
                deliberation = services.deliberation_create(
                    user=request.user,
                    subsidies=values["subsidies"],
                    title=values["title"],
                    number=values["number"],
                    session=session,
                )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"{PLACED.format(number=deliberation.number)} {next_step(deliberation)}"
            )
            return redirect("deliberations:session_detail", pk=session.pk)
    return render(
        request,
        "deliberations/session_place.html",
        {"session": session, "place_form": place_form, "draft_form": draft_form},
    )


# Deliberations


@require("view")
def deliberation_detail(request, pk: int):
    deliberation = get_object_or_404(
        selectors.deliberation_list().select_related("voted_by"), pk=pk
    )
    user = request.user
    return render(
        request,
        "deliberations/deliberation_detail.html",
        {
            "deliberation": deliberation,
            "preview": mark_safe(rendering.render_html_body(deliberation)),
            "can_edit_text": permissions.can_edit_deliberation_text(user, deliberation)[0],
            "can_manage": permissions.can_manage_sessions(user)[0],
            "links": deliberation.links.all(),
            **_act_context(deliberation),
            "file_alerts": [problem] if (problem := deliberation.stored_file_problem()) else [],
        },
    )


def _act_context(deliberation: Deliberation) -> dict:
    """The life of the act after the vote (issue 11, issue 14 item 3) on its page."""
    if not deliberation.is_frozen:
        return {}
    adopted = deliberation.status == DeliberationStatus.ADOPTED
    return {
        "act_mode": services.publication_mode(deliberation) if adopted else None,
        "manual_executory": adopted
        and deliberation.executory_date is None
        and deliberation.session.date < services.acts_in_application_since(),
        "correction_refusal": services.correction_refusal(deliberation),
        "corrections": deliberation.corrections.select_related("corrected_by"),
        "interested_voters": deliberation.interested_voters.select_related(
            "member", "confirmed_by"
        ),
    }


@require("view")
def deliberation_pdf(request, pk: int):
    """The PDF: the adopted one exactly as frozen (its SHA-256 checked), else built now."""
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    try:
        content = rendering.render_pdf(deliberation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    name = (deliberation.number or f"projet-{deliberation.pk}").replace(" ", "")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deliberation-{name}.pdf"'
    return response


STEP_TEMPLATE = "deliberations/deliberation_step.html"


def _deliberation_step(request, pk, *, form, step: dict, refusal: str | None, run, done):
    """A page with one form for one deliberation: show it, run the service on POST, show
    the service's refusal on the form (nothing saved) or go back to the deliberation."""
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    if refusal is None:
        saved = run_form(request, form, lambda data: run(deliberation, data))
        if saved is not None:
            messages.success(request, f"{done(saved)} {next_step(saved)}")
            return redirect("deliberations:deliberation_detail", pk=saved.pk)
    return render(
        request,
        STEP_TEMPLATE,
        {
            **step,
            "deliberation": deliberation,
            "form": form,
            "refusal": refusal,
            "preview": mark_safe(rendering.render_html_body(deliberation)),
        },
    )


@require("view")
@require_http_methods(["GET", "POST"])
def deliberation_text(request, pk: int):
    """Edit the title and free sections of a draft (Responsable de service, Secrétariat)."""
    deliberation = get_object_or_404(Deliberation, pk=pk)
    allowed, reason = permissions.can_edit_deliberation_text(request.user)
    refuse_unless((allowed, reason))
    allowed, reason = permissions.can_edit_deliberation_text(request.user, deliberation)
    form = DeliberationTextForm(request.POST or None, instance=deliberation)

    def run(deliberation, data):
        return services.deliberation_update(
            deliberation=deliberation,
            user=request.user,
            **{name: data[name] for name in DeliberationTextForm.Meta.fields},
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Texte de la délibération",
            "submit_label": "Enregistrer le texte",
            "intro": "Les sections libres du texte ; le reste (axes, financement, décisions) "
            "est généré à partir du dossier.",
        },
        refusal=None if allowed else reason,
        run=run,
        done=lambda d: TEXT_SAVED.format(deliberation=d.number or d.title),
    )


def _vote_refusal(deliberation: Deliberation) -> str | None:
    if deliberation.status != DeliberationStatus.DRAFT:
        return services.NOT_DRAFT.format(
            status=deliberation.get_status_display().lower(), action="l'enregistrement du vote"
        )
    if not deliberation.number:
        return services.NOT_PLACED
    return None


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_vote(request, pk: int):
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    # The members with an interest in a beneficiary are proposed as not taking part.
    form = VoteForm(request.POST or None, deliberation=deliberation)

    def run(deliberation, data):
        return record_vote(deliberation, request.user, data)

    intro = (
        "À l'unanimité, ou le nombre de voix pour, contre et d'abstentions, dans la limite "
        "des présents et représentés. Une fois le vote enregistré, la délibération est figée."
    )
    if deliberation.session_id:
        summary = deliberation.session.attendance_summary()
        if summary.in_office:
            intro = f"{summary.sentence} ; {summary.represented} représentés. {intro}"
    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Enregistrer le vote",
            "submit_label": "Confirmer le vote",
            "intro": intro,
        },
        refusal=_vote_refusal(deliberation),
        run=run,
        done=lambda d: VOTE_SAVED.format(number=d.number, status=d.get_status_display().lower()),
    )


def _executory_refusal(deliberation: Deliberation) -> str | None:
    if deliberation.status != DeliberationStatus.ADOPTED:
        return EXECUTORY_NOT_ADOPTED
    if deliberation.executory_date is not None:
        return services.EXECUTORY_ALREADY_SET.format(date=short_date(deliberation.executory_date))
    since = services.acts_in_application_since()
    if deliberation.session.date >= since:
        return services.EXECUTORY_MANUAL_ONLY_OLD_ACTS.format(
            session=short_date(deliberation.session.date), since=short_date(since)
        )
    return None


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def deliberation_executory(request, pk: int):
    deliberation = get_object_or_404(Deliberation.objects.select_related("session"), pk=pk)
    form = ExecutoryForm(request.POST or None)

    def run(deliberation, data):
        return services.deliberation_set_executory(
            deliberation=deliberation, date=data["date"], reason=data["reason"], user=request.user
        )

    return _deliberation_step(
        request,
        pk,
        form=form,
        step={
            "step_title": "Date exécutoire",
            "submit_label": "Enregistrer la date exécutoire",
            "intro": "Pour un acte voté avant la mise en service de l'application : la date "
            "à laquelle il a été transmis au préfet et publié (ou affiché), avec son motif. "
            "Le PDF est certifié exécutoire à cette date. Les autres actes deviennent "
            "exécutoires par leur transmission et leur publication.",
        },
        refusal=_executory_refusal(deliberation),
        run=run,
        done=lambda d: EXECUTORY_SAVED.format(number=d.number, date=short_date(d.executory_date)),
    )
