"""Batch jobs run in the background (Celery): their progress, shown on the session page.

A row rather than Celery's result backend: it works without Redis (eager tasks), the
page reads it with one query, and tests see it like any other data. A job has one item
per subsidy; each item is done by its own task (conventions.batch), and the job's counts
are recomputed from its items, so that a task delivered twice counts once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.models import TransitionLog
from core.workflow import LifecycleMixin, StatusField

from ..enums import BATCH_ITEM_DONE, BatchItemOutcome, BatchJobStatus

FINISHED_WITHOUT_DATE = "Un traitement terminé porte sa date de fin."
FINISHED = (BatchJobStatus.DONE, BatchJobStatus.FAILED)


class BatchJob(LifecycleMixin, models.Model):
    """« Générer toutes les conventions de la séance »: one run, its counts and errors.

    Pending, then running, then done or failed: a state machine (core.workflow), its
    transitions logged on behalf of the user who launched the job.
    """

    status_subject = "le traitement"
    str_related = ("session",)

    KIND_SESSION_AGREEMENTS = "conventions_seance"
    KINDS = [(KIND_SESSION_AGREEMENTS, "Générer toutes les conventions de la séance")]

    kind = models.CharField("traitement", max_length=40, choices=KINDS)
    session = models.ForeignKey(
        "deliberations.Session",
        verbose_name="séance",
        on_delete=models.CASCADE,
        related_name="batch_jobs",
    )
    status = StatusField(
        "statut", max_length=20, choices=BatchJobStatus.choices, default=BatchJobStatus.PENDING
    )
    total = models.PositiveIntegerField("à traiter", default=0)
    done = models.PositiveIntegerField("traités", default=0)
    created = models.PositiveIntegerField("conventions créées", default=0)
    skipped = models.PositiveIntegerField("conventions signées laissées telles quelles", default=0)
    errors = models.JSONField("erreurs", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lancé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("lancé le", auto_now_add=True)
    started_at = models.DateTimeField("démarré le", null=True, blank=True)
    progressed_at = models.DateTimeField("dernière progression le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    # The history keeps every change of state (saved by the transitions); the progress in
    # between is written with QuerySet.update() (conventions.batch), the items keep the
    # detail.
    transitions = GenericRelation(TransitionLog, related_query_name="batch_job")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "traitement par lot"
        verbose_name_plural = "traitements par lot"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")),
                name="batchjob_done_within_total",
                violation_error_message="Un traitement ne peut compter plus d'éléments traités "
                "qu'à traiter.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FINISHED, finished_at__isnull=False)
                | (~Q(status__in=FINISHED) & Q(finished_at__isnull=True)),
                name="batchjob_finished_has_its_date",
                violation_error_message=FINISHED_WITHOUT_DATE,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.session} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.is_finished else 0
        return round(self.done * 100 / self.total)

    @property
    def summary(self) -> str:
        """« 2 conventions créées, 1 régénérée, 1 signée laissée telle quelle, 0 erreur »."""

        def count(number: int, singular: str, plural: str) -> str:
            # French: 0 and 1 take the singular.
            return f"{number} {plural if number > 1 else singular}"

        regenerated = self.done - self.created - self.skipped - len(self.errors)
        return (
            ", ".join(
                [
                    count(self.created, "convention créée", "conventions créées"),
                    count(regenerated, "régénérée", "régénérées"),
                    count(
                        self.skipped,
                        "signée laissée telle quelle",
                        "signées laissées telles quelles",
                    ),
                    count(len(self.errors), "erreur", "erreurs"),
                ]
            )
            + "."
        )

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_interrupted(self) -> bool:
        """Stopped before every subsidy was done (a worker lost, or no worker at all)."""
        return self.status == BatchJobStatus.FAILED and self.done < self.total

    @property
    def state_label(self) -> str:
        """« Interrompu » rather than « Terminée avec des erreurs » for a job cut short."""
        return "Interrompu" if self.is_interrupted else self.get_status_display()

    @property
    def last_activity(self):
        return self.progressed_at or self.started_at or self.created_at

    # Lifecycle (conventions.batch): the task's own steps, run on behalf of the user who
    # launched the job (whose right was checked at the launch): a role lost since then
    # does not leave the job pending for ever.

    @transition(
        field=status,
        source=BatchJobStatus.PENDING,
        target=BatchJobStatus.RUNNING,
        custom={"label": "Démarrer"},
    )
    def start(self):
        self.started_at = self.progressed_at = timezone.now()

    @transition(
        field=status,
        # From failed too: a job marked interrupted whose messages were delivered again
        # (a worker back) and completed every subsidy without an error.
        source=[BatchJobStatus.RUNNING, BatchJobStatus.FAILED],
        target=BatchJobStatus.DONE,
        custom={"label": "Terminer"},
    )
    def finish(self):
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=[BatchJobStatus.PENDING, BatchJobStatus.RUNNING],
        target=BatchJobStatus.FAILED,
        custom={"label": "Terminer avec des erreurs"},
    )
    def fail(self):
        """Finished with errors, or interrupted (no progress for too long)."""
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=BatchJobStatus.FAILED,
        target=BatchJobStatus.RUNNING,
        custom={"label": "Reprendre"},
    )
    def restart(self):
        """Generate again what is missing: the subsidies not done and those in error."""
        self.finished_at = None
        self.started_at = self.started_at or timezone.now()
        self.progressed_at = timezone.now()


class BatchItem(models.Model):
    """One subsidy of a batch job: what its task did (or « à faire »).

    Unique per job and subsidy; a task locks its item, so that two deliveries of the same
    task never both create the agreement (the agreement is unique per subsidy as well).
    """

    job = models.ForeignKey(
        BatchJob, verbose_name="traitement", on_delete=models.CASCADE, related_name="items"
    )
    subsidy = models.ForeignKey(
        "subventions.Subsidy", verbose_name="subvention", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField("rang")
    outcome = models.CharField(
        "résultat",
        max_length=20,
        choices=BatchItemOutcome.choices,
        default=BatchItemOutcome.PENDING,
    )
    agreement = models.ForeignKey(
        "conventions.Agreement",
        verbose_name="convention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set in the transaction that created the agreement: a task killed before the end
    # still counts the agreement as created by this job when it is delivered again.
    created_agreement = models.BooleanField("convention créée par ce traitement", default=False)
    error = models.TextField("erreur", blank=True)
    done_at = models.DateTimeField("traité le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "élément d'un traitement par lot"
        verbose_name_plural = "éléments d'un traitement par lot"
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "subsidy"], name="batchitem_once_per_job"),
            models.CheckConstraint(
                condition=Q(outcome=BatchItemOutcome.ERROR) | Q(error=""),
                name="batchitem_error_only_when_failed",
                violation_error_message="Seul un élément en erreur porte un message d'erreur.",
            ),
        ]

    def __str__(self):
        return f"{self.job_id} — {self.subsidy} ({self.get_outcome_display()})"

    @property
    def is_done(self) -> bool:
        return self.outcome in BATCH_ITEM_DONE
