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


def test_a_permission_on_a_model_the_map_does_not_name_is_left_as_given():
    finance = Group.objects.get(name=Role.FINANCE)
    history = Permission.objects.get(codename="view_historicalsubsidy")
    finance.permissions.add(history)
    roles.sync_role_permissions()
    assert finance.permissions.filter(pk=history.pk).exists()


def test_unapplying_migrations_leaves_the_permissions_alone():
    """A backward migrate runs post_migrate too: the models of the code are not those of
    the database then, so nothing is derived from them."""
    finance = Group.objects.get(name=Role.FINANCE)
    add_payment = Permission.objects.get(codename="add_payment")
    finance.permissions.remove(add_payment)
    roles.sync_role_permissions(plan=[(object(), True)])
    assert not finance.permissions.filter(pk=add_payment.pk).exists()
    roles.sync_role_permissions(plan=[(object(), False)])
    assert finance.permissions.filter(pk=add_payment.pk).exists()


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


def test_the_map_of_the_subsidies_app_names_nothing_above_it():
    """The higher layers declare their own actions and models (subventions.permissions.
    declare): the subsidies app's module holds none of them, the loaded map holds them all."""
    import inspect

    source = inspect.getsource(roles)
    assert '"deliberations.' not in source and '"conventions.' not in source
    assert '"manage_sessions"' not in source and '"sign_agreement"' not in source
    assert {"manage_sessions", "sign_agreement", "verify_pdf"} <= set(roles.ROLE_MAP)
    assert {"deliberations.session", "conventions.agreement"} <= set(roles.MODEL_ACTIONS)


def test_an_action_declared_twice_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="manage_sessions"):
        permissions.declare(actions={"manage_sessions": ((Role.READER,), "")}, models={})
    assert roles.roles_of("manage_sessions") == (Role.ASSEMBLY_SECRETARIAT,)
