"""No admin page writes a workflow-bearing model without its service.

Every model with a lifecycle (a core.workflow.StatusField) is shown by an admin whose status
is read-only; its change form, posted as filled in or with another status, never changes
the status; each transition the admin offers, as an action or as a button, goes through
the app's service, which leaves one row in the transition log. And no change form of the
project answers 500 when posted as it is filled in.
"""

import datetime
import html

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from conventions import services as agreement_services
from conventions.enums import AgreementStatus
from conventions.models import Agreement, BatchJob
from core.admin import ReadOnlyAdmin, TransitionsAdmin
from core.models import TransitionLog
from core.workflow import StatusField
from deliberations import services as deliberation_services
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, Session
from subventions import payments, services
from subventions.enums import ReportStatus, SubsidyStatus
from subventions.models import Subsidy
from tests.conventions.agreements import scan
from tests.subventions.test_admin import change_form_data

pytestmark = pytest.mark.django_db


def workflow_models():
    return [
        model
        for model in admin.site._registry
        if any(isinstance(field, StatusField) for field in model._meta.get_fields())
    ]


@pytest.fixture
def superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(user)
    return user


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def logged(obj) -> int:
    return TransitionLog.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=obj.pk,
    ).count()


def test_every_lifecycle_is_declared_and_shown_by_a_read_only_status_admin():
    models = workflow_models()
    assert {model.__name__ for model in models} == {
        "Subsidy",
        "FinancialReport",
        "Deliberation",
        "Agreement",
        "Amendment",
        "BatchJob",
    }
    for model in models:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, TransitionsAdmin | ReadOnlyAdmin), model


def test_no_change_form_of_a_lifecycle_edits_its_status(client, superuser, demo):
    BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS,
        session=Deliberation.objects.first().session,
        created_by=superuser,
    )
    agreement_services.amendment_create(
        agreement=Agreement.objects.get(subsidy__year=2020),
        user=superuser,
        reason="Prolongation.",
        new_end_date=datetime.date(2021, 6, 30),
    )
    for model in workflow_models():
        obj = model.objects.order_by("pk").first()
        assert obj is not None, model
        response = client.get(change_url(obj))
        assert response.status_code == 200, model
        form = response.context["adminform"].form
        assert "status" not in form.fields, model
        data = change_form_data(response)
        others = [value for value, _ in model._meta.get_field("status").choices]
        data["status"] = next(value for value in others if value != obj.status)
        before, log = obj.status, logged(obj)
        response = client.post(change_url(obj), data)
        assert response.status_code in (200, 302, 403), (model, response.status_code)
        obj.refresh_from_db()
        assert obj.status == before, model
        assert logged(obj) == log, model


def test_no_change_form_of_the_project_answers_500(client, superuser, demo):
    ours = ("core", "subventions", "deliberations", "conventions", "pilotage")
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ours:
            continue
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        response = client.get(change_url(obj))
        assert response.status_code == 200, model
        if not model_admin.has_change_permission(response.wsgi_request, obj):
            continue
        response = client.post(change_url(obj), change_form_data(response))
        assert response.status_code in (200, 302), (model, response.status_code)


def test_the_change_page_of_a_lifecycle_shows_its_status_history(client, superuser, demo):
    """Each voted, signed or paid object of the demo shows who moved it, when, from which
    status to which, below its change form."""
    shown = set()
    for model, model_admin in admin.site._registry.items():
        kind = ContentType.objects.get_for_model(model)
        last = TransitionLog.objects.filter(content_type=kind).order_by("at", "pk").last()
        if not isinstance(model_admin, TransitionsAdmin) or last is None:
            continue
        obj = last.target
        page = html.unescape(client.get(change_url(obj)).content.decode())
        assert "Historique des statuts" in page, model
        assert f"<td>{last.get_to_status_display()}</td>" in page, model
        assert last.user.get_full_name() in page, model
        shown.add(model.__name__)
    assert shown == {"Subsidy", "FinancialReport", "Deliberation", "Agreement"}


def run_action(client, obj, action: str):
    opts = obj._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": f"transition_{action}", "_selected_action": [obj.pk]},
        follow=True,
    )


