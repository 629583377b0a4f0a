"""Choices of the subsidies app: English identifiers, French labels."""

from django.db import models


class Role(models.TextChoices):
    """The authority's roles (DESIGN.md §1); each one is a Django group of this name."""

    INSTRUCTOR = "Instructeur", "Instructeur"
    HEAD_OF_SERVICE = "Responsable de service", "Responsable de service"
    ASSEMBLY_SECRETARIAT = "Secrétariat des assemblées", "Secrétariat des assemblées"
    FINANCE = "Finances", "Finances"
    SIGNATORY = "Signataire", "Signataire"
    READER = "Lecteur", "Lecteur"


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association loi 1901"
    FOUNDATION = "fondation", "Fondation"
    SCIC = "scic", "Société coopérative d'intérêt collectif (SCIC)"
    SCOP = "scop", "Société coopérative et participative (SCOP)"
    COMPANY = "entreprise", "Entreprise"
    OTHER = "autre", "Autre"


class GrammaticalGender(models.TextChoices):
    MASCULINE = "m", "masculin"
    FEMININE = "f", "féminin"


class GrammaticalNumber(models.TextChoices):
    SINGULAR = "s", "singulier"
    PLURAL = "p", "pluriel"


class PartnerKind(models.TextChoices):
    STATE = "etat", "État"
    REGION = "region", "Région"
    DEPARTMENT = "departement", "Département"
    LOCAL_AUTHORITY = "epci_commune", "EPCI ou commune"
    EUROPEAN_UNION = "ue", "Union européenne"
    OTHER = "autre", "Autre"


class BudgetSection(models.TextChoices):
    OPERATING = "fonctionnement", "Fonctionnement"
    INVESTMENT = "investissement", "Investissement"


class AidNature(models.TextChoices):
    """Values of the SCDL « nature » column."""

    CASH = "aide en numéraire", "Aide en numéraire"
    IN_KIND = "aide en nature", "Aide en nature"


class PaymentTerms(models.TextChoices):
    """Values of the SCDL « conditionsVersement » column."""

    SINGLE = "unique", "Versement unique"
    STAGGERED = "échelonné", "Versement échelonné"


class CoFundingStatus(models.TextChoices):
    REQUESTED = "sollicite", "Sollicité"
    OBTAINED = "obtenu", "Obtenu"


class SubsidyStatus(models.TextChoices):
    """Lifecycle of a subsidy file (DESIGN.md §3)."""

    DRAFT = "brouillon", "Brouillon"
    UNDER_REVIEW = "en_instruction", "En instruction"
    PROPOSED = "proposee", "Proposée"
    VOTED = "votee", "Votée"
    REJECTED = "rejetee", "Rejetée"
    AGREEMENT_SIGNED = "conventionnee", "Conventionnée"
    PAID = "versee", "Versée"
    CLOSED = "soldee", "Soldée"
    WITHDRAWN = "abandonnee", "Abandonnée"


# A file's statuses by what they allow (one definition each, read everywhere):
# still alive (what "requested" counts: a withdrawn or rejected request no longer is),
ACTIVE_STATUSES = tuple(
    status
    for status in SubsidyStatus
    if status not in (SubsidyStatus.WITHDRAWN, SubsidyStatus.REJECTED)
)
# voted (what "voted" counts; the amount awarded is known),
VOTED_STATUSES = (
    SubsidyStatus.VOTED,
    SubsidyStatus.AGREEMENT_SIGNED,
    SubsidyStatus.PAID,
    SubsidyStatus.CLOSED,
)
# signed: the agreement binds both parties (or none was needed and the file is paid),
AGREEMENT_SIGNED_STATUSES = (
    SubsidyStatus.AGREEMENT_SIGNED,
    SubsidyStatus.PAID,
    SubsidyStatus.CLOSED,
)
# editable: amounts and texts change freely until the vote, afterwards only by amendment,
EDITABLE_STATUSES = (SubsidyStatus.DRAFT, SubsidyStatus.UNDER_REVIEW, SubsidyStatus.PROPOSED)
# ended: nothing of the file changes any more.
CLOSED_STATUSES = (SubsidyStatus.REJECTED, SubsidyStatus.WITHDRAWN, SubsidyStatus.CLOSED)


class InstalmentCondition(models.TextChoices):
    """When an instalment of the payment schedule falls due."""

    ON_SIGNATURE = "signature", "À la signature"
    ON_FINANCIAL_REPORT = "compte_rendu", "Sur présentation du compte rendu financier"
    ON_DATE = "date", "À date"


