"""What the state of a deliberation allows, on top of the role map (subventions.roles)."""

from subventions.permissions import ALLOWED, Answer, check, object_rule

from .enums import DeliberationStatus

DELIBERATION_NOT_DRAFT = (
    "La délibération est au statut « {status} » : son texte ne se modifie plus."
)


def can_manage_sessions(user, obj=None) -> Answer:
    """Create and edit sessions, place deliberations on them, record votes and dates."""
    return check("manage_sessions", user, obj)


def can_edit_deliberation_text(user, obj=None) -> Answer:
    """The free sections of a deliberation, while it is a draft."""
    return check("edit_deliberation_text", user, obj)


@object_rule("edit_deliberation_text")
def _deliberation_is_a_draft(user, deliberation) -> Answer:
    if deliberation.status != DeliberationStatus.DRAFT:
        status = deliberation.get_status_display().lower()
        return False, DELIBERATION_NOT_DRAFT.format(status=status)
    return ALLOWED
