"""The bodies that receive subsidies (DESIGN.md §2)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core import grammar
from core.grammar import name_key
from core.modeling import DateField, NormalizedIdentifiersMixin

from .. import validators
from ..enums import GrammaticalGender, GrammaticalNumber, LegalForm

DUPLICATE_SIRET = "Un bénéficiaire porte déjà ce SIRET."
# The contrat d'engagement républicain (loi 2021-1109, décret 2021-1947) binds the requests
# made from this date on (DESIGN.md §4.5).
REPUBLICAN_COMMITMENT_FROM = datetime.date(2022, 1, 2)


class Beneficiary(NormalizedIdentifiersMixin, models.Model):
    """A body receiving subsidies: association, foundation, cooperative…"""

    legal_name = models.CharField("raison sociale", max_length=250)
    short_name = models.CharField("sigle ou nom court", max_length=100, blank=True)
    name_with_article = models.CharField(
        "nom avec article",
        max_length=150,
        help_text="Tel qu'il s'écrit dans une phrase : « l'APES », « la Maison des associations ».",
    )
    grammatical_gender = models.CharField(
        "genre du nom",
        max_length=1,
        choices=GrammaticalGender.choices,
        blank=True,
        help_text=(
            "Accorde les phrases : « la Maison … est dénommée ». Deviné d'après l'article "
            "à l'enregistrement s'il est laissé vide ; à corriger au besoin."
        ),
    )
    grammatical_number = models.CharField(
        "nombre du nom",
        max_length=1,
        choices=GrammaticalNumber.choices,
        blank=True,
        help_text=(
            "Accorde les phrases : « les Ateliers … mènent ». Deviné d'après l'article "
            "à l'enregistrement s'il est laissé vide ; à corriger au besoin."
        ),
    )
    legal_form = models.CharField(
        "forme juridique",
        max_length=20,
        choices=LegalForm.choices,
        default=LegalForm.ASSOCIATION,
    )
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validators.validate_siret]
    )
    rna = models.CharField(
        "numéro RNA", max_length=10, blank=True, validators=[validators.validate_rna]
    )
    address = models.TextField("adresse du siège", blank=True)
    postal_code = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validators.validate_postal_code]
    )
    city = models.CharField("commune", max_length=100, blank=True)
    representative_name = models.CharField("représentant légal", max_length=150, blank=True)
    representative_title = models.CharField(
        "qualité du représentant",
        max_length=150,
        blank=True,
        help_text="Par exemple « Président ».",
    )
    email = models.EmailField("courriel de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    iban = models.CharField(
        "IBAN", max_length=34, blank=True, validators=[validators.validate_iban]
    )
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validators.validate_bic])
    republican_commitment_date = DateField(
        "contrat d'engagement républicain souscrit le", null=True, blank=True
    )
    notes = models.TextField("notes internes", blank=True)
    # The legal name without accents, case, punctuation nor articles (core.grammar.name_key):
    # what the likely duplicates are looked up by (subventions.selectors).
    name_key = models.CharField("nom normalisé", max_length=250, editable=False, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["name_key"], name="beneficiary_name_key"),
            # The list's order (subventions.selectors.beneficiary_list).
            models.Index(fields=["legal_name", "id"], name="beneficiary_list_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="beneficiary_siret_unique",
                violation_error_message=DUPLICATE_SIRET,
            ),
            models.CheckConstraint(
                condition=Q(rna="") | Q(rna__regex=validators.RNA_PATTERN),
                name="beneficiary_rna_format",
                violation_error_message=validators.RNA_INVALID,
            ),
        ]

    def __str__(self):
        if self.short_name and self.short_name != self.legal_name:
            return f"{self.legal_name} ({self.short_name})"
        return self.legal_name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.legal_name)[:250]
        self.guess_grammar()
        super().save(*args, **kwargs)

    def guess_grammar(self) -> None:
        """Fill the gender and number left blank from the name's article and head noun."""
        if self.grammatical_gender and self.grammatical_number:
            return
        guessed = grammar.Name.parse(self.name_with_article, legal_form=self.legal_form)
        self.grammatical_gender = self.grammatical_gender or guessed.gender
        self.grammatical_number = self.grammatical_number or guessed.number

    @property
    def grammatical_name(self) -> grammar.Name:
        """The name as sentences use it: « les Jardins … mènent », « de l'APES »."""
        return grammar.Name.parse(
            self.name_with_article or self.legal_name,
            gender=self.grammatical_gender or None,
            number=self.grammatical_number or None,
            legal_form=self.legal_form,
        )

    def normalize_identifiers(self):
        # Stored compact, so that uniqueness and exports see one spelling.
        self.siret = validators.compact_siret(self.siret)
        self.iban = validators.compact_iban(self.iban)
        self.bic = validators.compact_bic(self.bic)
        self.rna = (self.rna or "").strip().upper()
        self.postal_code = validators.compact_postal_code(self.postal_code)
        self.name_key = name_key(self.legal_name)[:250]

    def clean(self):
        # Said here, on the field, rather than by the constraint (reported on no field).
        duplicate = Beneficiary.objects.filter(siret=self.siret).exclude(pk=self.pk)
        if self.siret and duplicate.exists():
            raise ValidationError({"siret": DUPLICATE_SIRET})
