"""The financial report typed online by the association (« Compte rendu financier de
subvention », Cerfa n° 15059*02), beside the FinancialReport whose lifecycle it feeds:
planned versus actual charges and income of the action by account heading, the
explanation of the differences, what was done, the indicators and the attestation, with
the signed PDF (kept on the FinancialReport when it is submitted)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.modeling import money_field, non_negative

from ..enums import CHARGE_HEADINGS, ReportHeading

SUBMITTED_WITHOUT_ATTESTATION = "Un compte rendu transmis porte l'attestation du représentant."
DUPLICATE_HEADING = "Cette rubrique figure déjà dans le compte rendu."


class ReportStatement(models.Model):
    """What the association declares in its financial report (one per report; the draft
    it saves is updated until it submits)."""

    report = models.OneToOneField(
        "subventions.FinancialReport",
        verbose_name="compte rendu financier",
        on_delete=models.RESTRICT,
        related_name="statement",
    )
    achievements = models.TextField(
        "réalisation de l'action",
        blank=True,
        help_text="Ce qui a été fait : public touché, dates, lieux, moyens mis en œuvre.",
    )
    indicators = models.TextField(
        "indicateurs d'évaluation", blank=True, help_text="Les résultats au regard des objectifs."
    )
    differences_explanation = models.TextField(
        "explication des écarts",
        blank=True,
        help_text="Les écarts significatifs entre le budget prévisionnel et le réalisé.",
    )
    signatory_name = models.CharField("nom du représentant", max_length=150, blank=True)
    signatory_title = models.CharField("qualité du représentant", max_length=150, blank=True)
    attested = models.BooleanField(
        "attestation sur l'honneur",
        default=False,
        help_text="Le représentant certifie exactes les informations du compte rendu.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="transmis par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "compte rendu financier saisi en ligne"
        verbose_name_plural = "comptes rendus financiers saisis en ligne"
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(attested=True),
                name="reportstatement_submitted_is_attested",
                violation_error_message=SUBMITTED_WITHOUT_ATTESTATION,
            ),
        ]

    def __str__(self):
        return f"Saisie en ligne — {self.report}"

    def totals(self) -> dict:
        """Planned and actual totals of charges and income (Decimal)."""
        sums = dict.fromkeys(
            ("charges_planned", "charges_actual", "income_planned", "income_actual"), Decimal(0)
        )
        for line in self.lines.all():
            side = "charges" if line.heading in CHARGE_HEADINGS else "income"
            sums[f"{side}_planned"] += line.planned
            sums[f"{side}_actual"] += line.actual
        return sums


class ReportLine(models.Model):
    """One account heading of the report: planned and actual amounts of the action."""

    statement = models.ForeignKey(
        ReportStatement, verbose_name="compte rendu", on_delete=models.CASCADE, related_name="lines"
    )
    heading = models.CharField("rubrique", max_length=2, choices=ReportHeading.choices)
    planned = money_field("prévu", default=0)
    actual = money_field("réalisé", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du compte rendu"
        verbose_name_plural = "lignes du compte rendu"
        ordering = ["heading"]
        constraints = [
            non_negative("planned", "reportline"),
            non_negative("actual", "reportline"),
            models.UniqueConstraint(
                fields=["statement", "heading"],
                name="reportline_one_per_heading",
                violation_error_message=DUPLICATE_HEADING,
            ),
        ]

    def __str__(self):
        return f"{self.get_heading_display()} : {self.planned} / {self.actual}"

    @property
    def difference(self):
        """Actual minus planned (negative: less spent or received than planned)."""
        return self.actual - self.planned
