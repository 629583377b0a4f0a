"""Deletion guard: a voted deliberation and its list of subsidies are never deleted.

A signal rather than a database trigger because SQLite's flush (used between
transactional tests) deletes table by table and would trip a trigger; a signal also
covers QuerySet.delete(), which does not call Model.delete().
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import Deliberation, DeliberationSubsidy

DELETION_REFUSED = "La délibération {number} est votée : elle ne peut pas être supprimée."


@receiver(pre_delete, sender=Deliberation)
@receiver(pre_delete, sender=DeliberationSubsidy)
def refuse_deleting_a_voted_deliberation(sender, instance, **kwargs):
    deliberation = instance if sender is Deliberation else instance.deliberation
    if deliberation.is_frozen:
        raise ValidationError(DELETION_REFUSED.format(number=deliberation.number), code="frozen")
