"""Models of the conventions app, one module per concept: `templates` holds the agreement
templates, `agreements` the agreements and amendments, `batch` the batch jobs that
generate a session's agreements. Only the models are re-exported here; messages and
helpers are imported from their modules.
"""

from .agreements import Agreement, Amendment
from .batch import BatchItem, BatchJob
from .bundles import Bundle
from .letters import NotificationLetter
from .online import BeneficiarySignature
from .templates import AgreementArticle, AgreementTemplate, AgreementVisa

__all__ = [
    "Agreement",
    "AgreementArticle",
    "AgreementTemplate",
    "AgreementVisa",
    "Amendment",
    "BatchItem",
    "BatchJob",
    "Bundle",
    "NotificationLetter",
    "BeneficiarySignature",
]
