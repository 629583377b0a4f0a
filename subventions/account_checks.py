"""Whether an association account acts for a beneficiary (issue 16), for the services of
the lower layers that an association runs from its space (answers, messages, online
signature, financial report): read from the confirmed memberships (subventions.memberships)."""

from django.contrib.auth import get_user_model

from .enums import MembershipStatus
from .memberships import beneficiaries_for_account


def account_acts_for(user, beneficiary) -> bool:
    """A logged-in account with a confirmed membership of `beneficiary`."""
    if user is None or not user.is_authenticated or beneficiary is None:
        return False
    return beneficiaries_for_account(user).filter(pk=beneficiary.pk).exists()


def account_emails(beneficiary) -> list[str]:
    """The e-mail addresses of the accounts confirmed for `beneficiary`."""
    return list(
        get_user_model()
        .objects.filter(
            memberships__beneficiary=beneficiary,
            memberships__status=MembershipStatus.CONFIRMED,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
