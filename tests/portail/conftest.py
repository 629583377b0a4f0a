"""Association accounts for the portal's tests."""

import pytest
from django.utils import timezone

from subventions.enums import MembershipStatus
from subventions.memberships import account_confirm_email, account_create
from subventions.models import Membership
from tests.subventions.factories import BeneficiaryFactory


@pytest.fixture
def make_account(db):
    """make_account(beneficiary) → an active association account confirmed for it."""

    def make(beneficiary=None, *, email=None, status=MembershipStatus.CONFIRMED):
        from django.contrib.auth import get_user_model

        count = get_user_model().objects.count()
        user = account_create(
            email=email or f"membre{count}@asso.example", password="pw", first_name="Camille"
        )
        account_confirm_email(user=user)
        if beneficiary is not None:
            Membership.objects.create(
                user=user,
                beneficiary=beneficiary,
                role_in_association="présidente",
                status=status,
                confirmed_at=timezone.now() if status == MembershipStatus.CONFIRMED else None,
            )
        return user

    return make


@pytest.fixture
def association(db):
    return BeneficiaryFactory()


@pytest.fixture
def account(make_account, association):
    return make_account(association)
