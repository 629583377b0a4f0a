"""Sessions and deliberations (DESIGN.md §2, §5).

A deliberation is drafted, placed on a session (which numbers it), then voted. Once
adopted or rejected it is an act: its text, HTML and PDF are frozen with the PDF's
SHA-256, and nothing of it changes any more — `clean()` refuses it for forms and the
admin, the services refuse it, and database triggers (migration 0003) refuse it even
for `QuerySet.update()`. The one later step is the executory date, set once.
"""

import datetime
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

from core import files
from core.formatting import long_date
from core.modeling import DateField
from core.models import TransitionLog
from core.workflow import Condition, LifecycleMixin, StatusField
from subventions.models import Authority, PolicyArea, Subsidy
from subventions.models.texts import DeliberationText
from subventions.roles import transition_permission

from .enums import (
    FROZEN_STATUSES,
    ActNature,
    AttendanceStatus,
    Body,
    Civility,
    CorrectionKind,
    DeliberationStatus,
    InterestFunction,
)

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
VOTED_WITHOUT_VOTE = "Une délibération votée porte la date de son vote."
PROXY_REQUIRED = "Un membre représenté a donné pouvoir à un membre présent : indiquez lequel."
PROXY_ONLY_IF_REPRESENTED = "Seul un membre représenté a un mandataire."
PROXY_SELF = "Un membre ne peut se donner pouvoir à lui-même."
PROXY_NOT_PRESENT = "Le mandataire ({holder}) doit être présent à la séance."
PROXY_TWICE = "{holder} détient déjà un pouvoir : un membre n'en porte qu'un (CGCT L2121-20)."
INTEREST_DATES = "La fin de la fonction ne peut précéder son début."


class Session(models.Model):
    """A sitting of the Bureau or the Council (séance)."""

    body = models.CharField("instance", max_length=1, choices=Body.choices)
    date = DateField("date")
    time = models.TimeField("heure")
    place = models.CharField("lieu", max_length=200, blank=True)
    note = models.TextField("note interne", blank=True)
    convened_on = DateField("convoquée le", null=True, blank=True)
    president = models.ForeignKey(
        "ElectedMember",
        verbose_name="président(e) de séance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    secretary = models.ForeignKey(
        "ElectedMember",
        verbose_name="secrétaire de séance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # CGCT L2121-25: within a week of the session, the list of its deliberations is
    # published; the secretariat records when.
    act_list_published_on = DateField("liste des délibérations publiée le", null=True, blank=True)
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
        """The authority whose body sits: the session's own, else the default one (read
        once per instance: a document names it in its context, header and body name)."""
        if self.authority_id:
            return self.authority
        if "_default_authority" not in self.__dict__:
            self.__dict__["_default_authority"] = Authority.current()
        return self.__dict__["_default_authority"]

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

    @property
    def act_list_due_on(self):
        """CGCT L2121-25: the list of the session's deliberations is published within a
        week."""
        return self.date + datetime.timedelta(days=7)

    def attendance_summary(self) -> "AttendanceSummary":
        """Who sat, who was represented, and whether the quorum was reached (L2121-17).

        The members in office are those on the session's attendance sheet (the sheet lists
        every member in office of the body when it is drawn up, so a later change of the
        register does not rewrite a past session).
        """
        rows = list(
            self.attendances.select_related("member", "proxy_holder").order_by(
                "member__last_name", "member__first_name", "member__pk"
            )
        )
        return AttendanceSummary(rows)


class DeliberationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=DeliberationStatus.WITHDRAWN)


