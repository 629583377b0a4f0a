"""Choices of the conventions app (agreements, amendments, batch jobs): English identifiers,
French labels."""

from django.db import models


class AgreementStatus(models.TextChoices):
    """Where an agreement (convention) or an amendment (avenant) stands.

    The authority signs last in the usual order, but may sign first: the document is in
    force and frozen from the authority's signature; the beneficiary's may follow.
    """

    DRAFT = "brouillon", "Brouillon"
    READY = "prete", "Prête pour signature"
    SENT = "envoyee", "Envoyée pour signature"
    SIGNED_BY_BENEFICIARY = "signee_beneficiaire", "Signée par le bénéficiaire"
    IN_FORCE = "en_vigueur", "Signée par la collectivité (en vigueur)"
    CLOSED = "close", "Close"
    TERMINATED = "resiliee", "Résiliée"


# Signed by the authority: the document and its SHA-256 no longer change.
SIGNED_STATUSES = (AgreementStatus.IN_FORCE, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)


class SignatureMethod(models.TextChoices):
    PAPER = "papier", "Signature manuscrite (original numérisé)"
    ELECTRONIC = "electronique", "Signature électronique (PAdES)"


class BeneficiarySigningMethod(models.TextChoices):
    """How an association signed its agreement from its space (issue 16)."""

    SIMPLE = "simple", "Signature électronique simple, scellée par la collectivité"
    PAPER_SCAN = "scan", "Exemplaire signé sur papier, numérisé"
    OWN_CERTIFICATE = "certificat", "PDF signé électroniquement par l'association"


class BatchJobStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "terminee", "Terminée"
    FAILED = "echec", "Terminée avec des erreurs"


class BatchItemOutcome(models.TextChoices):
    """What the batch did for one subsidy of the session."""

    PENDING = "a_faire", "À faire"
    CREATED = "creee", "Convention créée"
    REGENERATED = "regeneree", "Convention régénérée"
    SKIPPED = "signee", "Convention signée laissée telle quelle"
    ERROR = "erreur", "Erreur"


# An item in one of these is done: a second delivery of its task changes nothing.
BATCH_ITEM_DONE = (BatchItemOutcome.CREATED, BatchItemOutcome.REGENERATED, BatchItemOutcome.SKIPPED)


class TemplateKind(models.TextChoices):
    """What a template version writes: an agreement, or an amendment to one."""

    AGREEMENT = "convention", "Convention"
    AMENDMENT = "avenant", "Avenant"
    # The letter notifying the beneficiary of the award (conventions.letters).
    NOTIFICATION = "notification", "Lettre de notification"


class BundleStatus(models.TextChoices):
    """Where the building of a « dossier complet » ZIP stands."""

    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "pret", "Prêt à télécharger"
    FAILED = "echec", "Échec"
