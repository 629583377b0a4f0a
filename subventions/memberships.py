"""The people acting for a beneficiary in the association space: their accounts, their
links to beneficiaries (invited by a clerk, or asked for and confirmed by one), and what
an account may read.

Services follow the project's rule (keyword-only, atomic, validated, signed by the user
who acted); refusals are ValidationError with their French reason.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.services import assign, save_validated

from . import validators
from .enums import MembershipStatus
from .models import Beneficiary, Membership, PortalAccount, Subsidy
from .roles import allowed

EMAIL_TAKEN = (
    "Un compte existe déjà avec cette adresse : connectez-vous ou réinitialisez le mot de passe."
)
NOT_ALLOWED = "Seuls les instructeurs et chefs de service rattachent un compte à un bénéficiaire."
NOT_PENDING = (
    "Ce rattachement est « {status} » : seule une demande en attente se confirme ou se refuse."
)
REFUSAL_REASON_REQUIRED = "Indiquez le motif du refus : il est communiqué au demandeur."
IDENTIFIER_REQUIRED = "Indiquez le SIRET ou le numéro RNA de l'association."
BENEFICIARY_UNKNOWN = (
    "Aucune association connue ne porte ce SIRET ou ce numéro RNA : indiquez aussi son nom, "
    "le service l'enregistrera en confirmant votre demande."
)
ALREADY_LINKED = "Vous êtes déjà rattaché à cette association, ou votre demande est en attente."
STAFF_IS_NOT_ACCOUNT = "Ce compte est un compte d'agent : il ne peut agir pour une association."


# The signed link that confirms an account's e-mail (sign-up, invitation): three days.
CONFIRM_SALT = "portail.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def confirmation_token(user) -> str:
    return signing.dumps(user.pk, salt=CONFIRM_SALT)


def account_from_token(token: str):
    """The association account a confirmation token names, or None (expired, altered)."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk, portal_account__isnull=False).first()


def is_portal_account(user) -> bool:
    """An association account: signed up (or invited) on the portal, with no staff role."""
    return (
        user is not None
        and user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        and PortalAccount.objects.filter(user=user).exists()
    )


def beneficiaries_for_account(user) -> QuerySet[Beneficiary]:
    """The beneficiaries the account acts for: confirmed memberships only."""
    if user is None or not user.is_authenticated:
        return Beneficiary.objects.none()
    return Beneficiary.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.CONFIRMED
    ).distinct()


def subsidies_for_account(user) -> QuerySet[Subsidy]:
    """The subsidy files of the beneficiaries the account acts for."""
    return Subsidy.objects.filter(beneficiary__in=beneficiaries_for_account(user))


def find_beneficiary(*, siret: str = "", rna: str = "") -> Beneficiary | None:
    """The beneficiary carrying this SIRET or RNA, if one does."""
    siret = validators.compact_siret(siret or "")
    rna = (rna or "").strip().upper()
    query = Q()
    if siret:
        query |= Q(siret=siret)
    if rna:
        query |= Q(rna=rna)
    if not query:
        return None
    return Beneficiary.objects.filter(query).first()


@transaction.atomic
def account_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    active=False,
    username: str = "",
):
    """A new association account (a user without any role), its e-mail to confirm; its
    identifier is the address unless one is given (the demo's « apes »)."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = User(
        username=username or email.lower()[:150],
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=active,
        is_staff=False,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    save_validated(PortalAccount(user=user), user)
    return user


@transaction.atomic
def account_confirm_email(*, user) -> PortalAccount:
    """The e-mail is the account's: the account may now log in."""
    account = PortalAccount.objects.select_for_update().get(user=user)
    if account.email_confirmed_at is None:
        account.email_confirmed_at = timezone.now()
        save_validated(account, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return account


@transaction.atomic
def membership_request(
    *,
    user,
    role_in_association: str,
    siret: str = "",
    rna: str = "",
    legal_name: str = "",
    is_representative: bool = False,
) -> Membership:
    """An account asks to act for the association of this SIRET or RNA; a clerk confirms.

    An association not yet known is recorded with the name given (the clerk checks it
    when confirming).
    """
    if user.is_staff or user.is_superuser:
        raise ValidationError(STAFF_IS_NOT_ACCOUNT)
    if not (siret or rna):
        raise ValidationError({"siret": IDENTIFIER_REQUIRED})
    beneficiary = find_beneficiary(siret=siret, rna=rna)
    if beneficiary is None:
        if not legal_name.strip():
            raise ValidationError({"legal_name": BENEFICIARY_UNKNOWN})
        beneficiary = save_validated(
            Beneficiary(
                legal_name=legal_name.strip(),
                name_with_article=legal_name.strip(),
                siret=siret,
                rna=rna,
                notes="Enregistrée depuis l'espace association, à vérifier.",
            ),
            user,
        )
    if Membership.objects.filter(user=user, beneficiary=beneficiary).exists():
        raise ValidationError(ALREADY_LINKED)
    membership = Membership(
        user=user,
        beneficiary=beneficiary,
        role_in_association=role_in_association,
        is_representative=is_representative,
    )
    return save_validated(membership, user)


@transaction.atomic
def membership_invite(
    *,
    beneficiary: Beneficiary,
    email: str,
    role_in_association: str,
    invited_by,
    is_representative: bool = False,
) -> Membership:
    """A clerk invites a person to act for a beneficiary: the link is confirmed at once;
    the account is created (inactive, no password) when the address has none yet."""
    if not allowed(invited_by, "manage_memberships"):
        raise ValidationError(NOT_ALLOWED)
    User = get_user_model()
    user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    if user is None:
        user = account_create(email=email, password=None)
    elif user.is_staff or user.is_superuser:
        raise ValidationError({"email": STAFF_IS_NOT_ACCOUNT})
    else:
        PortalAccount.objects.get_or_create(user=user)
    membership = Membership.objects.filter(user=user, beneficiary=beneficiary).first()
    if membership is None:
        membership = Membership(user=user, beneficiary=beneficiary)
    assign(
        membership,
        {
            "role_in_association": role_in_association,
            "is_representative": is_representative,
            "invited_by": invited_by,
            "status": MembershipStatus.CONFIRMED,
            "confirmed_by": invited_by,
            "confirmed_at": timezone.now(),
            "refusal_reason": "",
        },
    )
    return save_validated(membership, invited_by)


def _pending(membership: Membership, user) -> Membership:
    if not allowed(user, "manage_memberships"):
        raise ValidationError(NOT_ALLOWED)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(NOT_PENDING.format(status=membership.get_status_display().lower()))
    return membership


@transaction.atomic
def membership_confirm(*, membership: Membership, user) -> Membership:
    """A clerk confirms that the person acts for the beneficiary."""
    membership = _pending(membership, user)
    assign(
        membership,
        {
            "status": MembershipStatus.CONFIRMED,
            "confirmed_by": user,
            "confirmed_at": timezone.now(),
        },
    )
    return save_validated(membership, user)


@transaction.atomic
def membership_refuse(*, membership: Membership, user, reason: str) -> Membership:
    """A clerk refuses the request, with the reason the person will read."""
    if not (reason or "").strip():
        raise ValidationError({"reason": REFUSAL_REASON_REQUIRED})
    membership = _pending(membership, user)
    assign(membership, {"status": MembershipStatus.REFUSED, "refusal_reason": reason.strip()})
    return save_validated(membership, user)
