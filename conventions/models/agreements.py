"""Agreements (conventions) and their amendments (DESIGN.md §6), generated from a version of
a template (conventions.models.templates).

An agreement (and each of its amendments) is signed by both parties. From the authority's
signature it is in force and frozen: the generated PDF, the signed PDF and their SHA-256
are kept and never regenerated (services, `clean()` and database triggers).
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core import files
from core.modeling import DateField
from core.models import TransitionLog
from core.workflow import Condition, LifecycleMixin, StatusField
from subventions.models import Subsidy
from subventions.roles import AccountOfBeneficiary, transition_permission

from ..enums import SIGNED_STATUSES, AgreementStatus, SignatureMethod
from .templates import AgreementTemplate

PERIOD_INVALID = "La fin de la période de validité ne peut précéder son début."
SIGNED_WITHOUT_PDF = "Un document signé par la collectivité garde son PDF et son empreinte."
DOCUMENT_FROZEN = (
    "Le document est signé par la collectivité : il ne peut plus être modifié ({fields})."
)
AMENDMENT_NUMBER_TAKEN = "Cette convention a déjà un avenant n° {number}."
AMENDMENT_CHANGES_NOTHING = "Un avenant modifie le montant ou la période de validité."
SENT_WITHOUT_DATE = "Un document envoyé pour signature porte sa date d'envoi."
BENEFICIARY_SIGNED_WITHOUT_DATE = "Un document signé par le bénéficiaire porte sa date."
NOT_YET_EXECUTORY = (
    "La délibération accordant la subvention n'est pas encore exécutoire : aucune signature "
    "avant cette date."
)

# A draft becomes ready for signature once the act granting its subsidy is executory.
subsidy_executory = Condition(lambda document: document.subsidy.is_executory, NOT_YET_EXECUTORY)


# One private storage for every private file of the project (core.files): signed
# agreements, scans and generated agreements (which show an IBAN) are served only by the
# permission-checked views of conventions.views.
private_storage = files.private_storage()


def get_private_storage():
    """A callable, so that migrations name it rather than freeze a path."""
    return files.private_storage()


class SignedDocumentQuerySet(models.QuerySet):
    def signed_by_authority(self):
        return self.filter(authority_signed_on__isnull=False)

    def signed_by_both(self):
        """Signed by the authority and by the beneficiary: the agreement binds both."""
        return self.filter(authority_signed_on__isnull=False, beneficiary_signed_on__isnull=False)

    def in_force(self):
        return self.filter(status=AgreementStatus.IN_FORCE)


class SignedDocument(LifecycleMixin, models.Model):
    """What an agreement and an amendment share: status, signatories, signatures, PDFs.

    Its status is a state machine (core.workflow), run by conventions.services and
    conventions.signatures: draft → ready (once the act is executory) → sent → signed by
    the beneficiary → in force (signed by the authority, which freezes it) → closed or
    terminated.
    """

    status_subject = "le document"

    status = StatusField(
        "statut", max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    authority_signatory_name = models.CharField(
        "signataire pour la collectivité", max_length=150, blank=True
    )
    authority_signatory_title = models.CharField(
        "qualité du signataire de la collectivité", max_length=150, blank=True
    )
    beneficiary_signatory_name = models.CharField(
        "signataire pour le bénéficiaire", max_length=150, blank=True
    )
    beneficiary_signatory_title = models.CharField(
        "qualité du signataire du bénéficiaire", max_length=150, blank=True
    )
    sent_on = DateField("envoyée pour signature le", null=True, blank=True)
    # The last e-mail that carried the document's PDF to the beneficiary (conventions.mailing):
    # for signature, or its signed copy. Nullable, so that adding it never rebuilds a table
    # (and drops its freeze triggers) on SQLite.
    emailed_on = DateField(
        "envoyée au bénéficiaire par courriel le", null=True, blank=True, editable=False
    )
    beneficiary_signed_on = DateField("signée par le bénéficiaire le", null=True, blank=True)
    authority_signed_on = DateField("signée par la collectivité le", null=True, blank=True)
    authority_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signature de la collectivité enregistrée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signature_method = models.CharField(
        "mode de signature", max_length=20, choices=SignatureMethod.choices, blank=True
    )
    generated_pdf = models.FileField(
        "PDF généré (figé)",
        storage=get_private_storage,
        upload_to="conventions/generees/",
        blank=True,
        editable=False,
    )
    generated_pdf_sha256 = models.CharField(
        "empreinte SHA-256 du PDF généré", max_length=64, blank=True, editable=False
    )
    signed_pdf = models.FileField(
        "PDF signé",
        storage=get_private_storage,
        upload_to="conventions/signees/",
        blank=True,
        editable=False,
    )
    signed_pdf_sha256 = models.CharField(
        "empreinte SHA-256 du PDF signé", max_length=64, blank=True, editable=False
    )
    beneficiary_scan = models.FileField(
        "exemplaire signé par le bénéficiaire (numérisé)",
        storage=get_private_storage,
        upload_to="conventions/beneficiaires/",
        blank=True,
        editable=False,
    )
    note = models.TextField("note interne", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    # What may still change once the authority has signed: the beneficiary's signature
    # (which may come second), the end of the agreement's life and the internal note.
    MUTABLE_WHEN_SIGNED = (
        "status",
        "emailed_on",
        "beneficiary_signed_on",
        "beneficiary_signatory_name",
        "beneficiary_signatory_title",
        "beneficiary_scan",
        "note",
    )

    class Meta:
        abstract = True

    @property
    def is_signed_by_authority(self) -> bool:
        return self.authority_signed_on is not None

    @property
    def is_signed_by_both(self) -> bool:
        return self.authority_signed_on is not None and self.beneficiary_signed_on is not None

    @property
    def is_frozen(self) -> bool:
        return self.status in SIGNED_STATUSES

    def frozen_changes(self) -> list[str]:
        """The fields changed against the stored row that a signed document forbids."""
        if self.pk is None:
            return []
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen:
            return []
        return [
            field.name
            for field in self._meta.concrete_fields
            if field.name not in self.MUTABLE_WHEN_SIGNED
            and field.value_from_object(self) != field.value_from_object(stored)
        ]

    def clean(self):
        changed = self.frozen_changes()
        if changed:
            names = ", ".join(str(self._meta.get_field(name).verbose_name) for name in changed)
            raise ValidationError(DOCUMENT_FROZEN.format(fields=names), code="frozen")

    def frozen_pdf_bytes(self) -> bytes:
        """The signed PDF exactly as kept; refuses a file that no longer matches its hash."""
        return files.read_stored(
            self.signed_pdf, what="Le PDF signé", sha256=self.signed_pdf_sha256
        )

    def stored_file_problems(self) -> list[str]:
        """Why a kept file (generated PDF, signed PDF, beneficiary's scan) cannot be trusted:
        missing, unreadable or altered on disk; [] when all are sound."""
        checks = (
            (self.generated_pdf, "Le PDF produit", self.generated_pdf_sha256),
            (self.signed_pdf, "Le PDF signé", self.signed_pdf_sha256),
            (self.beneficiary_scan, "L'exemplaire signé par le bénéficiaire", ""),
        )
        problems = [
            files.stored_problem(file, what=what, sha256=sha256) for file, what, sha256 in checks
        ]
        return [problem for problem in problems if problem]

    # Lifecycle (the checks with their reasons are in the services)

    @transition(
        field="status",
        source=AgreementStatus.DRAFT,
        target=AgreementStatus.READY,
        conditions=[subsidy_executory],
        custom={"label": "Prête pour signature"},
    )
    def make_ready(self):
        pass

    @transition(
        field="status",
        source=AgreementStatus.READY,
        target=AgreementStatus.SENT,
        permission=transition_permission("prepare_agreements"),
        custom={"label": "Envoyer pour signature"},
    )
    def send(self, *, sent_on: datetime.date):
        self.sent_on = sent_on

    @transition(
        field="status",
        source=[AgreementStatus.READY, AgreementStatus.SENT],
        target=AgreementStatus.SIGNED_BY_BENEFICIARY,
        permission=transition_permission("record_beneficiary_signature"),
        custom={"label": "Enregistrer la signature du bénéficiaire"},
    )
    def record_beneficiary_signature(self):
        pass

    @transition(
        field="status",
        source=[AgreementStatus.READY, AgreementStatus.SENT],
        target=AgreementStatus.SIGNED_BY_BENEFICIARY,
        permission=AccountOfBeneficiary(),
        custom={"label": "Signer en ligne pour l'association"},
    )
    def sign_online_by_beneficiary(self):
        """The association signs from its space (conventions.online_signing)."""

    @transition(
        field="status",
        source=[AgreementStatus.READY, AgreementStatus.SENT, AgreementStatus.SIGNED_BY_BENEFICIARY],
        target=AgreementStatus.IN_FORCE,
        permission=transition_permission("sign_agreement"),
        custom={"label": "Signer pour la collectivité"},
    )
    def sign(self):
        pass

    @transition(
        field="status",
        source=AgreementStatus.IN_FORCE,
        target=AgreementStatus.CLOSED,
        permission=transition_permission("prepare_agreements"),
        custom={"label": "Clore"},
    )
    def close(self):
        pass

    @transition(
        field="status",
        source=AgreementStatus.IN_FORCE,
        target=AgreementStatus.TERMINATED,
        permission=transition_permission("sign_agreement"),
        custom={"label": "Résilier"},
    )
    def terminate(self):
        pass


def signed_constraints(model: str) -> list[models.BaseConstraint]:
    """Each status with its date: sent on, signed by the beneficiary on, by the authority on
    (with the PDFs kept)."""
    return [
        models.CheckConstraint(
            condition=~Q(status__in=SIGNED_STATUSES)
            | (Q(authority_signed_on__isnull=False) & ~Q(signed_pdf_sha256="")),
            name=f"{model}_signed_keeps_pdf",
            violation_error_message=SIGNED_WITHOUT_PDF,
        ),
        models.CheckConstraint(
            condition=~Q(status=AgreementStatus.SENT) | Q(sent_on__isnull=False),
            name=f"{model}_sent_has_its_date",
            violation_error_message=SENT_WITHOUT_DATE,
        ),
        models.CheckConstraint(
            condition=~Q(status=AgreementStatus.SIGNED_BY_BENEFICIARY)
            | Q(beneficiary_signed_on__isnull=False),
            name=f"{model}_beneficiary_signed_has_its_date",
            violation_error_message=BENEFICIARY_SIGNED_WITHOUT_DATE,
        ),
    ]


class Agreement(SignedDocument):
    """The agreement (convention) between the authority and a subsidy's beneficiary."""

    number = models.CharField(
        "numéro", max_length=20, unique=True, editable=False, help_text="CONV-2021-0001."
    )
    subsidy = models.OneToOneField(
        Subsidy, verbose_name="subvention", on_delete=models.RESTRICT, related_name="agreement"
    )
    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="modèle (version)",
        on_delete=models.RESTRICT,
        related_name="agreements",
    )
    start_date = DateField("début de validité")
    end_date = DateField("fin de validité")

    transitions = GenericRelation(TransitionLog, related_query_name="agreement")

    history = HistoricalRecords()

    objects = SignedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-created_at", "-pk"]
        # The list's order (conventions.selectors.agreement_list), first and last pages;
        # with the file, so that a search (conventions.filters.agreements_matching)
        # checks each entry without reading the row.
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], include=["subsidy"], name="agreement_list_order"
            )
        ]
        constraints = [
            *signed_constraints("agreement"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="agreement_period_valid",
                violation_error_message=PERIOD_INVALID,
            ),
        ]

    def __str__(self):
        return f"Convention {self.number}"

    def get_absolute_url(self):
        return reverse("admin:conventions_agreement_change", args=[self.pk])

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": PERIOD_INVALID})
        super().clean()

    @property
    def current_end_date(self) -> datetime.date:
        """The end of validity, as extended or shortened by the last signed amendment."""
        changed = (
            self.amendments.signed_by_authority()
            .exclude(new_end_date=None)
            .order_by("-number")
            .values_list("new_end_date", flat=True)
            .first()
        )
        return changed or self.end_date


