"""One role map (subventions.roles), read by the staff pages, the state machines, the services,
the admin and the API."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission

from core import workflow
from subventions import permissions, roles
from subventions.enums import Role
from subventions.models import Subsidy

pytestmark = pytest.mark.django_db


def codenames(role) -> set[tuple[str, str]]:
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_every_page_action_has_its_roles_and_its_reason():
    page_actions = {action for action in roles.ROLE_MAP if "." not in action}
    assert page_actions == set(permissions.REFUSALS)


@pytest.mark.parametrize("action", workflow.actions(Subsidy))
def test_each_transition_of_a_file_reads_its_roles_from_the_map(action):
    method = getattr(Subsidy, action)
    (declared,) = {t.permission for t in method._django_fsm.transitions.values()}
    assert declared.roles == roles.roles_of(f"subsidy.{action}")


@pytest.mark.parametrize("role", list(Role), ids=[role.name for role in Role])
def test_the_groups_hold_the_model_permissions_the_map_derives(role):
    managed = {label.split(".")[0] for label in roles.MODEL_ACTIONS}
    held = {(app, code) for app, code in codenames(role) if app in managed}
    assert held == roles.model_permissions(role)


def test_every_model_the_admin_writes_is_in_the_map():
    ours = ("core", "subventions", "deliberations", "conventions", "pilotage")
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model in admin.site._registry
        if model._meta.app_label in ours
    }
    assert registered - {"core.counter"} <= set(roles.MODEL_ACTIONS)


def test_a_permission_changed_by_hand_is_put_back_by_the_next_migrate():
    finance = Group.objects.get(name=Role.FINANCE)
    add_payment = Permission.objects.get(codename="add_payment")
    delete_subsidy = Permission.objects.get(codename="delete_subsidy")
    foreign = Permission.objects.get(codename="add_group")  # not a model of the map's
    finance.permissions.remove(add_payment)
    finance.permissions.add(delete_subsidy, foreign)
    roles.sync_role_permissions()
    held = set(finance.permissions.values_list("codename", flat=True))
    assert "add_payment" in held
    assert "delete_subsidy" not in held
    assert "add_group" in held  # what the map does not manage is left as it was


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        ("record_money", Role.FINANCE, True),
        ("record_money", Role.INSTRUCTOR, False),
        ("manage_sessions", Role.ASSEMBLY_SECRETARIAT, True),
        ("sign_agreement", Role.HEAD_OF_SERVICE, False),
        ("an-action-nobody-declared", Role.FINANCE, False),
    ],
)
def test_the_services_ask_the_map(make_user, action, role, allowed):
    assert roles.allowed(make_user(role), action) is allowed


def test_a_superuser_holds_every_role(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert all(roles.allowed(root, action) for action in roles.ROLE_MAP)
