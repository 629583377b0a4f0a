"""Building blocks of the lifecycle: conditions that know their reason, role permissions."""

from collections.abc import Callable


class Condition:
    """A django-fsm condition that carries the French reason shown when it is not met."""

    def __init__(self, test: Callable[[object], bool], message: str):
        self.test = test
        self.message = message

    def __call__(self, instance) -> bool:
        return bool(self.test(instance))

    def __repr__(self):
        return f"Condition({self.message!r})"


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


def only_roles(*roles: str) -> Callable[[object, object], bool]:
    """A django-fsm permission granted to the given roles; `.roles` names them for messages."""

    def permission(instance, user) -> bool:
        return has_role(user, *roles)

    permission.roles = roles
    return permission
