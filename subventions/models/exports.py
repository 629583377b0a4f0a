"""A large XLSX export of a staff list, built by a background task (subventions.exports)
and kept in the private storage until its user downloads it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import private_storage

from ..enums import ExportJobStatus

FINISHED = [ExportJobStatus.DONE, ExportJobStatus.FAILED]


class ExportJob(models.Model):
    listing = models.CharField("liste", max_length=50)
    query = models.TextField("filtres (paramètres de la liste)", blank=True)
    format = models.CharField("format", max_length=10, default="xlsx")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ExportJobStatus.choices, default=ExportJobStatus.PENDING
    )
    total = models.PositiveIntegerField("lignes à écrire", default=0)
    done = models.PositiveIntegerField("lignes écrites", default=0)
    file = models.FileField(
        "fichier", storage=private_storage, upload_to="exports/%Y/%m/", blank=True, editable=False
    )
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # The task's sign of life, written with its progress: an export whose worker was
    # killed stops writing it, and is then marked interrupted (subventions.exports).
    progressed_at = models.DateTimeField("dernière progression", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "export en tâche de fond"
        verbose_name_plural = "exports en tâche de fond"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status__in=FINISHED) & Q(finished_at__isnull=False))
                | (~Q(status__in=FINISHED) & Q(finished_at__isnull=True)),
                name="export_job_finished_at_iff_finished",
                violation_error_message=(
                    "Un export terminé ou échoué a sa date de fin, et lui seul."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportJobStatus.DONE) | ~Q(file=""),
                name="export_job_done_has_its_file",
                violation_error_message="Un export terminé a son fichier.",
            ),
        ]

    def __str__(self):
        return f"Export {self.listing} n° {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == ExportJobStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
