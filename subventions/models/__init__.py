"""The models of the subsidies app (DESIGN.md §2), one module per concept: the reference
data, the beneficiaries, the budget lines, the subsidy files, their programme (axes and
co-funding) and their money. Only the models are re-exported here; messages, conditions
and helpers are imported from their modules.
"""

from .accounts import Membership, PortalAccount
from .applications import Application, VaultDocument
from .beneficiaries import Beneficiary
from .budget import BudgetLine
from .exchanges import FileMessage, InformationRequest
from .exports import ExportJob
from .money import Clawback, FinancialReport, Payment, PaymentInstalment, ReminderLog
from .programme import ActionAxis, CoFunding, CoFundingPartner
from .reference import Authority, FundingPartner, PolicyArea
from .reports import ReportLine, ReportStatement
from .subsidies import Subsidy

__all__ = [
    "ActionAxis",
    "Application",
    "Authority",
    "Beneficiary",
    "BudgetLine",
    "Clawback",
    "CoFunding",
    "CoFundingPartner",
    "ExportJob",
    "FileMessage",
    "FinancialReport",
    "FundingPartner",
    "InformationRequest",
    "Membership",
    "Payment",
    "PaymentInstalment",
    "PolicyArea",
    "PortalAccount",
    "ReminderLog",
    "ReportLine",
    "ReportStatement",
    "Subsidy",
    "VaultDocument",
]
