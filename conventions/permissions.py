"""What the state of an agreement or amendment allows, on top of the role map
(subventions.roles)."""

from subventions.permissions import ALLOWED, Answer, check, object_rule

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
