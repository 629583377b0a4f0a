"""Staff pages of the register of elected members (issue 11 item 1): the members and their
interests, and per session its attendance sheet, president, secretary and convocation.

Thin like deliberations.views: permission checked (subventions.permissions), input shaped
by deliberations.forms, writes through deliberations.members, a refusal on the form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.modeling import subquery_count
from core.views import apply_service_error, paginate, run_form
from subventions.permissions import require

from . import members as services
from . import permissions
from .enums import AttendanceStatus
from .forms import AttendanceLineForm, ElectedMemberForm, InterestForm, SessionOfficersForm
from .models import ElectedMember, Interest, Session

FORM_TEMPLATE = "deliberations/members/form.html"
MEMBER_SAVED = "{member} : fiche enregistrée."
INTEREST_SAVED = "Intérêt de {member} enregistré."
ATTENDANCE_SAVED = "Feuille de présence enregistrée. {sentence}."
OFFICERS_SAVED = "Convocation, présidence et secrétariat de la séance enregistrés."


@require("view")
def member_list(request):
    # A correlated subquery: counted for the page's rows only, no GROUP BY.
    members = ElectedMember.objects.annotate(
        interest_count=subquery_count(Interest.objects.all(), link="member")
    ).order_by("last_name", "first_name", "pk")
    page = paginate(request, members)
    return render(
        request,
        "deliberations/members/member_list.html",
        {
            "page": page,
            "members": page.object_list,
            "can_manage": permissions.can_manage_elected_members(request.user)[0],
        },
    )


@require("view")
def member_detail(request, pk: int):
    member = get_object_or_404(ElectedMember, pk=pk)
    return render(
        request,
        "deliberations/members/member_detail.html",
        {
            "member": member,
            "interests": member.interests.select_related("beneficiary"),
            "attendances": member.attendances.select_related("session", "proxy_holder")[:20],
            "can_manage": permissions.can_manage_elected_members(request.user)[0],
        },
    )


def _form_page(request, *, form, title: str, back: str, run, done):
    saved = run_form(request, form, run)
    if saved is not None:
        messages.success(request, done(saved))
        return redirect(saved.get_absolute_url())
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "back": back})


@require("manage_elected_members")
@require_http_methods(["GET", "POST"])
def member_create(request):
    form = ElectedMemberForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        title="Nouvel élu",
        back="deliberations:member_list",
        run=lambda data: services.member_save(user=request.user, **form.model_data()),
        done=lambda member: MEMBER_SAVED.format(member=member),
    )


@require("manage_elected_members")
@require_http_methods(["GET", "POST"])
def member_update(request, pk: int):
    member = get_object_or_404(ElectedMember, pk=pk)
    form = ElectedMemberForm(request.POST or None, instance=member)
    return _form_page(
        request,
        form=form,
        title=f"Modifier la fiche de {member}",
        back="deliberations:member_list",
        run=lambda data: services.member_save(
            user=request.user,
            member=ElectedMember.objects.get(pk=member.pk),
            **form.model_data(),
        ),
        done=lambda member: MEMBER_SAVED.format(member=member),
    )


@require("manage_elected_members")
@require_http_methods(["GET", "POST"])
def interest_create(request, pk: int):
    member = get_object_or_404(ElectedMember, pk=pk)
    form = InterestForm(request.POST or None)

    def run(data):
        services.interest_save(user=request.user, member=member, **form.model_data())
        return member

    return _form_page(
        request,
        form=form,
        title=f"Déclarer un intérêt de {member}",
        back="deliberations:member_list",
        run=run,
        done=lambda member: INTEREST_SAVED.format(member=member),
    )


@require("manage_elected_members")
@require_http_methods(["GET", "POST"])
def interest_update(request, pk: int):
    interest = get_object_or_404(Interest.objects.select_related("member"), pk=pk)
    form = InterestForm(request.POST or None, instance=interest)

    def run(data):
        stored = Interest.objects.get(pk=interest.pk)
        services.interest_save(user=request.user, interest=stored, **form.model_data())
        return stored.member

    return _form_page(
        request,
        form=form,
        title=f"Modifier un intérêt de {interest.member}",
        back="deliberations:member_list",
        run=run,
        done=lambda member: INTEREST_SAVED.format(member=member),
    )


# Sessions: attendance sheet, president, secretary, convocation


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk: int):
    """Every member in office of the body, with a status and, when represented, the
    member present who holds the proxy; the whole sheet saved at once or not at all."""
    session = get_object_or_404(Session, pk=pk)
    rows = services.attendance_rows(session)
    holders = ElectedMember.objects.filter(pk__in=[row.member_id for row in rows])
    data = request.POST if request.method == "POST" else None
    forms = [
        AttendanceLineForm(
            data,
            prefix=f"m{row.member_id}",
            member=row.member,
            holders=holders,
            initial={"status": row.status, "proxy_holder": row.proxy_holder_id},
        )
        for row in rows
    ]
    error = None
    if data is not None and all(form.is_valid() for form in forms):
        lines = {
            form.member: (form.cleaned_data["status"], form.cleaned_data["proxy_holder"])
            for form in forms
        }
        try:
            services.attendance_record(session=session, user=request.user, lines=lines)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            summary = session.attendance_summary()
            messages.success(request, ATTENDANCE_SAVED.format(sentence=summary.sentence))
            return redirect("deliberations:session_detail", pk=session.pk)
    return render(
        request,
        "deliberations/members/session_attendance.html",
        {
            "session": session,
            "forms": forms,
            "error": error,
            "statuses": AttendanceStatus,
            "summary": session.attendance_summary(),
        },
    )


@require("manage_sessions")
@require_http_methods(["GET", "POST"])
def session_officers(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    form = SessionOfficersForm(
        request.POST or None,
        session=session,
        initial={
            "convened_on": session.convened_on,
            "president": session.president_id,
            "secretary": session.secretary_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record_officers(
                session=session, user=request.user, **form.cleaned_data
            )
        except ValidationError as refused:
            apply_service_error(form, refused)
        else:
            messages.success(request, OFFICERS_SAVED)
            return redirect("deliberations:session_detail", pk=session.pk)
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": f"Convocation et bureau de la séance — {session}",
            "back": "deliberations:session_list",
        },
    )
