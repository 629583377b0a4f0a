"""What the state of an agreement or amendment allows, on top of the role map
(subventions.roles)."""

from subventions.enums import Role
from subventions.permissions import ALLOWED, NO_ROLE, Answer, check, declare, object_rule
from subventions.roles import ALL_ROLES, HEAD, SIGNATORIES

PREPARERS_ONLY = "Réservé au Responsable de service et au Secrétariat des assemblées."
BENEFICIARY_RECORDERS_ONLY = (
    "Réservé au Responsable de service, au Secrétariat des assemblées et au Signataire."
)
SIGNATORY_ONLY = "Seul le rôle Signataire signe pour la collectivité."
TEMPLATES_HEAD_ONLY = "Réservé au Responsable de service."

# DESIGN.md §1: the Responsable de service and the Secrétariat prepare and send the
# agreements; the Signataire signs them for the authority; every role reads them.
AGREEMENT_PREPARERS = (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT)
declare(
    actions={
        "prepare_agreements": (AGREEMENT_PREPARERS, PREPARERS_ONLY),
        "record_beneficiary_signature": (
            (*AGREEMENT_PREPARERS, Role.SIGNATORY),
            BENEFICIARY_RECORDERS_ONLY,
        ),
        "sign_agreement": (SIGNATORIES, SIGNATORY_ONLY),
        "edit_agreement_templates": (HEAD, TEMPLATES_HEAD_ONLY),
        "view_agreements": (ALL_ROLES, NO_ROLE),
        "verify_pdf": (ALL_ROLES, NO_ROLE),
    },
    models={
        "conventions.agreementtemplate": {
            "add": ("edit_agreement_templates",),
            "change": ("edit_agreement_templates",),
        },
        **{
            f"conventions.{model}": {
                "add": ("edit_agreement_templates",),
                "change": ("edit_agreement_templates",),
                "delete": ("edit_agreement_templates",),
            }
            for model in ("agreementarticle", "agreementvisa")
        },
        **{
            f"conventions.{model}": {
                "add": ("prepare_agreements",),
                "change": ("prepare_agreements", "sign_agreement"),
            }
            for model in ("agreement", "amendment")
        },
        "conventions.batchjob": {},
        "conventions.bundle": {},
        "conventions.notificationletter": {},
        "conventions.beneficiarysignature": {},
    },
)

ALREADY_SIGNED_BY_AUTHORITY = "Le document est déjà signé par la collectivité."
ALREADY_SIGNED_BY_BENEFICIARY = "Le bénéficiaire a déjà signé ce document."


def can_generate_agreements(user, obj=None) -> Answer:
    """Prepare agreements, one by one or « générer toutes les conventions de la séance »."""
    return check("prepare_agreements", user, obj)


def can_view_agreements(user, obj=None) -> Answer:
    """An agreement's or amendment's page and PDFs: every role."""
    return check("view_agreements", user, obj)


def can_sign_agreement(user, obj=None) -> Answer:
    """Sign an agreement or amendment for the authority (scanned original or electronic)."""
    return check("sign_agreement", user, obj)


def can_record_beneficiary_signature(user, obj=None) -> Answer:
    """Record that the beneficiary signed an agreement or amendment."""
    return check("record_beneficiary_signature", user, obj)


def can_verify_pdf(user, obj=None) -> Answer:
    """Drop any PDF to check its electronic signatures: every role."""
    return check("verify_pdf", user, obj)


@object_rule("sign_agreement")
def _not_yet_signed_by_the_authority(user, document) -> Answer:
    if document.is_frozen:
        return False, ALREADY_SIGNED_BY_AUTHORITY
    return ALLOWED


@object_rule("record_beneficiary_signature")
def _not_yet_signed_by_the_beneficiary(user, document) -> Answer:
    if document.beneficiary_signed_on is not None:
        return False, ALREADY_SIGNED_BY_BENEFICIARY
    return ALLOWED