# An act leaves an agenda only once it is on one (placed on a session).
on_an_agenda = Condition(
    lambda deliberation: deliberation.session_id is not None,
    "La délibération n'est inscrite à l'ordre du jour d'aucune séance.",
)


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
    executory_date = DateField(
        "exécutoire le",
        null=True,
        blank=True,
        help_text="Calculée : la plus tardive de la réception en préfecture et de la "
        "publication (ou de l'affichage).",
    )
    nature_code = models.CharField(
        "nature de l'acte", max_length=1, choices=ActNature.choices, default=ActNature.DELIBERATION
    )
    classification = models.ForeignKey(
        "ActClassification",
        verbose_name="classification (matière)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliberations",
    )
    non_participating_members = models.ManyToManyField(
        "ElectedMember",
        verbose_name="élus n'ayant pas pris part au vote",
        blank=True,
        related_name="non_participations",
    )
    transmitted_on = DateField("envoyée en préfecture le", null=True, blank=True)
    prefecture_received_on = DateField("reçue en préfecture le", null=True, blank=True)
    prefecture_act_id = models.CharField(
        "identifiant de l'acte (accusé de réception)",
        max_length=64,
        blank=True,
        help_text="Par exemple « 059-200093201-20210402-21B0110-DE ».",
    )
    published_on = DateField("publiée le", null=True, blank=True)
    displayed_on = DateField(
        "affichée le",
        null=True,
        blank=True,
        help_text="Pour les actes adoptés avant le 1er juillet 2022 (affichage).",
    )
    executory_manual_reason = models.TextField(
        "motif de la date exécutoire saisie",
        blank=True,
        help_text="Pour un acte voté avant la mise en service de l'application seulement.",
    )
    extract_pdf = models.FileField(
        "extrait du registre signé", upload_to="deliberations/extracts/", blank=True
    )
    extract_sha256 = models.CharField("empreinte SHA-256 de l'extrait", max_length=64, blank=True)
    # Raised by one with each correction of the vote or of the executory date: the database
    # lets a voted act's vote change only in such a save, and only before it is sent out.
    revision = models.PositiveIntegerField("corrections enregistrées", default=0, editable=False)
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
    # The life of the act after the vote (issue 11): its classification, transmission,
    # acknowledgment, publication and signed extract. Not part of the adopted text.
    ACT_FIELDS = (
        "nature_code",
        "classification",
        "transmitted_on",
        "prefecture_received_on",
        "prefecture_act_id",
        "published_on",
        "displayed_on",
        "executory_manual_reason",
        "extract_pdf",
        "extract_sha256",
    )
    # What a correction (deliberations.services.deliberation_correct_vote and
    # deliberation_correct_executory) may change while the act is neither transmitted nor
    # published (issue 14 item 3); the text is rendered again with it.
    CORRECTABLE_FIELDS = (
        "unanimous",
        "votes_for",
        "votes_against",
        "abstentions",
        "non_participants",
        "voted_at",
        "voted_by",
        "text",
        "html",
        *EXECUTORY_FIELDS,
    )

    @property
    def may_type_executory(self) -> bool:
        """An adopted act voted before the application was used, not yet executory: its
        date is typed (with the reason); the others' is computed."""
        return (
            self.status == DeliberationStatus.ADOPTED
            and self.executory_date is None
            and self.session_id is not None
            and self.session.date < settings.ACTS_IN_APPLICATION_SINCE
        )

    @property
    def is_sent_out(self) -> bool:
        """Transmitted to the prefecture or published: only a new deliberation changes it."""
        return bool(
            self.transmitted_on
            or self.prefecture_received_on
            or self.published_on
            or self.displayed_on
        )

    def frozen_changes(self) -> list[str]:
        """The fields changed against the stored row that a voted deliberation forbids."""
        if self.pk is None:
            return []
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen:
            return []
        setting_executory = stored.executory_date is None and self.executory_date is not None
        allowed = self.ACT_FIELDS + (self.EXECUTORY_FIELDS if setting_executory else ())
        if self.revision == stored.revision + 1 and not stored.is_sent_out:
            allowed += (*self.CORRECTABLE_FIELDS, "revision")
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
        return files.read_stored(self.pdf, what="Le PDF de la délibération", sha256=self.pdf_sha256)

    def stored_file_problem(self) -> str | None:
        """Why the frozen PDF cannot be trusted (missing, unreadable, altered), or None."""
        if not self.is_frozen:
            return None
        return files.stored_problem(
            self.pdf, what="Le PDF de la délibération", sha256=self.pdf_sha256
        )

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
        conditions=[on_an_agenda],
        custom={"label": "Retirer de l'ordre du jour", "offered_if": on_an_agenda},
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


