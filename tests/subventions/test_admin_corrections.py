"""Corrections in the admin, each through its service: the payment schedule on its own page
for the Finances role, a file created with its clerk as instructor, deletions where the
service allows them (and « Suppression impossible » with its reason elsewhere), a past
version shown but never restored, a refusal shown on the form as it was typed."""

import html
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin import REVERT_REFUSED
from core.models import TransitionLog
from deliberations import services as deliberation_services
from deliberations.models import Session
from subventions import payments, services
from subventions.enums import ReportStatus, SubsidyStatus
from subventions.models import CoFunding, FinancialReport, PolicyArea, Subsidy
from tests.subventions.test_admin import change_form_data, login

pytestmark = pytest.mark.django_db


def draft_file(demo, user):
    return services.subsidy_create(
        user=user,
        beneficiary=demo.beneficiary,
        year=2022,
        policy_area=demo.policy_area,
        title="Soutien 2022",
        purpose="Programme 2022",
        amount_requested=Decimal("1000"),
    )


# The payment schedule


def schedule_url(subsidy):
    return reverse("admin:subventions_subsidy_schedule", args=[subsidy.pk])


def schedule_data(client, subsidy, **row):
    response = client.get(schedule_url(subsidy))
    assert response.status_code == 200
    formset = response.context["formset"]
    data = {}
    for form in [formset.management_form, *formset.forms]:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, "", False):
                data[form.add_prefix(name)] = str(value)
    data.update({f"instalments-0-{name}": value for name, value in row.items()})
    return data


def test_finance_relabels_the_schedule_on_its_page(client, demo):
    login(client, "finances")
    change = client.get(reverse("admin:subventions_subsidy_change", args=[demo.pk]))
    assert schedule_url(demo) in change.text
    data = schedule_data(client, demo, label="Versement unique à la notification")
    response = client.post(schedule_url(demo), data, follow=True)
    saved = "L'échéancier de SUB-2021-0001 est enregistré (1 échéance)."
    assert saved in html.unescape(response.text)
    (instalment,) = demo.instalments.all()
    assert instalment.label == "Versement unique à la notification"
    assert instalment.amount == Decimal("35000.00")
    assert instalment.history.first().history_user.username == "finances"


def test_a_schedule_that_does_not_add_up_is_refused_above_the_rows(client, demo):
    login(client, "finances")
    data = schedule_data(client, demo, share="90")
    response = client.post(schedule_url(demo), data)
    assert response.status_code == 200
    (error,) = response.context["formset"].non_form_errors()
    assert error.startswith("L'échéancier totalise 31\u00a0500\u00a0€ alors que")
    assert demo.instalments.get().share == Decimal("100")


@pytest.mark.parametrize("username", ["instructeur", "responsable", "lecteur"])
def test_only_finance_sets_a_schedule(client, demo, username):
    login(client, username)
    change = client.get(reverse("admin:subventions_subsidy_change", args=[demo.pk]))
    assert schedule_url(demo) not in change.text
    assert client.get(schedule_url(demo)).status_code == 403
    data = {"instalments-TOTAL_FORMS": "0", "instalments-INITIAL_FORMS": "0"}
    assert client.post(schedule_url(demo), data).status_code == 403
    assert demo.instalments.count() == 1


# Creating a file


