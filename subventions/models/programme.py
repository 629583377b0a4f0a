"""The programme of a file: its numbered action axes and its co-funding plan."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.formatting import euros
from core.modeling import money_field, non_negative

from ..enums import CoFundingStatus
from .reference import FundingPartner

DUPLICATE_AXIS_POSITION = "Un axe porte déjà ce numéro pour cette subvention."


class ActionAxis(models.Model):
    """A numbered axis of the beneficiary's programme of action."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.CASCADE,
        related_name="axes",
    )
    position = models.PositiveSmallIntegerField("numéro", validators=[MinValueValidator(1)])
    title = models.CharField("titre", max_length=300)
    description = models.TextField("description", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe d'action"
        verbose_name_plural = "axes d'action"
        ordering = ["subsidy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["subsidy", "position"],
                name="actionaxis_unique_position",
                violation_error_message=DUPLICATE_AXIS_POSITION,
            ),
        ]

    def __str__(self):
        return f"Axe {self.position} : {self.title}"

    def clean(self):
        # Said on the field, rather than by the constraint (reported on no field).
        siblings = ActionAxis.objects.filter(subsidy_id=self.subsidy_id, position=self.position)
        if self.subsidy_id and siblings.exclude(pk=self.pk).exists():
            raise ValidationError({"position": DUPLICATE_AXIS_POSITION})


class CoFunding(models.Model):
    """A line of the co-funding plan: one or more partners, one amount."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.CASCADE,
        related_name="cofundings",
    )
    position = models.PositiveSmallIntegerField("ordre", default=1)
    partners = models.ManyToManyField(
        FundingPartner,
        verbose_name="financeurs",
        through="CoFundingPartner",
        related_name="cofundings",
    )
    group_label = models.CharField(
        "libellé du groupe",
        max_length=200,
        blank=True,
        help_text="Quand la ligne réunit plusieurs financeurs : "
        "« d'autres collectivités locales ».",
    )
    amount = money_field("montant")
    # The deliberation writes « pour un montant total de » for a partner summed from several
    # lines; this flag says the same of one line that already sums several schemes (the
    # Région's 240 400 € in deliberation 21 B 0110).
    is_total = models.BooleanField("montant total (plusieurs dispositifs)", default=False)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=CoFundingStatus.choices,
        default=CoFundingStatus.REQUESTED,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cofinancement"
        verbose_name_plural = "cofinancements"
        ordering = ["subsidy", "position", "pk"]
        constraints = [non_negative("amount", "cofunding")]

    def __str__(self):
        return f"{self.group_label or self.partner_names} : {euros(self.amount)}"

    @property
    def partner_names(self) -> str:
        return ", ".join(link.partner.name_with_article for link in self.partner_links.all())


class CoFundingPartner(models.Model):
    """A partner of a co-funding line, in the order the deliberation names them."""

    cofunding = models.ForeignKey(
        CoFunding,
        verbose_name="cofinancement",
        on_delete=models.CASCADE,
        related_name="partner_links",
    )
    partner = models.ForeignKey(
        FundingPartner, verbose_name="financeur", on_delete=models.RESTRICT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("ordre", default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "financeur de la ligne"
        verbose_name_plural = "financeurs de la ligne"
        ordering = ["cofunding", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cofunding", "partner"],
                name="cofundingpartner_unique",
                violation_error_message="Ce financeur figure déjà sur cette ligne.",
            ),
        ]

    def __str__(self):
        return str(self.partner)
