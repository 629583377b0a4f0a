"""Money once a subsidy is voted: payment schedule, payments, financial report, clawbacks.

Amounts are Decimal with database constraints mirroring the validation. The rules that
span several rows (nothing paid before the executory date nor beyond the current amount,
a schedule adding up) are kept by the services in subventions.payments.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.files import private_storage, validate_pdf
from core.formatting import euros, short_date
from core.modeling import DateField, money_field, positive
from core.workflow import LifecycleMixin, StatusField

from ..enums import InstalmentCondition, ReminderKind, ReportStatus, SubsidyStatus
from ..roles import AccountOfBeneficiary, transition_permission

DUE_DATE_REQUIRED = "Une échéance « à date » porte sa date."
DUE_DATE_ONLY_ON_DATE = "Seule une échéance « à date » porte une date."
DUPLICATE_INSTALMENT_POSITION = "Une échéance porte déjà ce numéro pour cette subvention."
DUPLICATE_MANDATE = "Le mandat n° {number} est déjà enregistré pour l'exercice {year}."
DUPLICATE_MANDATE_DB = "Ce numéro de mandat est déjà enregistré pour cet exercice."
INSTALMENT_OF_ANOTHER_SUBSIDY = "L'échéance choisie appartient à une autre subvention."
REPORT_RECEIVED_TOO_EARLY = (
    "Un compte rendu financier reçu le {received} est antérieur à la fin de l'exercice "
    "financé ({year}) : il ne peut être reçu qu'à partir du 1er janvier {next_year}."
)
REPORT_RECEIVED_WITHOUT_DATE = "Un compte rendu reçu porte sa date de réception."
REPORT_REJECTED_WITHOUT_REASON = "Le rejet d'un compte rendu financier est motivé."
REPORT_WAIVED_WITHOUT_REASON = (
    "La dispense de compte rendu financier est une décision motivée : indiquez son motif."
)
REPORT_ALREADY_SETTLED = (
    "Le compte rendu financier est « {status_lower} » : seul un compte rendu attendu, reçu "
    "ou rejeté peut faire l'objet d'une dispense."
)
REPORT_NOT_OUTSTANDING = (
    "Le compte rendu financier est « {status_lower} » : seul un compte rendu attendu ou "
    "rejeté peut être reçu."
)
REPORT_NOT_RECEIVED = (
    "Le compte rendu financier est « {status_lower} » : seul un compte rendu reçu peut être "
    "approuvé ou rejeté."
)
LAST_YEAR_BEFORE_SUBSIDY = "Le dernier exercice financé ne peut précéder l'exercice {year}."

# Sub-folder of the private files; the year sorts them, the storage adds a suffix to
# homonyms.
REPORT_UPLOAD_TO = "comptes-rendus/%Y/"


class PaymentInstalment(models.Model):
    """An instalment (échéance) of a subsidy's payment schedule."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    position = models.PositiveSmallIntegerField("numéro", validators=[MinValueValidator(1)])
    label = models.CharField("libellé", max_length=200)
    share = models.DecimalField(
        "part (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Quand l'échéance est donnée en pourcentage ; le montant en est déduit.",
    )
    amount = money_field("montant", positive=True)
    condition = models.CharField("condition", max_length=20, choices=InstalmentCondition.choices)
    due_date = DateField("date d'échéance", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéancier"
        ordering = ["subsidy", "position"]
        constraints = [
            positive("amount", "paymentinstalment"),
            models.UniqueConstraint(
                fields=["subsidy", "position"],
                name="paymentinstalment_unique_position",
                violation_error_message=DUPLICATE_INSTALMENT_POSITION,
            ),
            models.CheckConstraint(
                condition=Q(condition=InstalmentCondition.ON_DATE, due_date__isnull=False)
                | (~Q(condition=InstalmentCondition.ON_DATE) & Q(due_date__isnull=True)),
                name="paymentinstalment_due_date_iff_on_date",
                violation_error_message=DUE_DATE_REQUIRED,
            ),
        ]

    def __str__(self):
        return f"Échéance {self.position} : {self.label} ({euros(self.amount)})"

    def clean(self):
        if self.condition == InstalmentCondition.ON_DATE and self.due_date is None:
            raise ValidationError({"due_date": DUE_DATE_REQUIRED})
        if self.condition != InstalmentCondition.ON_DATE and self.due_date is not None:
            raise ValidationError({"due_date": DUE_DATE_ONLY_ON_DATE})


class Payment(models.Model):
    """A payment (versement), made by a mandate of the authority's accountant."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.RESTRICT,
        related_name="payments",
    )
    instalment = models.ForeignKey(
        PaymentInstalment,
        verbose_name="échéance",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="payments",
    )
    date = DateField("date du mandat")
    amount = money_field("montant", positive=True)
    mandate_number = models.CharField(
        "numéro de mandat", max_length=30, help_text="Par exemple « 2021-004512 »."
    )
    # Mandate numbers restart every year: the year of the mandate's date, stored so that
    # the database itself keeps a number unique within its year.
    year = models.PositiveSmallIntegerField("exercice du mandat", editable=False)
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["subsidy", "date", "pk"]
        constraints = [
            positive("amount", "payment"),
            models.UniqueConstraint(
                fields=["year", "mandate_number"],
                name="payment_mandate_unique_per_year",
                violation_error_message=DUPLICATE_MANDATE_DB,
            ),
        ]

    def __str__(self):
        return f"Mandat {self.mandate_number} du {short_date(self.date)} : {euros(self.amount)}"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        self.mandate_number = " ".join((self.mandate_number or "").split())
        if self.date is not None:
            self.year = self.date.year
            taken = Payment.objects.filter(year=self.year, mandate_number=self.mandate_number)
            if self.mandate_number and taken.exclude(pk=self.pk).exists():
                errors["mandate_number"] = DUPLICATE_MANDATE.format(
                    number=self.mandate_number, year=self.year
                )
        if self.instalment_id and self.instalment.subsidy_id != self.subsidy_id:
            errors["instalment"] = INSTALMENT_OF_ANOTHER_SUBSIDY
        if errors:
            raise ValidationError(errors)


def report_due_date(last_year: int) -> datetime.date:
    """30 June of the year after the last financed one (DESIGN.md §4.4)."""
    return datetime.date(last_year + 1, 6, 30)


class FinancialReportQuerySet(models.QuerySet):
    def outstanding(self):
        """Reports the beneficiary still owes: expected, or rejected and to be sent again."""
        return self.filter(status__in=[ReportStatus.EXPECTED, ReportStatus.REJECTED])

    def overdue_on(self, today: datetime.date):
        """Outstanding reports whose due date has passed."""
        return self.outstanding().filter(due_date__lt=today)

    def to_remind(self, today: datetime.date, *, days: int = 30):
        """Outstanding reports due within `days` of `today`, or overdue."""
        limit = today + datetime.timedelta(days=days)
        return (
            self.outstanding()
            .filter(due_date__lte=limit)
            .exclude(subsidy__status__in=[SubsidyStatus.WITHDRAWN, SubsidyStatus.REJECTED])
        )


class FinancialReport(LifecycleMixin, models.Model):
    """The beneficiary's financial report (compte rendu financier, Cerfa 15059).

    Expected once the file is voted; received (with its PDF), then approved or rejected
    with a reason, and then owed again: a state machine (core.workflow).
    """

    status_subject = "le compte rendu financier"
    str_related = ("subsidy",)

    subsidy = models.OneToOneField(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.RESTRICT,
        related_name="financial_report",
    )
    last_year = models.PositiveSmallIntegerField(
        "dernier exercice financé",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Pour une convention pluriannuelle ; sinon l'exercice de la subvention.",
    )
    due_date = DateField("attendu le", editable=False)
    received_on = DateField("reçu le", null=True, blank=True)
    file = models.FileField(
        "fichier (PDF)",
        storage=private_storage,
        upload_to=REPORT_UPLOAD_TO,
        blank=True,
        validators=[validate_pdf],
    )
    status = StatusField(
        "statut", max_length=20, choices=ReportStatus.choices, default=ReportStatus.EXPECTED
    )
    rejection_reason = models.TextField("motif du rejet", blank=True)
    waiver_reason = models.TextField(
        "motif de la dispense",
        blank=True,
        help_text="La décision qui dispense le bénéficiaire de son compte rendu, et pourquoi.",
    )

    history = HistoricalRecords()

    objects = FinancialReportQuerySet.as_manager()

    class Meta:
        verbose_name = "compte rendu financier"
        verbose_name_plural = "comptes rendus financiers"
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.REJECTED) | ~Q(rejection_reason=""),
                name="financialreport_rejection_has_reason",
                violation_error_message=REPORT_REJECTED_WITHOUT_REASON,
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.WAIVED) | ~Q(waiver_reason=""),
                name="financialreport_waiver_has_reason",
                violation_error_message=REPORT_WAIVED_WITHOUT_REASON,
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReportStatus.RECEIVED, ReportStatus.APPROVED])
                | Q(received_on__isnull=False),
                name="financialreport_received_has_date",
                violation_error_message=REPORT_RECEIVED_WITHOUT_DATE,
            ),
        ]

    def __str__(self):
        return f"Compte rendu {self.subsidy.reference} (attendu le {short_date(self.due_date)})"

    def save(self, *args, **kwargs):
        self.due_date = report_due_date(self.financed_until)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.subsidy_id is None:
            return
        self.due_date = report_due_date(self.financed_until)
        if self.last_year is not None and self.last_year < self.subsidy.year:
            errors["last_year"] = LAST_YEAR_BEFORE_SUBSIDY.format(year=self.subsidy.year)
        if self.received_on is not None and self.received_on.year <= self.financed_until:
            errors["received_on"] = REPORT_RECEIVED_TOO_EARLY.format(
                received=short_date(self.received_on),
                year=self.financed_until,
                next_year=self.financed_until + 1,
            )
        in_hand = self.status in (ReportStatus.RECEIVED, ReportStatus.APPROVED)
        if in_hand and self.received_on is None:
            errors["received_on"] = REPORT_RECEIVED_WITHOUT_DATE
        if self.status == ReportStatus.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = REPORT_REJECTED_WITHOUT_REASON
        if self.status == ReportStatus.WAIVED and not self.waiver_reason.strip():
            errors["waiver_reason"] = REPORT_WAIVED_WITHOUT_REASON
        if errors:
            raise ValidationError(errors)

    @property
    def financed_until(self) -> int:
        """The last financed year: the override of a multi-year agreement, else the file's."""
        return self.last_year or self.subsidy.year

    def is_overdue_on(self, today: datetime.date) -> bool:
        """Still owed by the beneficiary after its due date."""
        outstanding = self.status in (ReportStatus.EXPECTED, ReportStatus.REJECTED)
        return outstanding and today > self.due_date

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    # Lifecycle, run through subventions.payments (role, file checked by its content).

    @transition(
        field=status,
        source=[ReportStatus.EXPECTED, ReportStatus.REJECTED],
        target=ReportStatus.RECEIVED,
        permission=transition_permission("record_money"),
        custom={"label": "Enregistrer la réception", "wrong_state": REPORT_NOT_OUTSTANDING},
    )
    def receive(self, *, received_on: datetime.date, file):
        self.received_on = received_on
        self.file = file
        self.rejection_reason = ""

    @transition(
        field=status,
        source=[ReportStatus.EXPECTED, ReportStatus.REJECTED],
        target=ReportStatus.RECEIVED,
        permission=AccountOfBeneficiary(),
        custom={"label": "Transmettre en ligne", "wrong_state": REPORT_NOT_OUTSTANDING},
    )
    def submit_online(self, *, received_on: datetime.date, file):
        """The association transmits its report from its space (subventions.reports)."""
        self.received_on = received_on
        self.file = file
        self.rejection_reason = ""

    @transition(
        field=status,
        source=ReportStatus.RECEIVED,
        target=ReportStatus.APPROVED,
        permission=transition_permission("record_money"),
        custom={"label": "Approuver", "wrong_state": REPORT_NOT_RECEIVED},
    )
    def approve(self):
        pass

    @transition(
        field=status,
        source=ReportStatus.RECEIVED,
        target=ReportStatus.REJECTED,
        permission=transition_permission("record_money"),
        custom={"label": "Rejeter", "wrong_state": REPORT_NOT_RECEIVED},
    )
    def reject(self, *, reason: str):
        self.rejection_reason = reason.strip()

    @transition(
        field=status,
        source=[ReportStatus.EXPECTED, ReportStatus.RECEIVED, ReportStatus.REJECTED],
        target=ReportStatus.WAIVED,
        permission=transition_permission("record_money"),
        custom={"label": "Dispenser du compte rendu", "wrong_state": REPORT_ALREADY_SETTLED},
    )
    def waive(self, *, reason: str):
        self.waiver_reason = reason.strip()

    @property
    def is_settled(self) -> bool:
        """Approved, or waived by a recorded decision: the file may be closed."""
        return self.status in (ReportStatus.APPROVED, ReportStatus.WAIVED)


class Clawback(models.Model):
    """A clawback (reversement): the beneficiary pays back, on a recovery order."""

    subsidy = models.ForeignKey(
        "subventions.Subsidy",
        verbose_name="subvention",
        on_delete=models.RESTRICT,
        related_name="clawbacks",
    )
    amount = money_field("montant", positive=True)
    reason = models.TextField("motif")
    date = DateField("date du titre de recette")
    recovery_order = models.CharField("référence du titre de recette", max_length=50)
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "reversement"
        verbose_name_plural = "reversements"
        ordering = ["subsidy", "date", "pk"]
        constraints = [positive("amount", "clawback")]

    def __str__(self):
        return f"Titre {self.recovery_order} : {euros(self.amount)}"


class ReminderLog(models.Model):
    """One reminder sent: which, to whom, on which day — so never twice the same day.

    A log, written once and never changed: no history of its own.
    """

    kind = models.CharField("relance", max_length=20, choices=ReminderKind.choices)
    recipient = models.EmailField("destinataire")
    report = models.ForeignKey(
        FinancialReport,
        verbose_name="compte rendu financier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    sent_on = DateField("jour de la relance")
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "relance envoyée"
        verbose_name_plural = "relances envoyées"
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "report", "sent_on"],
                condition=Q(report__isnull=False),
                name="reminderlog_once_a_day_per_report",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "sent_on"],
                condition=Q(report__isnull=True),
                name="reminderlog_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} à {self.recipient} le {short_date(self.sent_on)}"