class AttendanceSummary:
    """The figures of a session's attendance sheet (Session.attendance_summary())."""

    def __init__(self, rows):
        self.rows = rows
        by_status = {status: [] for status in AttendanceStatus.values}
        for row in rows:
            by_status[row.status].append(row)
        self.in_office = len(rows)
        self.present = len(by_status[AttendanceStatus.PRESENT])
        self.represented = len(by_status[AttendanceStatus.REPRESENTED])
        self.absent = len(by_status[AttendanceStatus.ABSENT])
        self.excused = len(by_status[AttendanceStatus.EXCUSED])
        # CGCT L2121-17: more than half of the members in office present (proxies do not
        # count towards the quorum).
        self.quorum = self.in_office // 2 + 1
        self.quorum_reached = self.in_office > 0 and self.present >= self.quorum
        self.present_members = [row.member for row in by_status[AttendanceStatus.PRESENT]]
        # (member, proxy holder) pairs.
        self.represented_members = [
            (row.member, row.proxy_holder) for row in by_status[AttendanceStatus.REPRESENTED]
        ]
        self.absent_members = [row.member for row in by_status[AttendanceStatus.ABSENT]]
        self.excused_members = [row.member for row in by_status[AttendanceStatus.EXCUSED]]

    @property
    def voters(self) -> int:
        """Who may vote: the members present and those represented."""
        return self.present + self.represented

    @property
    def sentence(self) -> str:
        """« Quorum atteint : 20 présents sur 35 membres en exercice (quorum : 18) »."""
        head = "Quorum atteint" if self.quorum_reached else "Quorum non atteint"
        present = "présent" if self.present <= 1 else "présents"
        members = "membre" if self.in_office <= 1 else "membres"
        return (
            f"{head} : {self.present} {present} sur {self.in_office} {members} en exercice "
            f"(quorum : {self.quorum})"
        )


class ElectedMemberQuerySet(models.QuerySet):
    def in_office(self, body: str):
        """The active members sitting in the body (Bureau or Conseil)."""
        field = "sits_in_bureau" if body == Body.BUREAU else "sits_in_council"
        return self.filter(active=True, **{field: True})


class ElectedMember(models.Model):
    """An elected member (élu): data, not a user (DESIGN.md §1)."""

    civility = models.CharField("civilité", max_length=3, choices=Civility.choices)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    sits_in_bureau = models.BooleanField("siège au Bureau", default=False)
    sits_in_council = models.BooleanField("siège au Conseil", default=True)
    active = models.BooleanField(
        "en exercice",
        default=True,
        help_text="Décoché à la fin du mandat : l'élu reste dans l'historique des séances.",
    )

    history = HistoricalRecords()

    objects = ElectedMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "élu"
        verbose_name_plural = "élus"
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self):
        return f"{self.civility} {self.first_name} {self.last_name.upper()}"

    def get_absolute_url(self):
        return reverse("deliberations:member_detail", args=[self.pk])

    def interests_on(self, day):
        """The interests held on `day` (open-ended at either side when no date is known)."""
        return [interest for interest in self.interests.all() if interest.is_current(day)]