class ReportStatus(models.TextChoices):
    """Where a financial report (compte rendu financier) stands."""

    EXPECTED = "attendu", "Attendu"
    RECEIVED = "recu", "Reçu"
    APPROVED = "approuve", "Approuvé"
    REJECTED = "rejete", "Rejeté"
    # Not owed any more, by a recorded decision with its reason (payments.report_waive).
    WAIVED = "dispense", "Dispensé"


class ReminderKind(models.TextChoices):
    """The reminders send_reminders sends."""

    BENEFICIARY = "beneficiaire", "Relance du bénéficiaire"
    INSTRUCTOR_DIGEST = "recapitulatif", "Récapitulatif de l'instructeur"


class AuthorityKind(models.TextChoices):
    """What kind of French local authority grants: the law's articles differ by kind."""

    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Métropole, communauté ou autre EPCI"
    DEPARTMENT = "departement", "Département"
    REGION = "region", "Région"


class ExportJobStatus(models.TextChoices):
    """A large export built by a background task (subventions.exports)."""

    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echoue", "Échoué"


class InformationRequestStatus(models.TextChoices):
    """Where a request for missing documents or information stands (issue 16)."""

    OPEN = "ouverte", "En attente de réponse"
    ANSWERED = "repondue", "Répondue"
    CLOSED = "close", "Close"


class ReportHeading(models.TextChoices):
    """The account headings of the financial report (Cerfa n° 15059*02, plan comptable
    des associations): charges (6x, 86), income (70-78, 87)."""

    PURCHASES = "60", "60 – Achats"
    EXTERNAL_SERVICES = "61", "61 – Services extérieurs"
    OTHER_EXTERNAL_SERVICES = "62", "62 – Autres services extérieurs"
    TAXES = "63", "63 – Impôts et taxes"
    STAFF = "64", "64 – Charges de personnel"
    OTHER_CHARGES = "65", "65 – Autres charges de gestion courante"
    FINANCIAL_CHARGES = "66", "66 – Charges financières"
    EXCEPTIONAL_CHARGES = "67", "67 – Charges exceptionnelles"
    DEPRECIATION = "68", "68 – Dotation aux amortissements"
    VOLUNTARY_USES = "86", "86 – Emplois des contributions volontaires en nature"
    SALES = "70", "70 – Ventes de produits finis, prestations de services"
    OPERATING_SUBSIDIES = "74", "74 – Subventions d'exploitation"
    OTHER_INCOME = "75", "75 – Autres produits de gestion courante"
    FINANCIAL_INCOME = "76", "76 – Produits financiers"
    EXCEPTIONAL_INCOME = "77", "77 – Produits exceptionnels"
    REVERSALS = "78", "78 – Reprises sur amortissements et provisions"
    VOLUNTARY_CONTRIBUTIONS = "87", "87 – Contributions volontaires en nature"


CHARGE_HEADINGS = tuple(h for h in ReportHeading if h.value.startswith(("6", "86")))
INCOME_HEADINGS = tuple(h for h in ReportHeading if h not in CHARGE_HEADINGS)


class MembershipStatus(models.TextChoices):
    """Where a person's link to a beneficiary stands (association space)."""

    PENDING = "en_attente", "En attente de confirmation"
    CONFIRMED = "confirme", "Confirmé"
    REFUSED = "refuse", "Refusé"
    REVOKED = "revoque", "Révoqué"


class ApplicationStatus(models.TextChoices):
    """A request typed by an association in its space (Cerfa 12156*06)."""

    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "deposee", "Déposée"


class ApplicationStep(models.TextChoices):
    """The steps of the request form, in their order."""

    ASSOCIATION = "association", "L'association"
    PROJECT = "projet", "Le projet"
    BUDGET = "budget", "Le budget du projet"
    ATTESTATIONS = "attestations", "Attestations et pièces"
    REVIEW = "recapitulatif", "Récapitulatif et dépôt"


class VaultDocumentKind(models.TextChoices):
    """The pieces an association keeps in its document vault."""

    STATUTES = "statuts", "Statuts"
    OFFICERS = "dirigeants", "Liste des dirigeants"
    RIB = "rib", "Relevé d'identité bancaire (RIB)"
    ACTIVITY_REPORT = "rapport_activite", "Dernier rapport d'activité"
    ACCOUNTS = "comptes", "Derniers comptes approuvés"
    AUDITOR_REPORT = "commissaire", "Rapport du commissaire aux comptes"
    OTHER = "autre", "Autre pièce"