def press_button(client, obj, action: str):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk, action])
    return client.post(url, {"comment": "Depuis l'administration."}, follow=True)


@pytest.fixture
def users(demo, django_user_model):
    return {user.username: user for user in django_user_model.objects.all()}


def proposed_file(users):
    apes = Subsidy.objects.get(year=2021)
    draft = services.subsidy_create(
        user=users["instructeur"],
        beneficiary=apes.beneficiary,
        year=2021,
        policy_area=apes.policy_area,
        budget_line=apes.budget_line,
        title="Soutien complémentaire 2021",
        purpose="Programme complémentaire 2021",
        amount_requested=1000,
        amount_proposed=1000,
    )
    services.subsidy_submit(subsidy=draft, user=users["instructeur"])
    return services.subsidy_propose(subsidy=draft, user=users["responsable"])


def check_logged(obj, action: str, target: str, user, before: int) -> None:
    obj.refresh_from_db()
    assert obj.status == target, (obj, action)
    assert logged(obj) == before + 1, (obj, action)
    row = TransitionLog.objects.filter(object_id=obj.pk, action=action).latest("pk")
    assert (row.to_status, row.user) == (target, user)


@pytest.mark.parametrize("run", [run_action, press_button], ids=["action", "button"])
def test_each_transition_of_the_admin_runs_its_service_and_is_logged(client, users, run):
    """The transitions the admins offer, each from its source status by a user of its role:
    the status changes through the service, and the log has one more row."""
    cases = [
        ("instructeur", lambda: proposed_file(users), "unschedule", SubsidyStatus.UNDER_REVIEW),
        ("secretariat", lambda: Agreement.objects.get(subsidy__year=2021), "send", "envoyee"),
        ("secretariat", lambda: Agreement.objects.get(subsidy__year=2020), "close", "close"),
    ]
    for username, make, action, target in cases:
        obj = make()
        user = users["responsable"] if action == "unschedule" else users[username]
        client.force_login(user)
        before = logged(obj)
        assert run(client, obj, action).status_code == 200
        check_logged(obj, action, target, user, before)


def test_a_deliberation_is_withdrawn_from_the_admin_through_its_service(client, users):
    secretariat = users["secretariat"]
    draft = deliberation_services.deliberation_create(
        user=secretariat, subsidies=[proposed_file(users)]
    )
    # Only an act on an agenda can be withdrawn from it.
    Deliberation.objects.filter(pk=draft.pk).update(session=Session.objects.first())
    draft.refresh_from_db()
    client.force_login(secretariat)
    before = logged(draft)
    run_action(client, draft, "withdraw")
    check_logged(draft, "withdraw", DeliberationStatus.WITHDRAWN, secretariat, before)
    # An adopted act is not withdrawn: nothing changes, the reason is said.
    adopted = Deliberation.objects.filter(status=DeliberationStatus.ADOPTED).first()
    response = run_action(client, adopted, "withdraw")
    adopted.refresh_from_db()
    assert adopted.status == DeliberationStatus.ADOPTED
    reason = deliberation_services.NOT_DRAFT.format(status="adoptée", action="le retrait")
    assert reason in html.unescape(response.content.decode())


def test_an_agreement_is_terminated_from_the_admin_by_the_signatory(client, users):
    agreement = Agreement.objects.get(subsidy__year=2020)
    signatory = users["signataire"]
    client.force_login(signatory)
    before = logged(agreement)
    press_button(client, agreement, "terminate")
    check_logged(agreement, "terminate", AgreementStatus.TERMINATED, signatory, before)


def test_a_financial_report_is_approved_from_the_admin_through_its_service(client, users):
    finances = users["finances"]
    report = Subsidy.objects.get(year=2021).financial_report
    payments.report_receive(
        report=report,
        received_on=datetime.date(2022, 3, 1),
        file=ContentFile(scan().read(), name="cr.pdf"),
        user=finances,
    )
    client.force_login(finances)
    before = logged(report)
    run_action(client, report, "approve")
    check_logged(report, "approve", ReportStatus.APPROVED, finances, before)
