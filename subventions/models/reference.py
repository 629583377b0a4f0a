"""The reference data of the files: the granting authority, the policy areas, the funders."""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.modeling import NormalizedIdentifiersMixin

from .. import validators
from ..enums import AuthorityKind, GrammaticalGender, GrammaticalNumber, PartnerKind

DEPARTEMENT_INVALID = "Le code du département a trois caractères : « 059 », « 974 », « 02A »."
AUTHORITY_ONE_DEFAULT = "Une seule collectivité attribuante est la collectivité par défaut."

# « le Bureau », « la Commission permanente », « l'Assemblée », « les … » → the bare label.
_ARTICLE = re.compile(r"^(le |la |les |l'|l’)", re.IGNORECASE)


def _with_article(title: str, gender: str) -> str:
    """« le Président », « la Maire », « l'Adjoint » : the title with its definite article."""
    if re.match(r"^[aeiouyéèêh]", title, re.IGNORECASE):
        return f"l'{title}"
    return f"{'la' if gender == GrammaticalGender.FEMININE else 'le'} {title}"


class Authority(NormalizedIdentifiersMixin, models.Model):
    """A granting authority (collectivité attribuante): a commune, an EPCI, a département
    or a région, with the words its documents use. One row is the default authority;
    a session may name another one (the demo shows a commune beside the MEL)."""

    kind = models.CharField(
        "type de collectivité",
        max_length=20,
        choices=AuthorityKind.choices,
        default=AuthorityKind.EPCI,
        help_text="Les visas légaux des conventions en dépendent (articles du CGCT).",
    )
    is_default = models.BooleanField(
        "collectivité par défaut",
        default=False,
        help_text="Celle des séances qui n'en nomment pas d'autre.",
    )
    name = models.CharField("nom", max_length=200)
    name_with_article = models.CharField(
        "nom court avec article",
        max_length=100,
        help_text="Tel qu'il se lit dans une phrase : « la MEL », « la Ville », "
        "« le Département ».",
    )
    name_gender = models.CharField(
        "genre du nom court",
        max_length=1,
        choices=GrammaticalGender.choices,
        default=GrammaticalGender.FEMININE,
        help_text="« ci-après dénommée « la MEL » », « ci-après dénommé « le Département » ».",
    )
    name_number = models.CharField(
        "nombre du nom court",
        max_length=1,
        choices=GrammaticalNumber.choices,
        default=GrammaticalNumber.SINGULAR,
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validators.validate_siret])
    address = models.TextField("adresse")
    postal_code = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    president_name = models.CharField(
        "nom de l'exécutif", max_length=150, help_text="Le président, la présidente, le maire…"
    )
    president_title = models.CharField(
        "titre de l'exécutif",
        max_length=150,
        default="Président",
        help_text="Sans article : « Président », « Présidente », « Maire ».",
    )
    president_gender = models.CharField(
        "genre du titre de l'exécutif",
        max_length=1,
        choices=GrammaticalGender.choices,
        default=GrammaticalGender.MASCULINE,
        help_text="« le Président », « la Présidente », « le Maire », « la Maire ».",
    )
    bureau_name = models.CharField(
        "instance restreinte (B), avec article",
        max_length=150,
        default="le Bureau",
        help_text="« le Bureau », « la Commission permanente », « le Bureau municipal ».",
    )
    bureau_deciding = models.CharField(
        "instance restreinte (B) dans « … décide »",
        max_length=200,
        default="le Bureau de la Métropole",
        help_text="« Par conséquent, le Bureau de la Métropole décide : ».",
    )
    council_name = models.CharField(
        "assemblée (C), avec article",
        max_length=150,
        default="le Conseil",
        help_text="« le Conseil », « le Conseil municipal », « le Conseil départemental ».",
    )
    council_deciding = models.CharField(
        "assemblée (C) dans « … décide »",
        max_length=200,
        default="le Conseil de la Métropole",
        help_text="« Par conséquent, le Conseil municipal décide : ».",
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
        verbose_name_plural = "collectivités attribuantes"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="authority_one_default",
                violation_error_message=AUTHORITY_ONE_DEFAULT,
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The first authority recorded is the default one: documents always find one.
        if not self.is_default and not Authority.objects.exclude(pk=self.pk).exists():
            self.is_default = True
        super().save(*args, **kwargs)

    def normalize_identifiers(self):
        self.siret = validators.compact_siret(self.siret)

    @classmethod
    def current(cls) -> "Authority | None":
        """The default authority (the one of the sessions that name none)."""
        return cls.objects.filter(is_default=True).first() or cls.objects.order_by("pk").first()

    @property
    def executive(self) -> str:
        """« le Président », « la Maire »: the executive's title with its article."""
        return _with_article(self.president_title, self.president_gender)

    @property
    def executive_possessive(self) -> str:
        """« son Président », « sa Maire », « son Adjointe »: as the authority's own."""
        title = self.president_title
        feminine = self.president_gender == GrammaticalGender.FEMININE
        if feminine and not re.match(r"^[aeiouyéèêh]", title, re.IGNORECASE):
            return f"sa {title}"
        return f"son {title}"

    def body_name(self, body: str) -> str:
        """« le Bureau », « le Conseil municipal »: the body of a session code (B or C)."""
        return self.council_name if body == "C" else self.bureau_name

    def body_deciding(self, body: str) -> str:
        """« le Bureau de la Métropole », « le Conseil municipal »: who « décide »."""
        return self.council_deciding if body == "C" else self.bureau_deciding

    @staticmethod
    def without_article(name: str) -> str:
        """« Bureau », « Commission permanente »: a body's label without its article."""
        return _ARTICLE.sub("", name.strip())

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