class Interest(models.Model):
    """A function an elected member holds in an organisation (« conseiller intéressé »,
    CGCT L2131-11), linked to the beneficiary when the organisation is one."""

    member = models.ForeignKey(
        ElectedMember, verbose_name="élu", on_delete=models.CASCADE, related_name="interests"
    )
    organisation = models.CharField("organisme", max_length=200)
    function = models.CharField("fonction", max_length=20, choices=InterestFunction.choices)
    beneficiary = models.ForeignKey(
        "subventions.Beneficiary",
        verbose_name="bénéficiaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elected_interests",
    )
    start_on = DateField("depuis le", null=True, blank=True)
    end_on = DateField("jusqu'au", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "intérêt d'un élu"
        verbose_name_plural = "intérêts des élus"
        ordering = ["member", "organisation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="interest_dates_ordered",
                violation_error_message=INTEREST_DATES,
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_function_display()}, {self.organisation}"

    def is_current(self, day) -> bool:
        return (self.start_on is None or self.start_on <= day) and (
            self.end_on is None or day <= self.end_on
        )


class Attendance(models.Model):
    """One line of a session's attendance sheet (feuille d'émargement)."""

    session = models.ForeignKey(
        Session, verbose_name="séance", on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        ElectedMember, verbose_name="élu", on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(
        "présence",
        max_length=12,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    proxy_holder = models.ForeignKey(
        ElectedMember,
        verbose_name="pouvoir donné à",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxies_held",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "présence à une séance"
        verbose_name_plural = "présences aux séances"
        ordering = ["session", "member__last_name", "member__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="attendance_unique",
                violation_error_message="Cet élu figure déjà sur la feuille de présence.",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.REPRESENTED) | Q(proxy_holder__isnull=False),
                name="attendance_represented_has_proxy",
                violation_error_message=PROXY_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.REPRESENTED) | Q(proxy_holder__isnull=True),
                name="attendance_proxy_only_if_represented",
                violation_error_message=PROXY_ONLY_IF_REPRESENTED,
            ),
            models.CheckConstraint(
                condition=Q(proxy_holder__isnull=True) | ~Q(proxy_holder=models.F("member")),
                name="attendance_proxy_not_self",
                violation_error_message=PROXY_SELF,
            ),
        ]

    def __str__(self):
        return f"{self.member} : {self.get_status_display()}"


class ActClassification(models.Model):
    """A subject of the prefecture's nomenclature (matière, e.g. « 7.5 Subventions »)."""

    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[1-9](\.[0-9]+){0,4}$", "Un code de la forme « 7.5 ».")],
    )
    label = models.CharField("libellé", max_length=200)
    version_date = DateField(
        "version de la nomenclature", help_text="La ClassificationDateVersion de la préfecture."
    )
    active = models.BooleanField("en usage", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "classification des actes"
        verbose_name_plural = "classification des actes"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def levels(self) -> list[str]:
        """« 7.5.2 » → ["7", "5", "2"] (CodeMatiere1, CodeMatiere2…)."""
        return self.code.split(".")


class InterestedVoter(models.Model):
    """A member with an interest in a beneficiary of the act, counted among the voters on
    the secretariat's explicit confirmation (CGCT L2131-11): who, when and why."""

    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name="délibération",
        on_delete=models.CASCADE,
        related_name="interested_voters",
    )
    member = models.ForeignKey(
        ElectedMember, verbose_name="élu", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("motif")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="confirmé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("confirmé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "élu intéressé ayant pris part au vote"
        verbose_name_plural = "élus intéressés ayant pris part au vote"
        ordering = ["deliberation", "member__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "member"],
                name="interestedvoter_unique",
                violation_error_message="Cet élu est déjà confirmé pour cette délibération.",
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.deliberation.number})"


class VoteCorrection(models.Model):
    """A vote or an executory date corrected before the act left the authority (issue 14
    item 3): what it was, what it became, who corrected it, when and why."""

    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name="délibération",
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField("objet", max_length=10, choices=CorrectionKind.choices)
    before = models.TextField("avant")
    after = models.TextField("après")
    reason = models.TextField("motif")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="corrigé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField("corrigé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "correction du vote"
        verbose_name_plural = "corrections du vote"
        ordering = ["deliberation", "corrected_at", "pk"]

    def __str__(self):
        return f"{self.deliberation.number} : {self.get_kind_display()} corrigé"
