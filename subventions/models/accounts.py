"""The people who act for a beneficiary in the association space (issue 16).

An association account is an ordinary `auth.User` without any staff role, with a
`PortalAccount` (its e-mail confirmed or not). It reaches a beneficiary's data only
through a confirmed `Membership`: invited by a clerk, or asked for and confirmed by one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..enums import MembershipStatus

DUPLICATE_MEMBERSHIP = "Ce compte est déjà rattaché à ce bénéficiaire, ou l'a déjà demandé."
CONFIRMED_WITHOUT_DATE = "Un rattachement confirmé porte sa date de confirmation."


class PortalAccount(models.Model):
    """What makes a user an association account: signed up on the portal (or invited)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    email_confirmed_at = models.DateTimeField("courriel confirmé le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "compte association"
        verbose_name_plural = "comptes association"

    def __str__(self):
        return self.user.email or self.user.get_username()

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Membership(models.Model):
    """A person acting for a beneficiary, with their role in the association."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    beneficiary = models.ForeignKey(
        "subventions.Beneficiary",
        verbose_name="bénéficiaire",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role_in_association = models.CharField(
        "qualité dans l'association",
        max_length=100,
        help_text="Par exemple « présidente », « trésorier », « salariée chargée du dossier ».",
    )
    is_representative = models.BooleanField("représentant légal", default=False)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="invité par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="confirmé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "rattachement à un bénéficiaire"
        verbose_name_plural = "rattachements à un bénéficiaire"
        ordering = ["beneficiary", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "beneficiary"],
                name="membership_unique",
                violation_error_message=DUPLICATE_MEMBERSHIP,
            ),
            models.CheckConstraint(
                condition=~Q(status=MembershipStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="membership_confirmed_has_date",
                violation_error_message=CONFIRMED_WITHOUT_DATE,
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.beneficiary} ({self.get_status_display().lower()})"
