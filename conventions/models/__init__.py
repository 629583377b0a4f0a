"""Models of the conventions app, one module per concept: `agreements` holds the agreement
templates, agreements and amendments, `batch` the batch jobs that generate a session's
agreements. Only the models are re-exported here; messages and helpers are imported from
their modules.
"""

from .agreements import Agreement, AgreementArticle, AgreementTemplate, Amendment
from .batch import BatchJob

__all__ = ["Agreement", "AgreementArticle", "AgreementTemplate", "Amendment", "BatchJob"]
