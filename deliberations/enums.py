"""Choices of the deliberations app: English identifiers, French labels."""

from django.db import models


class Body(models.TextChoices):
    """The assembly that votes; its letter is part of the deliberation number."""

    BUREAU = "B", "Bureau"
    COUNCIL = "C", "Conseil"


class DeliberationStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    ADOPTED = "adoptee", "Adoptée"
    REJECTED = "rejetee", "Rejetée"
    WITHDRAWN = "retiree", "Retirée"


# Once voted, a deliberation is an act: nothing of it changes any more.
FROZEN_STATUSES = (DeliberationStatus.ADOPTED, DeliberationStatus.REJECTED)


class Civility(models.TextChoices):
    MR = "M.", "M."
    MRS = "Mme", "Mme"


class InterestFunction(models.TextChoices):
    """The function an elected member holds in an organisation (CGCT L2131-11)."""

    PRESIDENT = "president", "président(e)"
    VICE_PRESIDENT = "vice_president", "vice-président(e)"
    TREASURER = "treasurer", "trésorier(ère)"
    SECRETARY = "secretary", "secrétaire"
    BOARD_MEMBER = "board_member", "membre du conseil d'administration"
    OTHER = "other", "autre"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "présent(e)"
    REPRESENTED = "represented", "représenté(e)"
    ABSENT = "absent", "absent(e)"
    EXCUSED = "excused", "excusé(e)"


class ActNature(models.TextChoices):
    """The nature of an act in the @CTES exchange (CodeNatureActe)."""

    DELIBERATION = "1", "Délibération"
    REGULATORY = "2", "Acte réglementaire"
    INDIVIDUAL = "3", "Acte individuel"
    CONTRACT = "4", "Contrat, convention et avenant"
    BUDGET = "5", "Document budgétaire et financier"
    OTHER = "6", "Autre"


class CorrectionKind(models.TextChoices):
    VOTE = "vote", "vote"
    EXECUTORY = "executory", "date exécutoire"
