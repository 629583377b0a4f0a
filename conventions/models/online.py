"""The record of an association's signature given from its space (issue 16): who, when,
from which address, by which means, with what consent, and the fingerprint of the copy
kept (the agreement's `beneficiary_scan`)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..enums import BeneficiarySigningMethod
from .agreements import Agreement


class BeneficiarySignature(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        verbose_name="convention",
        on_delete=models.RESTRICT,
        related_name="online_signatures",
    )
    method = models.CharField(
        "mode de signature", max_length=20, choices=BeneficiarySigningMethod.choices
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte signataire",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signatory_name = models.CharField("nom du représentant", max_length=150)
    signatory_title = models.CharField("qualité du représentant", max_length=150)
    signed_at = models.DateTimeField("signée le", auto_now_add=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    consent = models.TextField(
        "consentement exprimé", blank=True, help_text="Le texte que le représentant a coché."
    )
    document_sha256 = models.CharField("empreinte SHA-256 de l'exemplaire gardé", max_length=64)
    verification = models.TextField(
        "vérification", blank=True, help_text="Le résultat de la vérification des signatures."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "signature en ligne du bénéficiaire"
        verbose_name_plural = "signatures en ligne du bénéficiaire"
        ordering = ["-signed_at", "-pk"]

    def __str__(self):
        return f"{self.get_method_display()} — {self.agreement} ({self.signatory_name})"
