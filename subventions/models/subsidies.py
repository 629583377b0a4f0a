"""The subsidy file (dossier): one beneficiary, one financial year, its lifecycle
(DESIGN.md §3) and its money figures.

What the higher layers decide about a file is written here, on the file, by their
services (never read from them): the date the deliberation granting it became executory
(`executory_on`, by deliberations), the date both parties had signed its agreement
(`agreement_signed_on`) and the sum of its signed amendments (`amount_amended`, by
conventions). The rules of payment and the current amount read those facts.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.modeling import TOTAL, ZERO, DateField, money_field, non_negative, subquery_sum
from core.models import Counter, TransitionLog
from core.workflow import LifecycleMixin, StatusField

from ..enums import (
    ACTIVE_STATUSES,
    AGREEMENT_SIGNED_STATUSES,
    EDITABLE_STATUSES,
    VOTED_STATUSES,
    AidNature,
    BudgetSection,
    PaymentTerms,
    SubsidyStatus,
)
from ..roles import transition_permission
from .beneficiaries import Beneficiary
from .conditions import (
    agreement_not_required_or_signed,
    beneficiary_identified,
    has_budget_line,
    has_object,
    has_proposed_amount,
    has_requested_amount,
    has_signed_agreement,
    paid_in_full,
    report_settled,
)
from .money import Clawback, Payment
from .reference import PolicyArea
from .texts import DeliberationText

AWARDED_ABOVE_REQUESTED = "Le montant attribué ne peut dépasser le montant demandé."
PROPOSED_ABOVE_REQUESTED = "Le montant proposé ne peut dépasser le montant demandé."
BUDGET_LINE_WRONG_YEAR = "La ligne de crédits doit appartenir à l'exercice {year}."
BUDGET_LINE_WRONG_SECTION = "La ligne de crédits doit relever de la section {section}."
VOTED_WITHOUT_AMOUNT = "Une subvention votée porte son montant attribué."
EXECUTORY_BEFORE_VOTE = "Seule une subvention votée est accordée par un acte exécutoire."
SIGNED_BEFORE_VOTE = "Seule une subvention votée a une convention signée."
AMENDED_BELOW_ZERO = "Les avenants ne peuvent rendre le montant de la subvention négatif."


class SubsidyQuerySet(models.QuerySet):
    def for_list(self):
        """What a list of subsidies shows, in a constant number of queries."""
        return self.select_related("beneficiary", "policy_area", "budget_line", "instructor")

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def with_money(self):
        """Each file's figures, in one query (see Subsidy.MONEY_FIGURES)."""
        awarded = models.functions.Coalesce(F("amount_awarded"), ZERO, output_field=TOTAL)
        return (
            self.annotate(
                amount_paid=subquery_sum(Payment.objects.all(), link="subsidy"),
                amount_clawed_back=subquery_sum(Clawback.objects.all(), link="subsidy"),
            )
            .annotate(
                # The current amount, the one place that computes it in SQL (its Python
                # twin is Subsidy.granted_amount): awarded + signed amendments − clawbacks.
                amount_current=awarded + F("amount_amended") - F("amount_clawed_back"),
                amount_paid_net=F("amount_paid") - F("amount_clawed_back"),
            )
            .annotate(amount_remaining=F("amount_current") - F("amount_paid_net"))
        )

    def totals_by_beneficiary_year(self):
        """Awarded, paid, clawed back, paid net and remaining per beneficiary and year.

        Rows of dicts (beneficiary_id, year, awarded, …) from one query.
        """
        return (
            self.active()
            .with_money()
            .order_by()
            .values("beneficiary_id", "year")
            .annotate(
                awarded=Sum("amount_awarded", default=ZERO),
                paid=Sum("amount_paid", default=ZERO),
                clawed_back=Sum("amount_clawed_back", default=ZERO),
                paid_net=Sum("amount_paid_net", default=ZERO),
                remaining=Sum("amount_remaining", default=ZERO),
            )
            .order_by("beneficiary_id", "year")
        )


