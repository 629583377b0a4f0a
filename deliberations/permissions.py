"""What the state of a deliberation allows, on top of the role map (subventions.roles)."""

from subventions.enums import Role
from subventions.permissions import ALLOWED, Answer, check, declare, object_rule
from subventions.roles import SECRETARIAT

from .enums import DeliberationStatus

SECRETARIAT_ONLY = "Réservé au Secrétariat des assemblées."
TEXT_EDITORS_ONLY = (
    "Réservé au Responsable de service (et au Secrétariat des assemblées) : le texte de la "
    "délibération."
)
DELIBERATION_NOT_DRAFT = (
    "La délibération est au statut « {status} » : son texte ne se modifie plus."
)

# DESIGN.md §1: the Secrétariat des assemblées keeps the sessions, the numbering, the votes
# and the dates; the Responsable de service edits the draft text of the act, as it does.
declare(
    actions={
        "manage_sessions": (SECRETARIAT, SECRETARIAT_ONLY),
        "edit_deliberation_text": (
            (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT),
            TEXT_EDITORS_ONLY,
        ),
    },
    models={
        "deliberations.session": {
            "add": ("manage_sessions",),
            "change": ("manage_sessions",),
            "delete": ("manage_sessions",),
        },
        "deliberations.deliberation": {
            "add": ("manage_sessions",),
            "change": ("edit_deliberation_text", "manage_sessions"),
        },
        "deliberations.deliberationsubsidy": {
            "add": ("manage_sessions",),
            "change": ("manage_sessions",),
            "delete": ("manage_sessions",),
        },
    },
)

# Issue 11: the secretariat keeps the register of elected members, their interests, the
# attendance of each session and the prefecture's classification of acts; the records of
# a vote (interested members counted as voters, corrections) are written by the services
# only, and read by every role.
MEMBERS_SECRETARIAT_ONLY = (
    "Réservé au Secrétariat des assemblées : le registre des élus, leurs intérêts et la "
    "classification des actes."
)
declare(
    actions={"manage_elected_members": (SECRETARIAT, MEMBERS_SECRETARIAT_ONLY)},
    models={
        "deliberations.electedmember": {
            "add": ("manage_elected_members",),
            "change": ("manage_elected_members",),
        },
        "deliberations.interest": {
            "add": ("manage_elected_members",),
            "change": ("manage_elected_members",),
            "delete": ("manage_elected_members",),
        },
        "deliberations.attendance": {
            "add": ("manage_sessions",),
            "change": ("manage_sessions",),
            "delete": ("manage_sessions",),
        },
        "deliberations.actclassification": {
            "add": ("manage_elected_members",),
            "change": ("manage_elected_members",),
        },
        "deliberations.interestedvoter": {},
        "deliberations.votecorrection": {},
    },
)


def can_manage_elected_members(user, obj=None) -> Answer:
    """The register of elected members, their interests, the classification of acts."""
    return check("manage_elected_members", user, obj)


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
