"""The lifecycles' machinery: declared transitions (django-fsm), refused with a reason, logged.

Every lifecycle of the project (a subsidy file, a deliberation, an agreement, an amendment,
a financial report, a batch job) is a django-fsm state machine on a `StatusField`
(`protected=True`: a status is never assigned by hand). Its transitions are model methods
declared with `@transition(...)`, each with:

- `permission`: who may run it, read from the role map (subventions.roles);
- `conditions`: `Condition`s, each carrying the French reason shown when it fails;
- `custom={"label": …}`: the French name of the action, and optionally `"wrong_state"`,
  a message of its own for a source status that does not allow it.

`run_transition(instance, action, user)` runs one, inside the caller's transaction: it checks
it (refusing with the reason, nothing changed), changes the status, lets the caller do
what goes with it, saves through `save_validated` and writes one `TransitionLog` row (who,
when, from, to, why).
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import FSMField, FSMModelMixin

from .models import TransitionLog
from .services import save_validated

UNKNOWN = "Action inconnue : « {action} »."
NOT_LOGGED_IN = "Vous devez être connecté pour agir sur {subject}."
WRONG_STATE = "Action « {label} » impossible : {subject} est au statut « {status} »."
WRONG_ROLE = "Action « {label} » réservée au rôle : {roles}."
UNMET = "Action « {label} » impossible : "


class StatusField(FSMField):
    """The status of a lifecycle: a django-fsm field that only transitions change.

    `protected=True` refuses `instance.status = …`; the model takes `LifecycleMixin`.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("protected", True)
        super().__init__(*args, **kwargs)


class LifecycleMixin(FSMModelMixin):
    """For a model with a `StatusField`: `refresh_from_db()` works (FSMModelMixin), and so
    does `full_clean()`, whose `clean_fields()` would write the status back — the status is
    checked by its transitions instead.

    `str_related`: the relations `__str__` reads, fetched with the rows when a list of the
    transition log names them.
    """

    str_related: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ()) | self._get_protected_fsm_fields()
        super().clean_fields(exclude=exclude)


class Condition:
    """A django-fsm condition that carries the French reason shown when it is not met.

    `message` may be a callable, for a reason that reads the settings when it is shown
    (the agreement threshold).
    """

    def __init__(self, test: Callable[[object], bool], message: str | Callable[[], str]):
        self.test = test
        self._message = message

    @property
    def message(self) -> str:
        return self._message() if callable(self._message) else self._message

    def __call__(self, instance) -> bool:
        return bool(self.test(instance))

    def __repr__(self):
        return f"Condition({self.message!r})"


class TransitionRefused(ValidationError):
    """A lifecycle action refused, with the reason to show the user."""


def user_roles(user) -> set[str]:
    """The role (group) names of a user, read once per user object."""
    if not user or not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, *roles: str) -> bool:
    """Whether the user holds one of the roles; superusers hold them all."""
    if user and user.is_authenticated and user.is_superuser:
        return True
    return bool(user_roles(user) & set(roles))


# Reading the declarations


def actions(model: type[models.Model]) -> list[str]:
    """The names of the model's transitions, in the order they are declared (a base
    class's first)."""
    names = []
    for klass in reversed(model.__mro__):
        for name, method in vars(klass).items():
            if callable(method) and hasattr(method, "_django_fsm") and name not in names:
                names.append(name)
    return names


def _meta(model, action: str):
    method = getattr(model, action, None)
    return getattr(method, "_django_fsm", None)


def label(model, action: str) -> str:
    """The French name of the action (`custom={"label": …}`)."""
    meta = _meta(model, action)
    return next(iter(meta.transitions.values())).custom["label"]


def _subject(instance) -> str:
    return getattr(instance, "status_subject", "le document")


def refusal(instance, action: str, user) -> str | None:
    """Why `user` may not run `action` on `instance` now, or None when allowed."""
    meta = _meta(type(instance), action)
    if meta is None:
        return UNKNOWN.format(action=action)
    if user is None or not user.is_authenticated:
        return NOT_LOGGED_IN.format(subject=_subject(instance))
    name = label(type(instance), action)
    declared = meta.get_transition(meta.field.get_state(instance))
    if declared is None:
        wrong_state = next(iter(meta.transitions.values())).custom.get("wrong_state", WRONG_STATE)
        return wrong_state.format(
            label=name,
            subject=_subject(instance),
            status=instance.get_status_display(),
            status_lower=instance.get_status_display().lower(),
        )
    if not declared.has_perm(instance, user):
        roles = ", ".join(f"« {role} »" for role in declared.permission.roles)
        return WRONG_ROLE.format(label=name, roles=roles)
    unmet = [condition.message for condition in declared.conditions if not condition(instance)]
    if unmet:
        return UNMET.format(label=name) + " ".join(unmet)
    return None


def offered(instance, user) -> list[tuple[str, str, str | None]]:
    """The actions leaving the current status: (name, label, reason it is refused or None)."""
    model = type(instance)
    result = []
    for action in actions(model):
        meta = _meta(model, action)
        declared = meta.get_transition(meta.field.get_state(instance))
        # `custom={"offered_if": condition}`: an action that makes no sense yet (« Retirer de
        # l'ordre du jour » of an act on no agenda) is not offered at all, not even greyed.
        offered_if = declared.custom.get("offered_if") if declared is not None else None
        if declared is not None and (offered_if is None or offered_if(instance)):
            result.append((action, label(model, action), refusal(instance, action, user)))
    return result


def may_ever(model, action: str, user) -> bool:
    """Whether the user's role may run `action` at all (whatever the object's state)."""
    meta = _meta(model, action)
    return meta is not None and any(t.has_perm(None, user) for t in meta.transitions.values())


# Running one


@dataclass
class Change:
    """A transition under way: the block of `run_transition` may add to its comment."""

    instance: models.Model
    comment: str = ""

    def note(self, text: str | None) -> None:
        self.comment = " ".join(part for part in (self.comment, text) if part)


@contextlib.contextmanager
def run_transition(instance, action: str, user, *, comment: str = "", **arguments) -> Iterator:
    """Run `action` on `instance` (locked by the caller when concurrency matters).

    Refused → TransitionRefused with the reason, nothing changed. Otherwise the status
    changes, the block runs (what goes with the change, before the save; it receives a
    `Change`), then the instance is saved through `save_validated` and the change logged.
    Use inside a transaction: an error in the block or the save leaves nothing behind.
    """
    reason = refusal(instance, action, user)
    if reason:
        raise TransitionRefused(reason, code="transition")
    from_status = instance.status
    getattr(instance, action)(**arguments)
    change = Change(instance, comment)
    yield change
    save_validated(instance, user)
    log(instance, action=action, from_status=from_status, user=user, comment=change.comment)


def apply(instance, action: str, user, *, comment: str = "", **arguments):
    """`run_transition` with nothing else to do between the change and the save."""
    with run_transition(instance, action, user, comment=comment, **arguments):
        pass
    return instance


def log(instance, *, action: str, from_status: str, user, comment: str = "", at=None):
    """One row of the transition log for a status change already saved."""
    fields = {"at": at} if at is not None else {}
    return TransitionLog.objects.create(
        target=instance,
        action=action,
        from_status=from_status,
        to_status=instance.status,
        user=user,
        comment=comment,
        **fields,
    )
