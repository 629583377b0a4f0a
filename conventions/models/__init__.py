"""Models of the conventions app, one module per concern.

`deliberations` holds sessions and deliberations, `agreements` the agreement templates,
agreements and amendments. Every name is re-exported here: import from
`conventions.models`.
"""

from .agreements import (
    AMENDMENT_CHANGES_NOTHING,
    AMENDMENT_NUMBER_TAKEN,
    DEFAULT_TEMPLATE_NAME,
    DOCUMENT_FROZEN,
    PERIOD_INVALID,
    SIGNED_PDF_TAMPERED,
    Agreement,
    AgreementArticle,
    AgreementTemplate,
    Amendment,
    PrivateStorage,
    SignedDocumentQuerySet,
    get_private_storage,
    private_storage,
)
from .batch import BatchJob, BatchJobStatus
from .deliberations import (
    DELIBERATION_FROZEN,
    EXECUTORY_NOT_ADOPTED,
    NUMBER_INVALID,
    NUMBER_NOT_MATCHING_SESSION,
    NUMBER_PATTERN,
    NUMBER_TAKEN,
    NUMBER_WITHOUT_SESSION,
    PDF_TAMPERED,
    Deliberation,
    DeliberationQuerySet,
    DeliberationSubsidy,
    Session,
)

__all__ = [
    "DELIBERATION_FROZEN",
    "EXECUTORY_NOT_ADOPTED",
    "NUMBER_INVALID",
    "NUMBER_NOT_MATCHING_SESSION",
    "NUMBER_PATTERN",
    "NUMBER_TAKEN",
    "NUMBER_WITHOUT_SESSION",
    "PDF_TAMPERED",
    "Deliberation",
    "DeliberationQuerySet",
    "DeliberationSubsidy",
    "Session",
    # agreements
    "AMENDMENT_CHANGES_NOTHING",
    "AMENDMENT_NUMBER_TAKEN",
    "DEFAULT_TEMPLATE_NAME",
    "DOCUMENT_FROZEN",
    "PERIOD_INVALID",
    "SIGNED_PDF_TAMPERED",
    "Agreement",
    "AgreementArticle",
    "AgreementTemplate",
    "Amendment",
    "PrivateStorage",
    "SignedDocumentQuerySet",
    "get_private_storage",
    "private_storage",
    # batch jobs
    "BatchJob",
    "BatchJobStatus",
]