def test_a_file_created_in_the_admin_is_instructed_by_its_clerk(client, demo):
    login(client, "instructeur")
    url = reverse("admin:subventions_subsidy_add")
    data = change_form_data(client.get(url))
    data.update(
        beneficiary=str(demo.beneficiary_id),
        year="2023",
        policy_area=str(demo.policy_area_id),
        title="Soutien 2023",
        purpose="Programme 2023",
        amount_requested="1000",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Subsidy.objects.get(year=2023)
    assert created.instructor.username == "instructeur"


# Deleting


def delete_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def test_a_draft_file_is_deleted_through_its_service(client, demo):
    instructor = get_user_model().objects.get(username="instructeur")
    draft = draft_file(demo, instructor)
    login(client, "instructeur")
    response = client.post(delete_url(draft), {"post": "yes"})
    assert response.status_code == 302
    assert not Subsidy.objects.filter(pk=draft.pk).exists()
    deletion = Subsidy.history.filter(id=draft.pk).latest("history_date")
    assert (deletion.history_type, deletion.history_user) == ("-", instructor)


def test_a_submitted_file_cannot_be_deleted_and_the_page_says_why(client, demo):
    login(client, "instructeur")
    response = client.get(delete_url(demo))
    assert response.status_code == 200
    assert "seul un brouillon se supprime" in response.text
    client.post(delete_url(demo), {"post": "yes"})
    assert Subsidy.objects.filter(pk=demo.pk).exists()


def test_a_bulk_deletion_with_a_voted_file_deletes_nothing(client, demo):
    draft = draft_file(demo, get_user_model().objects.get(username="instructeur"))
    login(client, "instructeur")
    changelist = reverse("admin:subventions_subsidy_changelist")
    data = {"action": "delete_selected", "_selected_action": [draft.pk, demo.pk], "post": "yes"}
    response = client.post(changelist, data)
    assert "seul un brouillon se supprime" in response.text
    assert Subsidy.objects.filter(pk__in=[draft.pk, demo.pk]).count() == 2


def test_reference_data_is_deleted_only_when_nothing_uses_it(client, demo):
    login(client, "responsable")
    unused = PolicyArea.objects.create(label="SPORT")
    assert client.post(delete_url(unused), {"post": "yes"}).status_code == 302
    assert not PolicyArea.objects.filter(pk=unused.pk).exists()
    used = demo.policy_area
    response = client.post(delete_url(used), {"post": "yes"})
    assert response.status_code == 200
    assert PolicyArea.objects.filter(pk=used.pk).exists()


def test_an_empty_session_is_deleted_by_the_secretariat(client, demo):
    secretariat = get_user_model().objects.get(username="secretariat")
    held = Session.objects.filter(deliberations__isnull=False).first()
    empty = deliberation_services.session_create(
        user=secretariat, body=held.body, date=held.date.replace(year=2030), time=held.time
    )
    login(client, "instructeur")
    assert client.post(delete_url(empty), {"post": "yes"}).status_code == 403
    login(client, "secretariat")
    assert client.post(delete_url(empty), {"post": "yes"}).status_code == 302
    assert not Session.objects.filter(pk=empty.pk).exists()
    client.post(delete_url(held), {"post": "yes"})
    assert Session.objects.filter(pk=held.pk).exists()


def test_the_default_authority_is_never_deleted(client, demo):
    login(client, "admin")
    from subventions.models import Authority

    authority = Authority.current()
    assert client.post(delete_url(authority), {"post": "yes"}).status_code == 403
    assert Authority.objects.exists()


# History, refusals on the form, the log's list


def test_a_past_version_is_shown_but_never_restored(client, demo):
    login(client, "instructeur")
    draft = draft_file(demo, get_user_model().objects.get(username="instructeur"))
    services.subsidy_update(subsidy=draft, user=None, title="Titre corrigé")
    first = draft.history.earliest("history_date")
    url = reverse("admin:subventions_subsidy_simple_history", args=[draft.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "Soutien 2022" in page.text
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = client.post(url, data, follow=True)
    assert REVERT_REFUSED in html.unescape(response.text)
    draft.refresh_from_db()
    assert draft.title == "Titre corrigé"


def test_a_refused_report_decision_keeps_what_was_typed(client, demo):
    report = FinancialReport.objects.get(subsidy=demo, status=ReportStatus.EXPECTED)
    login(client, "finances")
    url = reverse("admin:subventions_financialreport_change", args=[report.pk])
    data = change_form_data(client.get(url))
    data.update(decision=ReportStatus.REJECTED, rejection_reason="Budget réalisé manquant.")
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "seul un compte rendu reçu" in " ".join(form.non_field_errors())
    assert "Budget réalisé manquant." in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED


def test_a_co_funding_line_stays_with_its_file(client, demo):
    login(client, "instructeur")
    line = CoFunding.objects.filter(subsidy=demo).first()
    page = client.get(reverse("admin:subventions_cofunding_change", args=[line.pk]))
    assert "subsidy" not in page.context["adminform"].form.fields


def log_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:core_transitionlog_changelist")).status_code == 200
    return len(queries)


def test_the_transition_log_list_reads_its_objects_in_a_fixed_number_of_queries(client, demo):
    login(client, "admin")
    before = log_list_queries(client)
    instructor = get_user_model().objects.get(username="instructeur")
    for _ in range(5):
        services.subsidy_submit(subsidy=draft_file(demo, instructor), user=instructor)
    assert TransitionLog.objects.filter(action="submit").count() >= 5
    assert log_list_queries(client) == before


def test_a_bulk_transition_names_what_it_did(client, demo):
    instructor = get_user_model().objects.get(username="instructeur")
    drafts = [draft_file(demo, instructor) for _ in range(2)]
    login(client, "instructeur")
    response = client.post(
        reverse("admin:subventions_subsidy_changelist"),
        {"action": "transition_submit", "_selected_action": [d.pk for d in drafts]},
        follow=True,
    )
    assert "Mettre en instruction : 2 subventions." in response.text
    assert {d.status for d in Subsidy.objects.filter(pk__in=[d.pk for d in drafts])} == {
        SubsidyStatus.UNDER_REVIEW
    }


def test_the_schedule_service_still_refuses_a_non_finance_user(demo):
    instructor = get_user_model().objects.get(username="instructeur")
    with pytest.raises(Exception, match="Finances"):
        payments.schedule_set(
            subsidy=demo, instalments=payments.schedule_default(demo), user=instructor
        )


def test_a_draft_deleted_twice_at_once_is_deleted_once(demo):
    """Two clerks confirm the same deletion: the second finds nothing left to delete."""
    instructor = get_user_model().objects.get(username="instructeur")
    draft = draft_file(demo, instructor)
    stale = Subsidy.objects.get(pk=draft.pk)
    services.subsidy_delete(subsidy=draft, user=instructor)
    services.subsidy_delete(subsidy=stale, user=instructor)
    assert not Subsidy.objects.filter(pk=draft.pk).exists()
