"""Who may do what in the staff pages (DESIGN.md §1), one function per action.

Each `can_<action>(user, obj=None)` answers `(allowed, reason)`; views refuse with the
reason (403) and templates hide or disable what is not allowed. Lifecycle actions keep
their own rules in the model's transitions; `can_transition` only asks them.
"""

from collections.abc import Callable

from core.workflow import has_role

from .enums import Role, SubsidyStatus

Answer = tuple[bool, str]

NOT_LOGGED_IN = "Vous devez être connecté."
NO_ROLE = (
    "Votre compte n'a aucun rôle dans l'application : demandez à un administrateur de vous "
    "en attribuer un."
)
EDITORS_ONLY = "Réservé aux rôles « Instructeur » et « Responsable de service »."
SUBSIDY_CLOSED = "Le dossier est au statut « {status} » : il ne se modifie plus."
SECRETARIAT_ONLY = "Réservé au Secrétariat des assemblées."
TEXT_EDITORS_ONLY = (
    "Réservé au Responsable de service (et au Secrétariat des assemblées) : le texte de la "
    "délibération."
)
PREPARERS_ONLY = "Réservé au Responsable de service et au Secrétariat des assemblées."
DELIBERATION_NOT_DRAFT = (
    "La délibération est au statut « {status} » : son texte ne se modifie plus."
)
BENEFICIARY_RECORDERS_ONLY = (
    "Réservé au Responsable de service, au Secrétariat des assemblées et au Signataire."
)

ALL_ROLES = tuple(Role)
# DESIGN.md §1: the instructors and their heads of service record beneficiaries and files.
FILE_EDITORS = (Role.INSTRUCTOR, Role.HEAD_OF_SERVICE)
# Terminal states: nothing of the file changes any more.
CLOSED_STATUSES = (SubsidyStatus.REJECTED, SubsidyStatus.WITHDRAWN, SubsidyStatus.CLOSED)
# DESIGN.md §1: the Secrétariat des assemblées manages sessions, numbering and votes; the
# Responsable de service edits the draft text (conventions.services lets both do it).
SECRETARIAT = (Role.ASSEMBLY_SECRETARIAT,)
TEXT_EDITORS = (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT)
# Who prepares agreements (conventions.services.PREPARERS).
AGREEMENT_PREPARERS = (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT)
# The Signataire signs for the authority; those who prepare agreements or sign them record
# the date the beneficiary signed (and its scan).
SIGNATORIES = (Role.SIGNATORY,)
BENEFICIARY_RECORDERS = (*AGREEMENT_PREPARERS, Role.SIGNATORY)

ALLOWED: Answer = (True, "")


def _roles(user, roles, refusal: str) -> Answer:
    if user is None or not user.is_authenticated:
        return False, NOT_LOGGED_IN
    if not has_role(user, *roles):
        return False, refusal
    return ALLOWED


def can_view(user, obj=None) -> Answer:
    """Every role reads everything (the Lecteur does nothing else)."""
    return _roles(user, ALL_ROLES, NO_ROLE)


def can_export(user, obj=None) -> Answer:
    return can_view(user, obj)


def can_create_beneficiary(user, obj=None) -> Answer:
    return _roles(user, FILE_EDITORS, EDITORS_ONLY)


def can_edit_beneficiary(user, obj=None) -> Answer:
    return _roles(user, FILE_EDITORS, EDITORS_ONLY)


def can_create_subsidy(user, obj=None) -> Answer:
    return _roles(user, FILE_EDITORS, EDITORS_ONLY)


def can_edit_subsidy(user, obj=None) -> Answer:
    """Editors change a file until it ends; once voted, its amounts are frozen by the form."""
    allowed, reason = _roles(user, FILE_EDITORS, EDITORS_ONLY)
    if allowed and obj is not None and obj.status in CLOSED_STATUSES:
        return False, SUBSIDY_CLOSED.format(status=obj.get_status_display())
    return allowed, reason


def can_manage_sessions(user, obj=None) -> Answer:
    """Create and edit sessions, place deliberations on them, record votes and dates."""
    return _roles(user, SECRETARIAT, SECRETARIAT_ONLY)


def can_edit_deliberation_text(user, obj=None) -> Answer:
    """The free sections of a deliberation, while it is a draft."""
    from deliberations.enums import DeliberationStatus

    allowed, reason = _roles(user, TEXT_EDITORS, TEXT_EDITORS_ONLY)
    if allowed and obj is not None and obj.status != DeliberationStatus.DRAFT:
        return False, DELIBERATION_NOT_DRAFT.format(status=obj.get_status_display().lower())
    return allowed, reason


def can_generate_agreements(user, obj=None) -> Answer:
    """Run « générer toutes les conventions de la séance »."""
    return _roles(user, AGREEMENT_PREPARERS, PREPARERS_ONLY)


def can_view_agreements(user, obj=None) -> Answer:
    """An agreement's or amendment's page and PDFs: every role."""
    return can_view(user, obj)


def can_sign_agreement(user, obj=None) -> Answer:
    """Sign an agreement or amendment for the authority (scanned original or electronic)."""
    from conventions.services import ALREADY_SIGNED_BY_AUTHORITY, SIGNATORY_ONLY

    allowed, reason = _roles(user, SIGNATORIES, SIGNATORY_ONLY)
    if allowed and obj is not None and obj.is_frozen:
        return False, ALREADY_SIGNED_BY_AUTHORITY
    return allowed, reason


def can_record_beneficiary_signature(user, obj=None) -> Answer:
    """Record that the beneficiary signed an agreement or amendment."""
    from conventions.services import ALREADY_SIGNED_BY_BENEFICIARY

    allowed, reason = _roles(user, BENEFICIARY_RECORDERS, BENEFICIARY_RECORDERS_ONLY)
    if allowed and obj is not None and obj.beneficiary_signed_on is not None:
        return False, ALREADY_SIGNED_BY_BENEFICIARY
    return allowed, reason


def can_verify_pdf(user, obj=None) -> Answer:
    """Drop any PDF to check its electronic signatures: every role."""
    return can_view(user, obj)


def can_transition(user, obj, action: str) -> Answer:
    """Whether `user` may run the lifecycle `action` on the subsidy `obj` now."""
    from .services import transition_refusal

    reason = transition_refusal(obj, action, user)
    return (reason is None, reason or "")


def holds_transition_role(user, action: str) -> bool:
    """Whether the user's role may ever run `action` (whatever the file's state)."""
    from .models import Subsidy

    transitions = getattr(Subsidy, action)._django_fsm.transitions.values()
    return any(t.has_perm(None, user) for t in transitions)


PERMISSIONS: dict[str, Callable[..., Answer]] = {
    "view": can_view,
    "export": can_export,
    "create_beneficiary": can_create_beneficiary,
    "edit_beneficiary": can_edit_beneficiary,
    "create_subsidy": can_create_subsidy,
    "edit_subsidy": can_edit_subsidy,
    "manage_sessions": can_manage_sessions,
    "edit_deliberation_text": can_edit_deliberation_text,
    "generate_agreements": can_generate_agreements,
    "view_agreements": can_view_agreements,
    "sign_agreement": can_sign_agreement,
    "record_beneficiary_signature": can_record_beneficiary_signature,
    "verify_pdf": can_verify_pdf,
}


def check(action: str, user, obj=None) -> Answer:
    """Dispatch to `can_<action>`; an unknown action is refused, never silently allowed."""
    try:
        rule = PERMISSIONS[action]
    except KeyError:
        return False, f"Action inconnue : « {action} »."
    return rule(user, obj)