class Subsidy(LifecycleMixin, DeliberationText):
    """A subsidy file (dossier): one beneficiary, one financial year."""

    # Amounts, year and beneficiary no longer change once voted (an amendment does it);
    # subventions migration 0007 refuses it in the database too.
    FROZEN_AFTER_VOTE = (
        "amount_requested",
        "amount_proposed",
        "amount_awarded",
        "year",
        "beneficiary",
    )
    # How the lifecycle's messages name the file (core.workflow).
    status_subject = "le dossier"
    str_related = ("beneficiary",)

    reference = models.CharField(
        "référence",
        max_length=20,
        unique=True,
        editable=False,
        help_text="Attribuée par le système : SUB-2021-0001.",
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name="bénéficiaire",
        on_delete=models.RESTRICT,
        related_name="subsidies",
    )
    year = models.PositiveSmallIntegerField(
        "exercice", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    policy_area = models.ForeignKey(
        PolicyArea,
        verbose_name="politique publique",
        on_delete=models.RESTRICT,
        related_name="subsidies",
    )
    received_on = DateField("demande reçue le", null=True, blank=True)
    title = models.CharField("intitulé", max_length=500, help_text="Le titre de la délibération.")
    purpose = models.CharField(
        "objet", max_length=256, help_text="256 caractères au plus : publié en données ouvertes."
    )
    section = models.CharField(
        "section", max_length=20, choices=BudgetSection.choices, default=BudgetSection.OPERATING
    )
    nature = models.CharField(
        "nature de l'aide", max_length=20, choices=AidNature.choices, default=AidNature.CASH
    )
    amount_requested = money_field("montant demandé")
    amount_proposed = money_field("montant proposé", null=True, blank=True)
    amount_awarded = money_field("montant attribué", null=True, blank=True)
    projected_budget = money_field(
        "budget prévisionnel de la structure",
        null=True,
        blank=True,
        help_text="Budget prévisionnel du bénéficiaire pour l'exercice.",
    )
    budget_line = models.ForeignKey(
        "subventions.BudgetLine",
        verbose_name="ligne de crédits",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="subsidies",
    )
    payment_terms = models.CharField(
        "conditions de versement",
        max_length=20,
        choices=PaymentTerms.choices,
        default=PaymentTerms.SINGLE,
    )
    eu_notification = models.BooleanField("aide notifiée à l'Union européenne", default=False)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instructeur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructed_subsidies",
    )
    status = StatusField(
        "statut",
        max_length=20,
        choices=SubsidyStatus.choices,
        default=SubsidyStatus.DRAFT,
    )
    # Facts the higher layers write on the file (see the module's docstring).
    executory_on = DateField(
        "accordée par un acte exécutoire le",
        null=True,
        blank=True,
        editable=False,
        help_text="La date à laquelle la délibération qui l'accorde est devenue exécutoire.",
    )
    agreement_signed_on = DateField(
        "convention signée par les deux parties le", null=True, blank=True, editable=False
    )
    amount_amended = models.DecimalField(
        "montant des avenants signés",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
        help_text="Compléments (positifs) et réductions (négatifs) des avenants signés.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    transitions = GenericRelation(TransitionLog, related_query_name="subsidy")

    history = HistoricalRecords()

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = "subvention"
        verbose_name_plural = "subventions"
        ordering = ["-year", "reference"]
        constraints = [
            non_negative("amount_requested", "subsidy"),
            non_negative("amount_proposed", "subsidy"),
            non_negative("amount_awarded", "subsidy"),
            non_negative("projected_budget", "subsidy"),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True)
                | Q(amount_awarded__lte=F("amount_requested")),
                name="subsidy_awarded_not_above_requested",
                violation_error_message=AWARDED_ABOVE_REQUESTED,
            ),
            # Each status with what it stands for.
            models.CheckConstraint(
                condition=~Q(status__in=VOTED_STATUSES) | Q(amount_awarded__isnull=False),
                name="subsidy_voted_has_its_amount",
                violation_error_message=VOTED_WITHOUT_AMOUNT,
            ),
            models.CheckConstraint(
                condition=Q(executory_on__isnull=True) | Q(status__in=VOTED_STATUSES),
                name="subsidy_executory_once_voted",
                violation_error_message=EXECUTORY_BEFORE_VOTE,
            ),
            models.CheckConstraint(
                condition=Q(agreement_signed_on__isnull=True)
                | Q(status__in=(SubsidyStatus.VOTED, *AGREEMENT_SIGNED_STATUSES)),
                name="subsidy_agreement_signed_once_voted",
                violation_error_message=SIGNED_BEFORE_VOTE,
            ),
            models.CheckConstraint(
                condition=Q(amount_amended=0)
                | (
                    Q(amount_awarded__isnull=False)
                    & GreaterThanOrEqual(F("amount_awarded") + F("amount_amended"), 0)
                ),
                name="subsidy_amended_not_below_zero",
                violation_error_message=AMENDED_BELOW_ZERO,
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status"]),
            # The list's order (subventions.selectors.subsidy_list): its first page and,
            # read backwards, its last page straight from the index. It carries the
            # beneficiary, so that a search (subventions.search.file_condition) checks
            # each entry without reading the row, and counts from the index alone.
            models.Index(
                fields=["-year", "reference", "id"],
                include=["beneficiary"],
                name="subsidy_list_order",
            ),
        ]

    def __str__(self):
        name = self.beneficiary.short_name or self.beneficiary.legal_name
        return f"{self.reference} — {name} {self.year}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = f"SUB-{self.year}-{Counter.next_value(f'subsidy-{self.year}'):04d}"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:subventions_subsidy_change", args=[self.pk])

    def clean(self):
        errors = {}
        requested = self.amount_requested
        if requested is not None:
            if self.amount_awarded is not None and self.amount_awarded > requested:
                errors["amount_awarded"] = AWARDED_ABOVE_REQUESTED
            if self.amount_proposed is not None and self.amount_proposed > requested:
                errors["amount_proposed"] = PROPOSED_ABOVE_REQUESTED
        if self.budget_line_id and self.year:
            line = self.budget_line
            if line.year != self.year:
                errors["budget_line"] = BUDGET_LINE_WRONG_YEAR.format(year=self.year)
            elif line.section != self.section:
                errors["budget_line"] = BUDGET_LINE_WRONG_SECTION.format(
                    section=self.get_section_display().lower()
                )
        if errors:
            raise ValidationError(errors)

    # Derived values, never stored.

    @property
    def is_incomplete(self) -> bool:
        """« Incomplet »: an information request to the association awaits its answer."""
        return self.information_requests.open().exists()

    @property
    def is_editable(self) -> bool:
        """Amounts and texts are edited freely until the vote; afterwards only by amendment."""
        return self.status in EDITABLE_STATUSES

    @property
    def amount(self) -> Decimal | None:
        """The authority's amount at this stage: awarded, else proposed, else requested."""
        for value in (self.amount_awarded, self.amount_proposed, self.amount_requested):
            if value is not None:
                return value
        return None

    @property
    def requires_agreement(self) -> bool:
        """An agreement is mandatory above the threshold a year (loi 2000-321 art. 10)."""
        return self.amount is not None and self.amount > settings.AGREEMENT_THRESHOLD

    @property
    def budget_share(self) -> Decimal | None:
        """The authority's share of the projected budget, in percent, rounded half up to 0.1."""
        if not self.projected_budget or self.amount is None:
            return None
        share = self.amount * 100 / self.projected_budget
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @cached_property
    def previous_subsidy(self) -> "Subsidy | None":
        """Last year's subsidy of the same beneficiary in the same policy area, if any."""
        return (
            Subsidy.objects.active()
            .filter(
                beneficiary_id=self.beneficiary_id,
                policy_area_id=self.policy_area_id,
                year=self.year - 1,
            )
            # NULLs sort first in descending order on PostgreSQL, last on SQLite: say it.
            .order_by(F("amount_awarded").desc(nulls_last=True), "pk")
            .first()
        )

    @property
    def is_executory(self) -> bool:
        """Whether the deliberation granting the file is executory (DESIGN.md §4.3)."""
        return self.executory_on is not None

    def executory_by(self, day: datetime.date) -> bool:
        return self.executory_on is not None and self.executory_on <= day

    @property
    def granted_amount(self) -> Decimal:
        """What the file is granted: awarded + signed amendments (before any clawback)."""
        return (self.amount_awarded or Decimal("0")) + self.amount_amended

    # Money (subventions.models.money): read from the `with_money()` annotations when the
    # file was loaded with them, else from one query.
    MONEY_FIGURES = (
        "amount_current",
        "amount_paid",
        "amount_clawed_back",
        "amount_paid_net",
        "amount_remaining",
    )

    def money_figure(self, name: str) -> Decimal:
        if name in self.__dict__:
            value = self.__dict__[name]
        elif self.pk is None:  # nothing paid nor clawed back yet
            value = self.granted_amount if name in ("amount_current", "amount_remaining") else 0
        else:
            value = type(self).objects.with_money().values_list(name, flat=True).get(pk=self.pk)
        # In cents: SQLite returns computed sums as 12345.6700000000.
        return Decimal(value).quantize(Decimal("0.01"))

    @property
    def current_amount(self) -> Decimal:
        """Granted (awarded + signed amendments) − clawbacks (SubsidyQuerySet.with_money)."""
        return self.money_figure("amount_current")

    @property
    def paid_net(self) -> Decimal:
        """Payments − clawbacks."""
        return self.money_figure("amount_paid_net")

    @property
    def remaining_amount(self) -> Decimal:
        """What is left to pay: current amount − paid net."""
        return self.money_figure("amount_remaining")

    # Lifecycle (DESIGN.md §3): transitions are run through services.subsidy_transition,
    # which checks roles and conditions, gives the reason of a refusal and logs the change.

    @transition(
        field=status,
        source=SubsidyStatus.DRAFT,
        target=SubsidyStatus.UNDER_REVIEW,
        conditions=[has_requested_amount, has_object, beneficiary_identified],
        permission=transition_permission("subsidy.submit"),
        custom={"label": "Mettre en instruction"},
    )
    def submit(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.UNDER_REVIEW,
        target=SubsidyStatus.DRAFT,
        permission=transition_permission("subsidy.send_back"),
        custom={"label": "Renvoyer en brouillon"},
    )
    def send_back(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.UNDER_REVIEW,
        target=SubsidyStatus.PROPOSED,
        conditions=[has_proposed_amount, has_budget_line],
        permission=transition_permission("subsidy.propose"),
        custom={"label": "Proposer au vote"},
    )
    def propose(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.UNDER_REVIEW,
        permission=transition_permission("subsidy.unschedule"),
        custom={"label": "Retirer de l'ordre du jour"},
    )
    def unschedule(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.VOTED,
        permission=transition_permission("subsidy.vote"),
        custom={"label": "Enregistrer le vote favorable"},
    )
    def vote(self):
        if self.amount_awarded is None:
            self.amount_awarded = self.amount_proposed

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.REJECTED,
        permission=transition_permission("subsidy.reject"),
        custom={"label": "Enregistrer le rejet"},
    )
    def reject(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.VOTED,
        target=SubsidyStatus.AGREEMENT_SIGNED,
        # Fired when the agreement is signed by both parties (conventions.services), which
        # writes the date on the file first: never on a clerk's word alone.
        conditions=[has_signed_agreement],
        permission=transition_permission("subsidy.sign_agreement"),
        custom={"label": "Enregistrer la signature de la convention"},
    )
    def sign_agreement(self):
        pass

    @transition(
        field=status,
        source=[SubsidyStatus.VOTED, SubsidyStatus.AGREEMENT_SIGNED],
        target=SubsidyStatus.PAID,
        conditions=[agreement_not_required_or_signed, paid_in_full],
        permission=transition_permission("subsidy.mark_paid"),
        custom={"label": "Constater le versement intégral"},
    )
    def mark_paid(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PAID,
        target=SubsidyStatus.CLOSED,
        conditions=[report_settled],
        permission=transition_permission("subsidy.close"),
        custom={"label": "Solder le dossier"},
    )
    def close(self):
        pass

    @transition(
        field=status,
        source=[SubsidyStatus.DRAFT, SubsidyStatus.UNDER_REVIEW, SubsidyStatus.PROPOSED],
        target=SubsidyStatus.WITHDRAWN,
        permission=transition_permission("subsidy.withdraw"),
        custom={"label": "Abandonner le dossier"},
    )
    def withdraw(self):
        pass
