"""Agreement templates (modèles de convention): versioned data the legal department edits.

A template is a name, a version, visas, a preamble and ordered articles in the Django
template language. Editing creates a new version; a version, once saved, never changes
(migration 0005 refuses it in the database), so an agreement always shows the text it was
generated from.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from subventions.enums import AuthorityKind

from ..enums import TemplateKind
from ..templating import check_template, sample_context, source_errors

DEFAULT_TEMPLATE_NAME = "Convention annuelle d'objectifs"
AMENDMENT_TEMPLATE_NAME = "Avenant à une convention"
NOTIFICATION_TEMPLATE_NAME = "Lettre de notification"
TEMPLATE_VERSION_TAKEN = "La version {version} du modèle « {name} » existe déjà."
TEMPLATE_ONE_ACTIVE = "Une seule version d'un modèle est en vigueur à la fois."
ARTICLE_POSITION_TAKEN = "Un article porte déjà ce numéro dans ce modèle."


class AgreementTemplate(models.Model):
    """One version of an agreement template (modèle de convention)."""

    name = models.CharField("nom", max_length=200, default=DEFAULT_TEMPLATE_NAME)
    kind = models.CharField(
        "document",
        max_length=20,
        choices=TemplateKind.choices,
        default=TemplateKind.AGREEMENT,
        help_text="Une convention, ou un avenant (qui connaît aussi « agreement » et "
        "« amendment »).",
    )
    version = models.PositiveIntegerField("version", default=1, editable=False)
    is_active = models.BooleanField(
        "version en vigueur",
        default=True,
        help_text="La version utilisée pour les nouvelles conventions.",
    )
    title = models.CharField(
        "titre du document",
        max_length=300,
        default="Convention d'objectifs et de moyens",
        help_text="Langage de gabarit Django, comme les articles.",
    )
    visas = models.TextField(
        "visas (texte)",
        blank=True,
        help_text="Un visa par ligne : « Vu la loi … ». Utilisé seulement par une version "
        "sans visas datés ; les visas datés, eux, ne sont cités que là où ils s'appliquent.",
    )
    preamble = models.TextField("préambule", blank=True)
    change_note = models.TextField("motif de la modification", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "modèle de convention"
        verbose_name_plural = "modèles de convention"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="agreementtemplate_unique_version",
                violation_error_message="Cette version du modèle existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(is_active=True),
                name="agreementtemplate_one_active",
                violation_error_message=TEMPLATE_ONE_ACTIVE,
            ),
        ]

    def __str__(self):
        return f"{self.name} — version {self.version}"

    def get_absolute_url(self):
        return reverse("admin:conventions_agreementtemplate_change", args=[self.pk])

    def clean(self):
        check_template(
            title=self.title,
            visas=self.visas,
            preamble=self.preamble,
            articles=[],
            kind=self.kind,
        )

    @classmethod
    def active(cls, name: str = DEFAULT_TEMPLATE_NAME) -> "AgreementTemplate | None":
        return cls.objects.filter(name=name, is_active=True).first()


class AgreementArticle(models.Model):
    """An article of a template version: its number, heading and text."""

    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="modèle",
        on_delete=models.CASCADE,
        related_name="articles",
    )
    position = models.PositiveSmallIntegerField("numéro")
    heading = models.CharField("intitulé", max_length=200, help_text="Par exemple « Objet ».")
    body = models.TextField("texte", help_text="Langage de gabarit Django, sans {% load %}.")

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"],
                name="agreementarticle_unique_position",
                violation_error_message=ARTICLE_POSITION_TAKEN,
            ),
        ]

    def __str__(self):
        return f"Article {self.position} — {self.heading}"


VISA_PERIOD_REVERSED = "La fin d'application d'un visa ne peut précéder son début."
VISA_POSITION_TAKEN = "Un visa porte déjà ce rang dans ce modèle."


class AgreementVisa(models.Model):
    """A visa of a template version (« Vu la loi … »), cited only by the agreements it
    applies to: from a date (the text's entry into force), until another, and for one
    kind of authority or all. Versioned with its template, like the articles."""

    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="modèle",
        on_delete=models.CASCADE,
        related_name="dated_visas",
    )
    position = models.PositiveSmallIntegerField("rang")
    text = models.TextField(
        "texte du visa",
        help_text="« Vu la loi … ; » en langage de gabarit Django, comme les articles.",
    )
    applies_from = models.DateField(
        "cité à partir du",
        null=True,
        blank=True,
        help_text="Cité par les conventions dont la demande est reçue à partir de cette date "
        "(vide : toujours).",
    )
    applies_until = models.DateField(
        "cité jusqu'au",
        null=True,
        blank=True,
        help_text="Vide : sans fin (texte en vigueur).",
    )
    authority_kind = models.CharField(
        "type de collectivité",
        max_length=20,
        choices=AuthorityKind.choices,
        blank=True,
        help_text="Vide : toutes les collectivités. Sinon, seulement ce type (articles du CGCT).",
    )

    class Meta:
        verbose_name = "visa"
        verbose_name_plural = "visas datés"
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"],
                name="agreementvisa_unique_position",
                violation_error_message=VISA_POSITION_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(applies_from__isnull=True)
                | Q(applies_until__isnull=True)
                | Q(applies_until__gte=models.F("applies_from")),
                name="agreementvisa_period_in_order",
                violation_error_message=VISA_PERIOD_REVERSED,
            ),
        ]

    def __str__(self):
        return f"Visa {self.position} — {self.text[:60]}"

    def clean(self):
        kind = self.template.kind if self.template_id else TemplateKind.AGREEMENT
        errors = source_errors(self.text, f"Visa {self.position}", sample_context(kind))
        if errors:
            raise ValidationError({"text": errors})

    def applies_to(self, on: datetime.date | None, authority_kind: str) -> bool:
        """Cited by an agreement whose request dates from `on`, for this kind of authority."""
        if self.authority_kind and self.authority_kind != authority_kind:
            return False
        if on is None:
            return self.applies_until is None
        if self.applies_from and on < self.applies_from:
            return False
        return not (self.applies_until and on > self.applies_until)
