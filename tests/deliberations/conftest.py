"""Fixtures of the deliberation tests: the APES case built with the factories."""

import datetime
import re
from decimal import Decimal

import pytest

from deliberations import rendering, services
from deliberations.enums import Body
from subventions.enums import Role
from tests.subventions.factories import (
    AuthorityFactory,
    BeneficiaryFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

FAKE_PDF = b"%PDF-1.7 test double\n"


@pytest.fixture(autouse=True)
def fast_pdf(request, monkeypatch):
    """Adoption renders a PDF; most tests do not look at it. Modules that do set REAL_PDF."""
    if not getattr(request.module, "REAL_PDF", False):
        monkeypatch.setattr(rendering, "build_pdf", lambda deliberation, body_html: FAKE_PDF)


def normalise(text: str) -> str:
    """Runs of spaces, no-break spaces and line breaks → one space; ’ → '."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


@pytest.fixture
def authority(db):
    return AuthorityFactory()


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.ASSEMBLY_SECRETARIAT)


@pytest.fixture
def head_of_service(make_user):
    return make_user(Role.HEAD_OF_SERVICE)


@pytest.fixture
def policy_area(db):
    return PolicyAreaFactory(label="DEVELOPPEMENT ECONOMIQUE ET EMPLOI")


@pytest.fixture
def apes(db):
    return BeneficiaryFactory(short_name="APES", name_with_article="l'APES")


@pytest.fixture
def session(secretariat):
    return services.session_create(
        user=secretariat, body=Body.BUREAU, date=datetime.date(2021, 4, 2), time=datetime.time(14)
    )


@pytest.fixture
def make_subsidy(authority, policy_area, apes):
    """make_subsidy(amount=…, previous=…) → a proposed 2021 file of the APES."""

    def make(amount="35000", previous=None, beneficiary=None, cofundings=(), **fields):
        beneficiary = beneficiary or apes
        if previous is not None:
            SubsidyFactory(
                voted=True,
                beneficiary=beneficiary,
                policy_area=policy_area,
                year=2020,
                amount_requested=Decimal(previous),
            )
        subsidy = SubsidyFactory(
            proposed=True,
            beneficiary=beneficiary,
            policy_area=policy_area,
            amount_requested=Decimal(amount),
            **fields,
        )
        for position, (partners, line_amount, extra) in enumerate(cofundings, start=1):
            CoFundingFactory(
                subsidy=subsidy,
                position=position,
                partners=[_partner(name) for name in partners],
                amount=Decimal(line_amount),
                **extra,
            )
        return subsidy

    return make


def _partner(name):
    from subventions.models import FundingPartner

    return FundingPartner.objects.filter(name_with_article=name).first() or FundingPartnerFactory(
        name_with_article=name
    )


@pytest.fixture
def make_deliberation(secretariat, session):
    """make_deliberation(subsidies) → a draft numbered on the Bureau of 2 April 2021."""

    def make(subsidies, placed=True, **fields):
        return services.deliberation_create(
            user=secretariat,
            subsidies=subsidies,
            session=session if placed else None,
            **fields,
        )

    return make


def text_of(deliberation) -> str:
    """The deliberation's plain text, normalised."""
    deliberation.refresh_from_db()
    return normalise(rendering.render_text(deliberation))
