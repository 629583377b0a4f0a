"""The notification letter (lettre de notification) of an award: generated once from a
version of its template (conventions.models.templates, kind « notification »), its PDF
frozen with its SHA-256, then e-mailed to the beneficiary (conventions.letters)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core import files
from core.modeling import DateField

from .agreements import get_private_storage
from .templates import AgreementTemplate


class NotificationLetter(models.Model):
    """The letter notifying a beneficiary of its subsidy: amount, deliberation, payment
    terms, report due date, contact."""

    number = models.CharField("numéro", max_length=20, unique=True, editable=False)
    subsidy = models.OneToOneField(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.RESTRICT,
        related_name="notification_letter",
    )
    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="modèle (version)",
        on_delete=models.RESTRICT,
        related_name="notification_letters",
    )
    pdf = models.FileField(
        "PDF (figé)", storage=get_private_storage, upload_to="notifications/", editable=False
    )
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, editable=False)
    emailed_on = DateField("envoyée au bénéficiaire par courriel le", null=True, blank=True)
    created_at = models.DateTimeField("produite le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="produite par",
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "lettre de notification"
        verbose_name_plural = "lettres de notification"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Lettre de notification {self.number}"

    def frozen_pdf_bytes(self) -> bytes:
        """The PDF exactly as produced; refused if it no longer matches its SHA-256."""
        return files.read_stored(self.pdf, what="La lettre de notification", sha256=self.pdf_sha256)
