"""Sessions and deliberations (DESIGN.md §2, §5).

A deliberation is drafted, placed on a session (which numbers it), then voted. Once
adopted or rejected it is an act: its text, HTML and PDF are frozen with the PDF's
SHA-256, and nothing of it changes any more — `clean()` refuses it for forms and the
admin, the services refuse it, and database triggers (migration 0003) refuse it even
for `QuerySet.update()`. The one later step is the executory date, set once.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.formatting import long_date
from core.models import TransitionLog
from core.workflow import LifecycleMixin, StatusField
from subventions.models import Authority, PolicyArea, Subsidy
from subventions.models.texts import DeliberationText
from subventions.roles import transition_permission

from .enums import FROZEN_STATUSES, Body, DeliberationStatus

NUMBER_PATTERN = r"^[0-9]{2} [BC] [0-9]{4}$"
NUMBER_INVALID = "Le numéro doit avoir la forme « 21 B 0110 » : année sur deux chiffres, B ou C, "
NUMBER_INVALID += "numéro d'ordre sur quatre chiffres."
NUMBER_TAKEN = "Le numéro {number} est déjà attribué à une autre délibération."
NUMBER_WITHOUT_SESSION = "Une délibération numérotée appartient à une séance."
NUMBER_NOT_MATCHING_SESSION = (
    "Le numéro {number} ne correspond pas à la séance : il doit commencer par « {prefix} »."
)
EXECUTORY_NOT_ADOPTED = "Seule une délibération adoptée devient exécutoire."
DELIBERATION_FROZEN = "La délibération est {status} : elle ne peut plus être modifiée ({fields})."
PDF_TAMPERED = "Le PDF enregistré ne correspond plus à son empreinte SHA-256."
VOTED_WITHOUT_VOTE = "Une délibération votée porte la date de son vote."


class Session(models.Model):
    """A sitting of the Bureau or the Council (séance)."""

    body = models.CharField("instance", max_length=1, choices=Body.choices)
    date = models.DateField("date")
    time = models.TimeField("heure")
    place = models.CharField("lieu", max_length=200, blank=True)
    note = models.TextField("note interne", blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name="collectivité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Vide : la collectivité par défaut.",
    )

    # The tables keep the names they had when these models lived in the conventions app.
    history = HistoricalRecords(table_name="conventions_historicalsession")

    class Meta:
        db_table = "conventions_session"
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-date", "-time"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date", "time"],
                name="session_unique",
                violation_error_message="Une séance de cette instance existe déjà à cette date "
                "et à cette heure.",
            ),
        ]

    def __str__(self):
        return f"{self.body_label} du {long_date(self.date)}"

    def get_absolute_url(self):
        return reverse("admin:deliberations_session_change", args=[self.pk])

    @property
    def authority_or_default(self) -> Authority | None:
        """The authority whose body sits: the session's own, else the default one."""
        return self.authority if self.authority_id else Authority.current()

    @property
    def body_label(self) -> str:
        """« Bureau », « Conseil municipal »: the body's label on pages. A session of the
        default authority keeps the choice's label (no query for the usual case)."""
        if not self.authority_id:
            return self.get_body_display()
        label = Authority.without_article(self.authority.body_name(self.body))
        return label[:1].upper() + label[1:]

    @property
    def body_name(self) -> str:
        """« le Bureau », « le Conseil municipal »: this session's body as its authority
        names it (the B/C code and its choice labels stay the same for every authority)."""
        authority = self.authority_or_default
        return authority.body_name(self.body) if authority else f"le {self.get_body_display()}"

    @property
    def number_prefix(self) -> str:
        """« 21 B »: the start of the numbers of this session's deliberations."""
        return f"{self.date:%y} {self.body}"


class DeliberationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=DeliberationStatus.WITHDRAWN)


