"""The « dossier complet » of a session, built in the background (conventions.bundles): a
ZIP of every act and agreement with its manifest, kept in the private storage."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..enums import BundleStatus
from .agreements import get_private_storage

DONE_WITHOUT_FILE = "Un dossier complet prêt garde son fichier et son empreinte."


class Bundle(models.Model):
    """One build of a session's complete file (ZIP + manifeste.csv)."""

    session = models.ForeignKey(
        "deliberations.Session",
        verbose_name="séance",
        on_delete=models.CASCADE,
        related_name="bundles",
    )
    status = models.CharField(
        "statut", max_length=20, choices=BundleStatus.choices, default=BundleStatus.PENDING
    )
    total = models.PositiveIntegerField("documents à rassembler", default=0)
    done = models.PositiveIntegerField("documents rassemblés", default=0)
    file = models.FileField(
        "archive ZIP",
        storage=get_private_storage,
        upload_to="dossiers-complets/",
        blank=True,
        editable=False,
    )
    sha256 = models.CharField("empreinte SHA-256 de l'archive", max_length=64, blank=True)
    error = models.TextField("erreur", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # The task's sign of life, written with each document gathered: a build killed in the
    # middle stops writing it, and is then marked interrupted (conventions.bundles).
    progressed_at = models.DateTimeField("dernière progression", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "dossier complet de séance"
        verbose_name_plural = "dossiers complets de séance"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=BundleStatus.DONE) | (~Q(file="") & ~Q(sha256="")),
                name="bundle_done_keeps_its_file",
                violation_error_message=DONE_WITHOUT_FILE,
            ),
        ]

    def __str__(self):
        return f"Dossier complet — {self.session}"

    @property
    def percent(self) -> int:
        if self.status == BundleStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (BundleStatus.DONE, BundleStatus.FAILED)
