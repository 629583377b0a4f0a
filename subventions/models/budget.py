"""The budget lines (lignes de crédits) on which subsidies are charged, with their figures."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from simple_history.models import HistoricalRecords

from core.modeling import money_field, non_negative, subquery_sum

from ..enums import BudgetSection
from .money import Clawback, Payment
from .subsidies import Subsidy


class BudgetLineQuerySet(models.QuerySet):
    def with_committed(self):
        """Annotate each line with the sum awarded on it (committed) in one query."""
        active = Subsidy.objects.active()
        return self.annotate(
            committed=subquery_sum(active, link="budget_line", field="amount_awarded")
        )

    def with_money(self):
        """Voted, committed, paid, clawed back, paid net and available, in one query.

        `available` is what may still be awarded on the line: voted − committed.
        """
        return (
            self.with_committed()
            .annotate(
                paid=subquery_sum(Payment.objects.all(), link="subsidy__budget_line"),
                clawed_back=subquery_sum(Clawback.objects.all(), link="subsidy__budget_line"),
            )
            .annotate(
                paid_net=F("paid") - F("clawed_back"),
                available=F("amount_voted") - F("committed"),
            )
        )


class BudgetLine(models.Model):
    """A credit line of the budget (ligne de crédits) on which subsidies are charged."""

    year = models.PositiveSmallIntegerField(
        "exercice", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    label = models.CharField("libellé", max_length=200)
    section = models.CharField("section", max_length=20, choices=BudgetSection.choices)
    chapter = models.CharField("chapitre", max_length=10)
    article = models.CharField("article (nature)", max_length=10)
    amount_voted = money_field("crédits votés")

    history = HistoricalRecords()

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de crédits"
        verbose_name_plural = "lignes de crédits"
        ordering = ["-year", "chapter", "article", "label"]
        constraints = [
            non_negative("amount_voted", "budgetline"),
            models.UniqueConstraint(
                fields=["year", "chapter", "article", "label"],
                name="budgetline_unique",
                violation_error_message="Cette ligne de crédits existe déjà pour cet exercice.",
            ),
        ]

    def __str__(self):
        return f"{self.year} — {self.chapter}/{self.article} {self.label}"
