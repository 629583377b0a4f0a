"""The reference data of the files: the granting authority, the policy areas, the funders."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.modeling import NormalizedIdentifiersMixin

from .. import validators
from ..enums import PartnerKind

AUTHORITY_SINGLETON = "Une seule collectivité attribuante peut être enregistrée."
DEPARTEMENT_INVALID = "Le code du département a trois caractères : « 059 », « 974 », « 02A »."


class Authority(NormalizedIdentifiersMixin, models.Model):
    """The granting authority (collectivité attribuante): a single row."""

    name = models.CharField("nom", max_length=200)
    name_with_article = models.CharField(
        "nom court avec article", max_length=100, help_text="Par exemple « la MEL »."
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validators.validate_siret])
    address = models.TextField("adresse")
    postal_code = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    president_name = models.CharField("nom du président ou de la présidente", max_length=150)
    president_title = models.CharField(
        "titre du président ou de la présidente", max_length=150, default="Président"
    )
    seat_city = models.CharField("ville du siège", max_length=100)
    administrative_court = models.CharField("tribunal administratif compétent", max_length=150)
    logo = models.ImageField("logo", upload_to="authority/", blank=True)
    departement_code = models.CharField(
        "code du département (@CTES)",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{3}$|^0[0-9][AB]$", DEPARTEMENT_INVALID)],
        help_text="Sur trois caractères, par exemple « 059 » ; déduit du code postal s'il "
        "est vide.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "collectivité attribuante"
        verbose_name_plural = "collectivité attribuante"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="authority_single_row",
                violation_error_message=AUTHORITY_SINGLETON,
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def normalize_identifiers(self):
        self.siret = validators.compact_siret(self.siret)

    @classmethod
    def current(cls) -> "Authority | None":
        return cls.objects.filter(pk=1).first()

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def departement(self) -> str:
        """The département on three characters, as the @CTES exchange names it (« 059 »):
        the code typed, else the postal code's first two digits."""
        if self.departement_code:
            return self.departement_code
        return self.postal_code[:2].zfill(3) if self.postal_code else ""


class PolicyArea(models.Model):
    """Public policy area (politique publique) under which a subsidy is voted."""

    label = models.CharField("libellé", max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "politique publique"
        verbose_name_plural = "politiques publiques"
        ordering = ["label"]

    def __str__(self):
        return self.label


class FundingPartner(NormalizedIdentifiersMixin, models.Model):
    """Another funder of a beneficiary (co-financeur)."""

    name_with_article = models.CharField(
        "nom avec article",
        max_length=200,
        unique=True,
        help_text="Par exemple « l'Etat (DIRECCTE) », « la Région Hauts-de-France ».",
    )
    kind = models.CharField("type", max_length=20, choices=PartnerKind.choices)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validators.validate_siret]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["name_with_article"]

    def __str__(self):
        return self.name_with_article

    def normalize_identifiers(self):
        self.siret = validators.compact_siret(self.siret)
