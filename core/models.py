"""The models every app shares: named counters and the log of every lifecycle's transitions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Counter(models.Model):
    """A named counter (the subsidy references of a year, the numbers of the deliberations
    of a year and body), advanced under a row lock."""

    key = models.CharField("clé", max_length=64, unique=True)
    value = models.PositiveIntegerField("dernière valeur", default=0)

    # The tables keep the names they had when the model lived in the subventions app.
    history = HistoricalRecords(table_name="subventions_historicalsequence")

    class Meta:
        db_table = "subventions_sequence"
        verbose_name = "compteur"
        verbose_name_plural = "compteurs"

    def __str__(self):
        return f"{self.key} = {self.value}"

    @classmethod
    def lock(cls, key: str) -> "Counter":
        """The counter's row, locked until the end of the transaction.

        Lock order (core.locking): a caller that numbers rows locks the counter before it
        writes any of them, so that two numberings never wait on each other in a cycle.
        """
        cls.objects.get_or_create(key=key)
        return cls.objects.select_for_update().get(key=key)

    @classmethod
    def next_value(cls, key: str) -> int:
        """The next value of the counter, never handed out twice, even concurrently."""
        with transaction.atomic():
            counter = cls.lock(key)
            counter.value += 1
            counter.save(update_fields=["value"])
            return counter.value

    @classmethod
    def raise_to(cls, key: str, value: int) -> None:
        """Move the counter up to `value` (a number given by hand), never down."""
        with transaction.atomic():
            counter = cls.lock(key)
            if counter.value < value:
                counter.value = value
                counter.save(update_fields=["value"])


class TransitionLog(models.Model):
    """One row per status change of any lifecycle (core.workflow): of what, which action,
    from which status to which, by whom, when and why. Written once, never changed."""

    content_type = models.ForeignKey(
        ContentType, verbose_name="type d'objet", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField("identifiant de l'objet")
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField("action", max_length=50)
    from_status = models.CharField("de", max_length=30)
    to_status = models.CharField("vers", max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        change = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        return f"{self.target} : {change}"

    def _status_label(self, value: str) -> str:
        # From the content types' cache: no query per row of a list.
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        choices = dict(model._meta.get_field("status").choices) if model else {}
        return str(choices.get(value, value))

    def get_from_status_display(self) -> str:
        return self._status_label(self.from_status)

    def get_to_status_display(self) -> str:
        return self._status_label(self.to_status)
