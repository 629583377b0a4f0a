"""What the instructor and the association say to each other about a file (issue 16):
information requests (missing documents or information, with a deadline) and the
messages kept on the file, seen on both sides (staff panel on the subsidy page, the
association's thread in its space).

While a request is open the file is « incomplet » (`Subsidy.is_incomplete`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.files import private_storage

from ..enums import InformationRequestStatus

ANSWERED_WITHOUT_DATE = "Une demande de compléments répondue porte la date de sa réponse."
EMPTY_MESSAGE = "Écrivez votre message."

MESSAGE_UPLOAD_TO = "echanges/%Y/"


class InformationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InformationRequestStatus.OPEN)


class InformationRequest(models.Model):
    """The instructor asks the association for missing documents or information, by a
    deadline; the association answers in its space (a FileMessage linked to it)."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="dossier",
        on_delete=models.RESTRICT,
        related_name="information_requests",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandée par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("demande")
    deadline = models.DateField("à fournir avant le")
    status = models.CharField(
        "statut",
        max_length=20,
        choices=InformationRequestStatus.choices,
        default=InformationRequestStatus.OPEN,
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)

    history = HistoricalRecords()

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de compléments"
        verbose_name_plural = "demandes de compléments"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=InformationRequestStatus.ANSWERED)
                | Q(answered_at__isnull=False),
                name="informationrequest_answered_has_date",
                violation_error_message=ANSWERED_WITHOUT_DATE,
            ),
        ]

    def __str__(self):
        return f"Demande « {self.subject} » ({self.subsidy.reference})"

    @property
    def is_open(self) -> bool:
        return self.status == InformationRequestStatus.OPEN


class FileMessage(models.Model):
    """One message on a file, from the instructor or from the association, kept for both
    sides; an answer to an information request points to it."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="dossier",
        on_delete=models.RESTRICT,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_association = models.BooleanField("écrit par l'association", default=False)
    body = models.TextField("message")
    attachment = models.FileField(
        "pièce jointe", storage=private_storage, upload_to=MESSAGE_UPLOAD_TO, blank=True
    )
    attachment_name = models.CharField("nom de la pièce jointe", max_length=200, blank=True)
    information_request = models.ForeignKey(
        InformationRequest,
        verbose_name="en réponse à",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="answers",
    )
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "message du dossier"
        verbose_name_plural = "messages du dossier"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="filemessage_has_body",
                violation_error_message=EMPTY_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y} ({self.subsidy.reference})"
