"""The programme of a file: its numbered action axes and its co-funding plan."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.formatting import euros
from core.modeling import money_field, non_negative

from ..enums import CoFundingStatus
from .reference import FundingPartner

DUPLICATE_AXIS_POSITION = "Un axe porte déjà ce numéro pour cette subvention."
FUNDING_PLAN_EXCEEDED = (
    "Les cofinancements ({cofunding}) et le montant de la collectivité ({own}) dépassent "
    "le budget prévisionnel de la structure ({budget})."
)


def funding_plan_error(
    projected_budget: Decimal | None, own_amount: Decimal | None, cofunding_total: Decimal
) -> str | None:
    """Why co-funding plus the authority's amount exceed the projected budget, if they do.

    The plan spans a subsidy and its co-funding lines, so it is checked where both are
    known together: the services and the forms' formsets (DESIGN.md §4.6).
    """
    if projected_budget is None:
        return None
    own = own_amount or Decimal("0")
    if cofunding_total + own > projected_budget:
        return FUNDING_PLAN_EXCEEDED.format(
            cofunding=euros(cofunding_total), own=euros(own), budget=euros(projected_budget)
        )
    return None


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
