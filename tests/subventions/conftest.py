"""Fixtures of the money tests: files granted by an executory deliberation, PDFs."""

import datetime
import functools
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions import payments
from subventions.enums import PaymentTerms, Role
from tests.subventions.factories import SubsidyFactory

EXECUTORY = datetime.date(2021, 4, 2)


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE)


@pytest.fixture
def grant(db):
    """grant(subsidy, executory=date or None) → the adopted deliberation granting it.

    Built as rows, not through the deliberation services (tests/conventions does those).
    """

    def make(subsidy, executory=EXECUTORY):
        deliberation = Deliberation.objects.create(
            policy_area=subsidy.policy_area, title=subsidy.title
        )
        DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
        # Adopted in one UPDATE: the freezing triggers act on rows already adopted.
        Deliberation.objects.filter(pk=deliberation.pk).update(
            status=DeliberationStatus.ADOPTED, executory_date=executory
        )
        return deliberation

    return make


@pytest.fixture
def payable(grant):
    """payable(amount=…, terms=…, **fields) → a voted file granted by a deliberation
    executory since 2 April 2021, with its default schedule and expected report.

    20 000 € by default: below the threshold, no agreement needed.
    """

    def make(amount="20000", terms=PaymentTerms.SINGLE, executory=EXECUTORY, **fields):
        fields.setdefault("voted", True)
        subsidy = SubsidyFactory(amount_requested=Decimal(amount), payment_terms=terms, **fields)
        grant(subsidy, executory)
        payments.schedule_create_default(subsidy=subsidy)
        payments.report_create(subsidy=subsidy)
        return subsidy

    return make


@functools.cache
def pdf_bytes() -> bytes:
    """A real one-page PDF (made once per run)."""
    from weasyprint import HTML

    return HTML(string="<h1>Compte rendu financier</h1><p>Cerfa 15059</p>").write_pdf()


@pytest.fixture
def pdf_file():
    return ContentFile(pdf_bytes(), name="compte-rendu.pdf")
