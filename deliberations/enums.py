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
