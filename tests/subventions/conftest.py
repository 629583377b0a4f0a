"""Fixtures of the money tests: files granted by an executory act, PDFs."""

import datetime
import functools
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from subventions import payments
from subventions.enums import PaymentTerms, Role
from subventions.models import Subsidy
from tests.subventions.factories import SubsidyFactory

EXECUTORY = datetime.date(2021, 4, 2)


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE)


@pytest.fixture
def grant(db):
    """grant(subsidy, executory=date or None) → the file, granted by an adopted act that
    became executory on `executory` (None: not yet).

    Written on the file as the deliberations app writes it (Subsidy.executory_on), as a
    row: the tests of deliberations exercise the act itself.
    """

    def make(subsidy, executory=EXECUTORY):
        Subsidy.objects.filter(pk=subsidy.pk).update(executory_on=executory)
        subsidy.refresh_from_db()
        return subsidy

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
