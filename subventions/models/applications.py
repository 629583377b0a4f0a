"""A request typed by an association in its space, following the national form
« Demande de subvention(s) d'association » (Cerfa n° 12156*06), and the association's
document vault whose pieces every request reuses.

The request is a draft saved at each step; its submission creates the subsidy file
(`subventions.applications.application_submit`), which then lives its own life.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.files import private_storage, validate_pdf
from core.modeling import DateField, money_field, non_negative

from ..enums import ApplicationStatus, ApplicationStep, VaultDocumentKind

SUBMITTED_WITHOUT_DATE = "Une demande déposée porte sa date de dépôt."
PROJECT_ENDS_BEFORE_START = "La fin du projet ne peut précéder son début."
# Sub-folder of the private files (core.files.private_storage).
VAULT_UPLOAD_TO = "coffre/%Y/"


class VaultDocument(models.Model):
    """A piece of the association's document vault, reused by its requests."""

    beneficiary = models.ForeignKey(
        "subventions.Beneficiary",
        verbose_name="bénéficiaire",
        on_delete=models.CASCADE,
        related_name="vault_documents",
    )
    kind = models.CharField("nature de la pièce", max_length=20, choices=VaultDocumentKind.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    file = models.FileField(
        "fichier (PDF)",
        storage=private_storage,
        upload_to=VAULT_UPLOAD_TO,
        validators=[validate_pdf],
    )
    sha256 = models.CharField("empreinte SHA-256", max_length=64, editable=False, default="")
    valid_until = DateField(
        "valable jusqu'au",
        null=True,
        blank=True,
        help_text="Laissez vide pour une pièce sans échéance (les statuts, par exemple).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pièce du coffre-fort"
        verbose_name_plural = "pièces du coffre-fort"
        ordering = ["beneficiary", "kind", "-uploaded_at"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Application(models.Model):
    """One request of an association (Cerfa 12156*06), a draft until it is submitted."""

    beneficiary = models.ForeignKey(
        "subventions.Beneficiary",
        verbose_name="bénéficiaire",
        on_delete=models.CASCADE,
        related_name="applications",
    )
    year = models.PositiveSmallIntegerField(
        "exercice", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        "statut", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    current_step = models.CharField(
        "étape en cours",
        max_length=20,
        choices=ApplicationStep.choices,
        default=ApplicationStep.ASSOCIATION,
    )
    # 1. The association: identity, representative, contact, approvals, human resources,
    # own annual budget (the Cerfa's part 1 to 4, kept as typed).
    association = models.JSONField("l'association", default=dict, blank=True)
    # 2. The project
    project_title = models.CharField("intitulé du projet", max_length=500, blank=True)
    project_objectives = models.TextField("objectifs", blank=True)
    project_description = models.TextField("description", blank=True)
    project_public = models.TextField("public bénéficiaire", blank=True)
    project_territory = models.CharField("territoire", max_length=300, blank=True)
    project_start = DateField("date de début", null=True, blank=True)
    project_end = DateField("date de fin", null=True, blank=True)
    policy_area = models.ForeignKey(
        "subventions.PolicyArea",
        verbose_name="domaine d'intervention",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
    )
    project_means = models.TextField("moyens matériels et humains", blank=True)
    project_indicators = models.TextField("indicateurs d'évaluation", blank=True)
    # The action axes, in order: [{"title": …, "description": …}]
    axes = models.JSONField("axes d'action", default=list, blank=True)
    # 3. The project budget: {"charges": {"60": "1200.00", …}, "income": {"70": …}}
    budget = models.JSONField("budget du projet", default=dict, blank=True)
    # The other public funders asked: [{"kind": "region", "name": …, "amount": "…"}]
    funders = models.JSONField("autres financeurs publics sollicités", default=list, blank=True)
    amount_requested = money_field("montant demandé à la collectivité", null=True, blank=True)
    # 4. The attestations
    sworn_statement = models.BooleanField("déclaration sur l'honneur", default=False)
    republican_commitment = models.BooleanField(
        "contrat d'engagement républicain souscrit", default=False
    )
    signatory_name = models.CharField("signataire de l'attestation", max_length=150, blank=True)
    documents = models.ManyToManyField(
        VaultDocument, verbose_name="pièces jointes", blank=True, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    subsidy = models.OneToOneField(
        "subventions.Subsidy",
        verbose_name="dossier créé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "demande en ligne"
        verbose_name_plural = "demandes en ligne"
        ordering = ["-created_at"]
        constraints = [
            non_negative("amount_requested", "application"),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
                violation_error_message=SUBMITTED_WITHOUT_DATE,
            ),
        ]

    def __str__(self):
        return f"{self.project_title or 'Demande'} — {self.beneficiary} ({self.year})"

    def clean(self):
        if self.project_start and self.project_end and self.project_end < self.project_start:
            raise ValidationError({"project_end": PROJECT_ENDS_BEFORE_START})

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT
