"""The lifecycles' machinery (core.workflow): a status changes only through a declared
transition, refused with its reason or logged once with who, when, from, to and why."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import panels, workflow
from core.models import TransitionLog
from subventions.enums import Role, SubsidyStatus
from subventions.models import Subsidy
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db


def test_a_status_is_never_assigned_by_hand():
    subsidy = SubsidyFactory()
    with pytest.raises(AttributeError):
        subsidy.status = SubsidyStatus.CLOSED
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.DRAFT


def test_a_protected_status_still_validates_and_reloads():
    subsidy = SubsidyFactory()
    subsidy.full_clean()
    Subsidy.objects.filter(pk=subsidy.pk).update(title="Autre titre")
    subsidy.refresh_from_db()
    assert subsidy.title == "Autre titre"


def test_a_refused_transition_changes_and_logs_nothing(make_user):
    subsidy = SubsidyFactory()
    finance = make_user(Role.FINANCE)
    with pytest.raises(workflow.TransitionRefused) as refused, transaction.atomic():
        workflow.apply(subsidy, "close", finance)
    assert refused.value.messages == [
        "Action « Solder le dossier » impossible : le dossier est au statut « Brouillon »."
    ]
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.DRAFT
    assert not TransitionLog.objects.exists()


def test_a_transition_is_logged_once_with_its_comment(make_user):
    instructor = make_user(Role.INSTRUCTOR)
    subsidy = SubsidyFactory()
    with workflow.run_transition(subsidy, "submit", instructor, comment="Complet.") as change:
        change.note("Pièces reçues.")
    row = TransitionLog.objects.get()
    assert row.target == subsidy
    assert (row.action, row.from_status, row.to_status) == (
        "submit",
        SubsidyStatus.DRAFT,
        SubsidyStatus.UNDER_REVIEW,
    )
    assert (row.user, row.comment) == (instructor, "Complet. Pièces reçues.")
    assert (row.get_from_status_display(), row.get_to_status_display()) == (
        "Brouillon",
        "En instruction",
    )
    assert subsidy.history.first().history_user == instructor


def test_an_error_in_the_block_leaves_nothing_behind(make_user):
    subsidy = SubsidyFactory()
    instructor = make_user(Role.INSTRUCTOR)
    with (
        pytest.raises(ValidationError),
        transaction.atomic(),
        workflow.run_transition(subsidy, "submit", instructor),
    ):
        raise ValidationError("Refusé en cours de route.")
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.DRAFT
    assert not TransitionLog.objects.exists()


def test_the_log_is_one_table_for_every_lifecycle(make_user):
    subsidy = SubsidyFactory()
    workflow.apply(subsidy, "submit", make_user(Role.INSTRUCTOR))
    row = TransitionLog.objects.get()
    assert list(subsidy.transitions.all()) == [row]
    assert list(TransitionLog.objects.filter(subsidy=subsidy)) == [row]
    assert str(row) == f"{subsidy} : Brouillon → En instruction"


def test_a_condition_may_read_the_settings_when_it_is_shown(settings):
    condition = workflow.Condition(lambda _: False, lambda: f"Seuil {settings.AGREEMENT_THRESHOLD}")
    settings.AGREEMENT_THRESHOLD = 10
    assert condition.message == "Seuil 10"


def test_a_log_row_needs_its_author():
    subsidy = SubsidyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TransitionLog.objects.create(
            target=subsidy, action="submit", from_status="a", to_status="b", user=None
        )


def test_the_log_keeps_the_date_it_is_given(make_user):
    subsidy = SubsidyFactory()
    day = timezone.make_aware(datetime.datetime(2021, 4, 2, 14))
    workflow.log(subsidy, action="import", from_status="a", user=make_user(), at=day)
    assert TransitionLog.objects.get().at == day


# Panels: what a higher layer adds to a lower layer's page.


def test_a_slot_renders_what_each_app_registered_in_order(rf):
    def first(request, obj):
        return f"<li>un {obj}</li>"

    def second(request, obj):
        return ""

    panels.register("test-slot", first)
    panels.register("test-slot", first)  # once only
    panels.register("test-slot", second)
    assert panels.render("test-slot", rf.get("/"), "objet") == "<li>un objet</li>"
    assert panels.registered("test-slot") == [first, second]


def test_the_documents_of_a_file_come_from_the_higher_layers():
    slot = panels.registered("subsidy_documents")
    assert [panel.__module__ for panel in slot] == ["deliberations.panels", "conventions.panels"]
    assert [p.__module__ for p in panels.registered("session_detail")] == ["conventions.panels"]