class Amendment(SignedDocument):
    """An amendment (avenant): a change after signature is never an edit (DESIGN.md §4.7)."""

    str_related = ("agreement",)

    agreement = models.ForeignKey(
        Agreement,
        verbose_name="convention",
        on_delete=models.RESTRICT,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField("numéro d'avenant", editable=False)
    reason = models.TextField("objet de l'avenant")
    amount_change = models.DecimalField(
        "variation du montant",
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="Positive pour un complément, négative pour une réduction ; 0 sinon.",
    )
    new_end_date = DateField("nouvelle fin de validité", null=True, blank=True)
    template = models.ForeignKey(
        AgreementTemplate,
        verbose_name="modèle d'avenant (version)",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="amendments",
        help_text="Vide pour un avenant préparé avant les modèles d'avenant (texte fixe).",
    )

    transitions = GenericRelation(TransitionLog, related_query_name="amendment")

    history = HistoricalRecords()

    objects = SignedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["agreement", "number"]
        constraints = [
            *signed_constraints("amendment"),
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="amendment_unique_number",
                violation_error_message="Cette convention a déjà un avenant de ce numéro.",
            ),
        ]

    def __str__(self):
        return f"Avenant n° {self.number} à la convention {self.agreement.number}"

    def get_absolute_url(self):
        return reverse("admin:conventions_amendment_change", args=[self.pk])

    def clean(self):
        if not self.amount_change and self.new_end_date is None:
            raise ValidationError(AMENDMENT_CHANGES_NOTHING, code="empty")
        super().clean()

    @property
    def subsidy(self) -> Subsidy:
        """The file the amended agreement belongs to."""
        return self.agreement.subsidy

    @property
    def reference(self) -> str:
        """« CONV-2021-0001-A1 »: how commands and file names designate it."""
        return f"{self.agreement.number}-A{self.number}"
