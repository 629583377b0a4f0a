"""The conditions of a file's transitions (subventions.models.subsidies): each carries the
French reason shown when it is not met (core.workflow.Condition)."""

from django.conf import settings

from core.formatting import euros
from core.workflow import Condition


def agreement_threshold_passed() -> str:
    return (
        f"Au-delà de {euros(settings.AGREEMENT_THRESHOLD)}, la convention doit être signée "
        "avant le versement."
    )


has_requested_amount = Condition(
    lambda s: s.amount_requested is not None and s.amount_requested > 0,
    "Le montant demandé doit être renseigné.",
)
has_object = Condition(
    lambda s: bool(s.purpose.strip()), "L'objet de la subvention doit être renseigné."
)
beneficiary_identified = Condition(
    lambda s: bool(s.beneficiary.siret or s.beneficiary.rna),
    "Le bénéficiaire doit avoir un SIRET ou un numéro RNA.",
)
has_proposed_amount = Condition(
    lambda s: s.amount_proposed is not None and s.amount_proposed > 0,
    "Le montant proposé doit être renseigné.",
)
has_budget_line = Condition(
    lambda s: s.budget_line_id is not None, "La ligne de crédits doit être choisie."
)
# The agreement's signature by both parties is written on the file by conventions.
agreement_not_required_or_signed = Condition(
    lambda s: not s.requires_agreement or s.agreement_signed_on is not None,
    agreement_threshold_passed,
)
has_signed_agreement = Condition(
    lambda s: s.agreement_signed_on is not None,
    "La convention du dossier doit d'abord être signée par le bénéficiaire et par la collectivité.",
)

# « versée » means paid in full: the payments (net of clawbacks) reach the current amount.
paid_in_full = Condition(
    lambda s: s.current_amount > 0 and s.remaining_amount <= 0,
    "Les versements doivent atteindre le montant actuel de la subvention.",
)
# « soldée » means the beneficiary has accounted for the money, or was dispensed from it.
report_settled = Condition(
    lambda s: hasattr(s, "financial_report") and s.financial_report.is_settled,
    "Le compte rendu financier doit d'abord être approuvé, ou faire l'objet d'une dispense "
    "motivée.",
)