class Deliberation(LifecycleMixin, DeliberationText):
    """A deliberation of the Bureau or the Council granting one or more subsidies.

    Its free sections (DeliberationText) are copied from its file when it grants one; the
    rest of its text is generated (deliberations.rendering).
    """

    status_subject = "la délibération"

    number = models.CharField(
        "numéro",
        max_length=9,
        blank=True,
        validators=[RegexValidator(NUMBER_PATTERN, NUMBER_INVALID)],
        help_text="Attribué quand la délibération est inscrite à une séance (« 21 B 0110 »). "
        "Saisi à la main pour un acte ancien.",
    )
    session = models.ForeignKey(
        Session,
        verbose_name="séance",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="deliberations",
    )
    policy_area = models.ForeignKey(
        PolicyArea,
        verbose_name="politique publique",
        on_delete=models.RESTRICT,
        related_name="deliberations",
    )
    title = models.CharField("titre", max_length=500)
    subsidies = models.ManyToManyField(
        Subsidy,
        verbose_name="subventions",
        through="DeliberationSubsidy",
        related_name="deliberations",
    )
    status = StatusField(
        "statut",
        max_length=20,
        choices=DeliberationStatus.choices,
        default=DeliberationStatus.DRAFT,
    )
    unanimous = models.BooleanField("adoptée à l'unanimité", default=False)
    votes_for = models.PositiveIntegerField("voix pour", null=True, blank=True)
    votes_against = models.PositiveIntegerField("voix contre", null=True, blank=True)
    abstentions = models.PositiveIntegerField("abstentions", null=True, blank=True)
    non_participants = models.TextField(
        "n'ont pas pris part au vote",
        blank=True,
        help_text="Un nom par ligne : « Mme Dupont », « M. Martin ».",
    )
    voted_at = models.DateTimeField("vote enregistré le", null=True, blank=True)
    voted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vote enregistré par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    executory_date = models.DateField("exécutoire le", null=True, blank=True)
    text = models.TextField("texte figé", blank=True, editable=False)
    html = models.TextField("HTML figé", blank=True, editable=False)
    pdf = models.FileField("PDF figé", upload_to="deliberations/", blank=True, editable=False)
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    note = models.TextField(
        "note interne",
        blank=True,
        help_text="Par exemple : numéro et date fictifs (données de démonstration).",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    transitions = GenericRelation(TransitionLog, related_query_name="deliberation")

    history = HistoricalRecords(
        excluded_fields=["text", "html"], table_name="conventions_historicaldeliberation"
    )

    objects = DeliberationQuerySet.as_manager()

    class Meta:
        db_table = "conventions_deliberation"
        verbose_name = "délibération"
        verbose_name_plural = "délibérations"
        ordering = ["-session__date", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="deliberation_number_unique",
                violation_error_message="Ce numéro est déjà attribué à une autre délibération.",
            ),
            models.CheckConstraint(
                condition=Q(number="") | Q(number__regex=NUMBER_PATTERN),
                name="deliberation_number_format",
                violation_error_message=NUMBER_INVALID,
            ),
            models.CheckConstraint(
                condition=Q(number="") | Q(session__isnull=False),
                name="deliberation_number_has_session",
                violation_error_message=NUMBER_WITHOUT_SESSION,
            ),
            models.CheckConstraint(
                condition=Q(executory_date__isnull=True) | Q(status=DeliberationStatus.ADOPTED),
                name="deliberation_executory_if_adopted",
                violation_error_message=EXECUTORY_NOT_ADOPTED,
            ),
            models.CheckConstraint(
                condition=~Q(status__in=FROZEN_STATUSES) | Q(voted_at__isnull=False),
                name="deliberation_voted_has_its_vote",
                violation_error_message=VOTED_WITHOUT_VOTE,
            ),
        ]

    def __str__(self):
        return f"{self.number or 'Projet'} — {self.title}"

    def get_absolute_url(self):
        return reverse("admin:deliberations_deliberation_change", args=[self.pk])

    def clean(self):
        errors = {}
        if self.number and self.session_id:
            prefix = self.session.number_prefix
            if re.match(NUMBER_PATTERN, self.number) and not self.number.startswith(prefix):
                errors["number"] = NUMBER_NOT_MATCHING_SESSION.format(
                    number=self.number, prefix=prefix
                )
        if self.number and not self.session_id:
            errors["session"] = NUMBER_WITHOUT_SESSION
        if self.executory_date and self.status != DeliberationStatus.ADOPTED:
            errors["executory_date"] = EXECUTORY_NOT_ADOPTED
        if errors:
            raise ValidationError(errors)
        self.check_not_frozen()

    # Freezing (DESIGN.md §4.7)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    # What may still change on a voted deliberation: the executory date, set once, and
    # the PDF certified with it in the same save.
    EXECUTORY_FIELDS = ("executory_date", "pdf", "pdf_sha256")

    def frozen_changes(self) -> list[str]:
        """The fields changed against the stored row that a voted deliberation forbids."""
        if self.pk is None:
            return []
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen:
            return []
        setting_executory = stored.executory_date is None and self.executory_date is not None
        allowed = self.EXECUTORY_FIELDS if setting_executory else ()
        return [
            field.name
            for field in self._meta.concrete_fields
            if field.name not in allowed
            and field.value_from_object(self) != field.value_from_object(stored)
        ]

    def check_not_frozen(self) -> None:
        changed = self.frozen_changes()
        if changed:
            stored = type(self).objects.get(pk=self.pk)
            names = ", ".join(str(self._meta.get_field(name).verbose_name) for name in changed)
            raise ValidationError(
                DELIBERATION_FROZEN.format(
                    status=stored.get_status_display().lower(), fields=names
                ),
                code="frozen",
            )

    def frozen_pdf_bytes(self) -> bytes:
        """The stored PDF, exactly as frozen; refuses a file that no longer matches its hash."""
        with self.pdf.open("rb") as handle:
            content = handle.read()
        if hashlib.sha256(content).hexdigest() != self.pdf_sha256:
            raise ValidationError(PDF_TAMPERED, code="tampered")
        return content

    # Vote

    @property
    def non_participant_names(self) -> list[str]:
        return [name.strip() for name in self.non_participants.splitlines() if name.strip()]

    @property
    def has_vote(self) -> bool:
        return self.unanimous or self.votes_for is not None

    # Lifecycle: run through services, which check the vote and record who and when.

    @transition(
        field=status,
        source=DeliberationStatus.DRAFT,
        target=DeliberationStatus.ADOPTED,
        permission=transition_permission("manage_sessions"),
        custom={"label": "Enregistrer l'adoption"},
    )
    def adopt(self):
        pass

    @transition(
        field=status,
        source=DeliberationStatus.DRAFT,
        target=DeliberationStatus.REJECTED,
        permission=transition_permission("manage_sessions"),
        custom={"label": "Enregistrer le rejet"},
    )
    def reject(self):
        pass

    @transition(
        field=status,
        source=DeliberationStatus.DRAFT,
        target=DeliberationStatus.WITHDRAWN,
        permission=transition_permission("manage_sessions"),
        custom={"label": "Retirer de l'ordre du jour"},
    )
    def withdraw(self):
        pass


class DeliberationSubsidy(models.Model):
    """A subsidy granted by a deliberation, in the order of its table."""

    deliberation = models.ForeignKey(
        Deliberation, verbose_name="délibération", on_delete=models.CASCADE, related_name="links"
    )
    subsidy = models.ForeignKey(
        Subsidy, verbose_name="subvention", on_delete=models.RESTRICT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("ordre", default=1)

    history = HistoricalRecords(table_name="conventions_historicaldeliberationsubsidy")

    class Meta:
        db_table = "conventions_deliberationsubsidy"
        verbose_name = "subvention de la délibération"
        verbose_name_plural = "subventions de la délibération"
        ordering = ["deliberation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "subsidy"],
                name="deliberationsubsidy_unique",
                violation_error_message="Cette subvention figure déjà dans la délibération.",
            ),
        ]

    def __str__(self):
        return str(self.subsidy)
