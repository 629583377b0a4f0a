"""Models of the conventions app, one module per concern.

`agreements` holds the agreement templates, agreements and amendments, `batch` the batch
jobs that generate a session's agreements. Every name is re-exported here: import from
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
from .batch import BatchJob

__all__ = [
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
]
