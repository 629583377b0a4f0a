"""Subsidy files and their reference data (DESIGN.md §2).

Every model keeps its history (django-simple-history); money is Decimal with database
constraints mirroring the validation, so that even `QuerySet.update()` cannot store an
amount the rules forbid.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.workflow import Condition, only_roles

from .. import validators
from ..enums import (
    AidNature,
    BudgetSection,
    CoFundingStatus,
    LegalForm,
    PartnerKind,
    PaymentTerms,
    Role,
    SubsidyStatus,
)

AMOUNT_NEGATIVE = "Le montant ne peut pas être négatif."
AMOUNT_NOT_POSITIVE = "Le montant doit être supérieur à zéro."
AWARDED_ABOVE_REQUESTED = "Le montant attribué ne peut dépasser le montant demandé."
PROPOSED_ABOVE_REQUESTED = "Le montant proposé ne peut dépasser le montant demandé."
FUNDING_PLAN_EXCEEDED = (
    "Les cofinancements ({cofunding}) et le montant de la collectivité ({own}) dépassent "
    "le budget prévisionnel de la structure ({budget})."
)
BUDGET_LINE_WRONG_YEAR = "La ligne de crédits doit appartenir à l'exercice {year}."
BUDGET_LINE_WRONG_SECTION = "La ligne de crédits doit relever de la section {section}."
AUTHORITY_SINGLETON = "Une seule collectivité attribuante peut être enregistrée."
DUPLICATE_SIRET = "Un bénéficiaire porte déjà ce SIRET."
DUPLICATE_AXIS_POSITION = "Un axe porte déjà ce numéro pour cette subvention."


def money_field(verbose_name: str, *, positive: bool = False, **kwargs) -> models.DecimalField:
    """A Decimal amount in euros, at most 9 999 999 999,99 €, never negative.

    `positive`: never zero either (a payment, a clawback).
    """
    if positive:
        validator = MinValueValidator(Decimal("0.01"), message=AMOUNT_NOT_POSITIVE)
    else:
        validator = MinValueValidator(Decimal("0"), message=AMOUNT_NEGATIVE)
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[validator], **kwargs
    )


class NormalizedIdentifiersMixin:
    """Identifiers are compacted before the field checks (max_length, format) see them.

    Django runs `clean_fields()` before `clean()`, so « 200 093 201 00016 » would be
    refused as too long if it were compacted in `clean()`.
    """

    def normalize_identifiers(self) -> None:
        raise NotImplementedError

    def clean_fields(self, exclude=None):
        self.normalize_identifiers()
        super().clean_fields(exclude=exclude)


def non_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
        name=f"{model}_{field}_non_negative",
        violation_error_message=AMOUNT_NEGATIVE,
    )


def positive(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0}),
        name=f"{model}_{field}_positive",
        violation_error_message=AMOUNT_NOT_POSITIVE,
    )


# Sums in SQL: 14 digits, room for a year of a whole budget.
TOTAL = models.DecimalField(max_digits=14, decimal_places=2)
ZERO = models.Value(Decimal("0"), output_field=TOTAL)


def subquery_sum(queryset: models.QuerySet, *, link: str, field: str = "amount"):
    """SUM(field) of `queryset`'s rows pointing (by `link`) at the outer row, 0 when none.

    A correlated subquery rather than a join, so that several sums on one row never
    multiply each other and the query count stays one whatever the number of rows.
    """
    total = (
        queryset.filter(**{link: models.OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(field))
        .values("total")
    )
    return models.functions.Coalesce(models.Subquery(total, output_field=TOTAL), ZERO)


class Sequence(models.Model):
    """A named counter (e.g. the subsidy references of one year), advanced under a row lock."""

    key = models.CharField("clé", max_length=64, unique=True)
    value = models.PositiveIntegerField("dernière valeur", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "compteur"
        verbose_name_plural = "compteurs"

    def __str__(self):
        return f"{self.key} = {self.value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        """The next value of the counter, never handed out twice, even concurrently."""
        with transaction.atomic():
            cls.objects.get_or_create(key=key)
            counter = cls.objects.select_for_update().get(key=key)
            counter.value += 1
            counter.save(update_fields=["value"])
            return counter.value


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


class Beneficiary(NormalizedIdentifiersMixin, models.Model):
    """A body receiving subsidies: association, foundation, cooperative…"""

    legal_name = models.CharField("raison sociale", max_length=250)
    short_name = models.CharField("sigle ou nom court", max_length=100, blank=True)
    name_with_article = models.CharField(
        "nom avec article",
        max_length=150,
        help_text="Tel qu'il s'écrit dans une phrase : « l'APES », « la Maison des associations ».",
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
    postal_code = models.CharField("code postal", max_length=5, blank=True)
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
    republican_commitment_date = models.DateField(
        "contrat d'engagement républicain souscrit le", null=True, blank=True
    )
    notes = models.TextField("notes internes", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["legal_name"]
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

    def normalize_identifiers(self):
        # Stored compact, so that uniqueness and exports see one spelling.
        self.siret = validators.compact_siret(self.siret)
        self.iban = validators.compact_iban(self.iban)
        self.bic = validators.compact_bic(self.bic)
        self.rna = (self.rna or "").strip().upper()

    def clean(self):
        # Said here, on the field, rather than by the constraint (reported on no field).
        duplicate = Beneficiary.objects.filter(siret=self.siret).exclude(pk=self.pk)
        if self.siret and duplicate.exists():
            raise ValidationError({"siret": DUPLICATE_SIRET})


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
        from .money import Clawback, Payment

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


class SubsidyQuerySet(models.QuerySet):
    def for_list(self):
        """What a list of subsidies shows, in a constant number of queries."""
        return self.select_related("beneficiary", "policy_area", "budget_line", "instructor")

    def active(self):
        return self.exclude(status__in=[SubsidyStatus.WITHDRAWN, SubsidyStatus.REJECTED])

    def with_money(self):
        """Each file's figures, in one query (see Subsidy.MONEY_FIGURES)."""
        from conventions.selectors import signed_amendments_sum

        from .money import Clawback, Payment

        awarded = models.functions.Coalesce(F("amount_awarded"), ZERO, output_field=TOTAL)
        return (
            self.annotate(
                amount_paid=subquery_sum(Payment.objects.all(), link="subsidy"),
                amount_clawed_back=subquery_sum(Clawback.objects.all(), link="subsidy"),
                amount_amended=signed_amendments_sum(),
            )
            .annotate(
                # The current amount: what the file is worth today, the one place that
                # knows it: awarded + signed amendments (avenants) − clawbacks.
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


# Conditions of the lifecycle transitions: each carries the reason shown when it fails.
has_requested_amount = Condition(
    lambda s: s.amount_requested is not None and s.amount_requested > 0,
    "Le montant demandé doit être renseigné.",
)
has_object = Condition(
    lambda s: bool(s.object.strip()), "L'objet de la subvention doit être renseigné."
)
beneficiary_identified = Condition(
    lambda s: bool(s.beneficiary.siret or s.beneficiary.rna),
    "Le bénéficiaire doit avoir un SIRET ou un numéro RNA.",
)
has_proposed_amount = Condition(
    lambda s: s.amount_proposed is not None and s.amount_proposed > 0,
    "Le montant proposé doit être renseigné.",
)
has_budget_line = Condition(
    lambda s: s.budget_line_id is not None, "La ligne de crédits doit être choisie."
)


def agreement_signed_by_both(subsidy) -> bool:
    """Whether the subsidy's agreement (conventions.Agreement) bears both signatures."""
    agreement = getattr(subsidy, "agreement", None)  # reverse one-to-one: may not exist
    return agreement is not None and agreement.is_signed_by_both


agreement_not_required_or_signed = Condition(
    lambda s: not s.requires_agreement or agreement_signed_by_both(s),
    "Au-delà de 23 000 €, la convention doit être signée avant le versement.",
)

has_signed_agreement = Condition(
    agreement_signed_by_both,
    "La convention du dossier doit d'abord être signée par le bénéficiaire et par la collectivité.",
)


class Subsidy(models.Model):
    """A subsidy file (dossier): one beneficiary, one financial year."""

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
    received_on = models.DateField("demande reçue le", null=True, blank=True)
    title = models.CharField("intitulé", max_length=500, help_text="Le titre de la délibération.")
    object = models.CharField(
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
        BudgetLine,
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
    preamble = models.TextField("préambule", blank=True)
    context = models.TextField("I. Contexte", blank=True)
    partnership_description = models.TextField(
        "II. Description des objectifs et modalités du partenariat", blank=True
    )
    previous_year_activity = models.TextField("activité de l'année précédente", blank=True)
    axes_introduction = models.TextField(
        "phrase d'introduction des axes",
        blank=True,
        help_text="Par exemple « Pour 2021, le programme de travail de l'APES s'organisera "
        "autour des cinq thèmes de travail suivants : »",
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instructeur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructed_subsidies",
    )
    status = FSMField(
        "statut",
        max_length=20,
        choices=SubsidyStatus.choices,
        default=SubsidyStatus.DRAFT,
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

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
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        name = self.beneficiary.short_name or self.beneficiary.legal_name
        return f"{self.reference} — {name} {self.year}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = f"SUB-{self.year}-{Sequence.next_value(f'subsidy-{self.year}'):04d}"
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
    def amount(self) -> Decimal | None:
        """The authority's amount at this stage: awarded, else proposed, else requested."""
        for value in (self.amount_awarded, self.amount_proposed, self.amount_requested):
            if value is not None:
                return value
        return None

    @property
    def requires_agreement(self) -> bool:
        """An agreement is mandatory above 23 000 € a year (loi 2000-321 art. 10)."""
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
    def executory_since(self) -> datetime.date | None:
        """The date the deliberation granting this file became executory, or None yet.

        Nothing is paid and no agreement is signed before it (DESIGN.md §4.3).
        """
        from deliberations.enums import DeliberationStatus

        adopted = self.deliberations.filter(
            status=DeliberationStatus.ADOPTED, executory_date__isnull=False
        )
        return adopted.order_by("executory_date").values_list("executory_date", flat=True).first()

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
            awarded = self.amount_awarded or Decimal("0")
            value = awarded if name in ("amount_current", "amount_remaining") else Decimal("0")
        else:
            value = type(self).objects.with_money().values_list(name, flat=True).get(pk=self.pk)
        # In cents: SQLite returns computed sums as 12345.6700000000.
        return Decimal(value).quantize(Decimal("0.01"))

    @property
    def current_amount(self) -> Decimal:
        """Awarded + signed amendments − clawbacks (see SubsidyQuerySet.with_money)."""
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
        permission=only_roles(Role.INSTRUCTOR, Role.HEAD_OF_SERVICE),
        custom={"label": "Mettre en instruction"},
    )
    def submit(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.UNDER_REVIEW,
        target=SubsidyStatus.DRAFT,
        permission=only_roles(Role.HEAD_OF_SERVICE),
        custom={"label": "Renvoyer en brouillon"},
    )
    def send_back(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.UNDER_REVIEW,
        target=SubsidyStatus.PROPOSED,
        conditions=[has_proposed_amount, has_budget_line],
        permission=only_roles(Role.HEAD_OF_SERVICE),
        custom={"label": "Proposer au vote"},
    )
    def propose(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.UNDER_REVIEW,
        permission=only_roles(Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT),
        custom={"label": "Retirer de l'ordre du jour"},
    )
    def unschedule(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.VOTED,
        permission=only_roles(Role.ASSEMBLY_SECRETARIAT),
        custom={"label": "Enregistrer le vote favorable"},
    )
    def vote(self):
        if self.amount_awarded is None:
            self.amount_awarded = self.amount_proposed

    @transition(
        field=status,
        source=SubsidyStatus.PROPOSED,
        target=SubsidyStatus.REJECTED,
        permission=only_roles(Role.ASSEMBLY_SECRETARIAT),
        custom={"label": "Enregistrer le rejet"},
    )
    def reject(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.VOTED,
        target=SubsidyStatus.AGREEMENT_SIGNED,
        # Fired by the agreement's signature (conventions.services), never on a
        # clerk's word alone: the signed agreement must exist.
        conditions=[has_signed_agreement],
        permission=only_roles(Role.SIGNATORY),
        custom={"label": "Enregistrer la signature de la convention"},
    )
    def sign_agreement(self):
        pass

    @transition(
        field=status,
        source=[SubsidyStatus.VOTED, SubsidyStatus.AGREEMENT_SIGNED],
        target=SubsidyStatus.PAID,
        conditions=[agreement_not_required_or_signed],
        permission=only_roles(Role.FINANCE),
        custom={"label": "Constater le versement intégral"},
    )
    def mark_paid(self):
        pass

    @transition(
        field=status,
        source=SubsidyStatus.PAID,
        target=SubsidyStatus.CLOSED,
        permission=only_roles(Role.FINANCE),
        custom={"label": "Solder le dossier"},
    )
    def close(self):
        pass

    @transition(
        field=status,
        source=[SubsidyStatus.DRAFT, SubsidyStatus.UNDER_REVIEW, SubsidyStatus.PROPOSED],
        target=SubsidyStatus.WITHDRAWN,
        permission=only_roles(Role.INSTRUCTOR, Role.HEAD_OF_SERVICE),
        custom={"label": "Abandonner le dossier"},
    )
    def withdraw(self):
        pass


def funding_plan_error(
    projected_budget: Decimal | None, own_amount: Decimal | None, cofunding_total: Decimal
) -> str | None:
    """Why co-funding plus the authority's amount exceed the projected budget, if they do.

    The plan spans a subsidy and its co-funding lines, so it is checked where both are
    known together: the services and the forms' formsets (DESIGN.md §4.6).
    """
    from core.formatting import euros

    if projected_budget is None:
        return None
    own = own_amount or Decimal("0")
    if cofunding_total + own > projected_budget:
        return FUNDING_PLAN_EXCEEDED.format(
            cofunding=euros(cofunding_total), own=euros(own), budget=euros(projected_budget)
        )
    return None


class SubsidyTransition(models.Model):
    """One row per lifecycle transition of a subsidy: who, when, from, to, why."""

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="subvention", on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField("action", max_length=50)
    from_status = models.CharField("de", max_length=20, choices=SubsidyStatus.choices)
    to_status = models.CharField("vers", max_length=20, choices=SubsidyStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("le", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["at", "pk"]

    def __str__(self):
        change = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        return f"{self.subsidy.reference} : {change}"


class ActionAxis(models.Model):
    """A numbered axis of the beneficiary's programme of action."""

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="subvention", on_delete=models.CASCADE, related_name="axes"
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
        Subsidy, verbose_name="subvention", on_delete=models.CASCADE, related_name="cofundings"
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
        from core.formatting import euros

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
