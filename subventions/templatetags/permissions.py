"""`{% can "edit_subsidy" subsidy as allowed %}`: the permission rules, asked from templates."""

from django import template

from core.workflow import user_roles
from subventions import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    allowed, _reason = permissions.check(action, context["request"].user, obj)
    return allowed


@register.simple_tag
def role_label(user) -> str:
    """The user's roles as shown in the navigation bar."""
    if user.is_superuser:
        return "Administrateur"
    return ", ".join(sorted(user_roles(user))) or "Aucun rôle"
