"""Who may do what in the staff pages (DESIGN.md §1): the role map, then the object's state.

`check(action, user, obj=None)` answers `(allowed, reason)`: the roles come from the one
role map (subventions.roles), with the French reason of a refusal; then, when an object is
given, the rule its app registered for that action (`object_rule`) says whether the
object's state allows it. Views refuse with the reason (403) and templates hide what is
not allowed. Each app keeps the rules of its own objects (deliberations.permissions,
conventions.permissions), and declares there its own actions with their roles and reasons
(`declare`); lifecycle actions keep their rules in the state machines.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core import workflow

from . import roles
from .enums import CLOSED_STATUSES, Role
from .models import Subsidy
from .roles import ROLE_MAP, allowed

Answer = tuple[bool, str]

NOT_LOGGED_IN = "Vous devez être connecté."
NO_ROLE = (
    "Votre compte n'a aucun rôle dans l'application : demandez à un administrateur de vous "
    "en attribuer un."
)
UNKNOWN_ACTION = "Action inconnue : « {action} »."
EDITORS_ONLY = "Réservé aux rôles « Instructeur » et « Responsable de service »."
SUBSIDY_CLOSED = "Le dossier est au statut « {status} » : il ne se modifie plus."
FINANCE_ONLY = "Réservé au rôle « Finances »."
HEAD_ONLY = "Réservé au Responsable de service."

# The reason given when the user's roles do not allow the action.
REFUSALS = {
    "view": NO_ROLE,
    "export": NO_ROLE,
    "create_beneficiary": EDITORS_ONLY,
    "edit_beneficiary": EDITORS_ONLY,
    "create_subsidy": EDITORS_ONLY,
    "edit_subsidy": EDITORS_ONLY,
    "edit_funding_partners": EDITORS_ONLY,
    "edit_policy_areas": HEAD_ONLY,
    "edit_budget_lines": FINANCE_ONLY,
    "record_money": FINANCE_ONLY,
    "ask_information": EDITORS_ONLY,
    "manage_memberships": EDITORS_ONLY,
}

ALLOWED: Answer = (True, "")

# action → the rule an app gives for an object of its own: (user, obj) → Answer.
ObjectRule = Callable[[object, object], Answer]
_object_rules: dict[str, ObjectRule] = {}


def object_rule(action: str):
    """Register, for `action`, what the object's state allows (its app's permissions)."""

    def register(rule: ObjectRule) -> ObjectRule:
        _object_rules[action] = rule
        return rule

    return register


def declare(*, actions: dict[str, tuple[tuple[Role, ...], str]], models: dict) -> None:
    """A higher layer's own actions, {action: (roles, reason of a refusal)}, and the model
    permissions they give (roles.MODEL_ACTIONS' form): added to the one role map."""
    roles.declare(actions={name: who for name, (who, _) in actions.items()}, models=models)
    REFUSALS.update({name: reason for name, (_, reason) in actions.items()})


def check(action: str, user, obj=None) -> Answer:
    """The role map first, then the object's rule; an unknown action is refused."""
    if action not in ROLE_MAP:
        return False, UNKNOWN_ACTION.format(action=action)
    if user is None or not user.is_authenticated:
        return False, NOT_LOGGED_IN
    if not allowed(user, action):
        return False, REFUSALS.get(action, NO_ROLE)
    rule = _object_rules.get(action)
    if obj is not None and rule is not None:
        return rule(user, obj)
    return ALLOWED


def require(action: str):
    """A view decorator: login, then `check(action)` without object; 403 with its reason."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            is_allowed, reason = check(action, request.user)
            if not is_allowed:
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def refuse_unless(answer: Answer) -> None:
    is_allowed, reason = answer
    if not is_allowed:
        raise PermissionDenied(reason)


# The rules of the subsidies app


def can_view(user, obj=None) -> Answer:
    """Every role reads everything (the Lecteur does nothing else)."""
    return check("view", user, obj)


def can_export(user, obj=None) -> Answer:
    return check("export", user, obj)


def can_create_beneficiary(user, obj=None) -> Answer:
    return check("create_beneficiary", user, obj)


def can_edit_beneficiary(user, obj=None) -> Answer:
    return check("edit_beneficiary", user, obj)


def can_create_subsidy(user, obj=None) -> Answer:
    return check("create_subsidy", user, obj)


def can_edit_subsidy(user, obj=None) -> Answer:
    """Editors change a file until it ends; once voted, its amounts are frozen by the form."""
    return check("edit_subsidy", user, obj)


@object_rule("edit_subsidy")
def _subsidy_not_closed(user, subsidy) -> Answer:
    if subsidy.status in CLOSED_STATUSES:
        return False, SUBSIDY_CLOSED.format(status=subsidy.get_status_display())
    return ALLOWED


def can_transition(user, obj, action: str) -> Answer:
    """Whether `user` may run the lifecycle `action` on the subsidy `obj` now."""
    reason = workflow.refusal(obj, action, user)
    return (reason is None, reason or "")


def holds_transition_role(user, action: str) -> bool:
    """Whether the user's role may ever run `action` (whatever the file's state)."""
    return workflow.may_ever(Subsidy, action, user)
