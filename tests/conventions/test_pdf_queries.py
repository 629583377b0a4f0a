"""The queries an agreement's PDF and a deliberation's PDF cost (issue 13): each read once,
in a fixed number of queries, whatever the document holds."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions import rendering
from conventions.models import Agreement
from deliberations import rendering as deliberation_rendering
from deliberations.enums import Body
from deliberations.models import Deliberation, Session
from subventions.enums import Role
from tests.conventions.agreements import agreement_for
from tests.subventions.factories import AuthorityFactory, BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(make_user):
    return make_user(Role.ASSEMBLY_SECRETARIAT)


# The main table of a query: its subqueries' tables have aliases (U0, U1 …).
MAIN_TABLE = re.compile(r'FROM "(\w+)"(?! U\d)')


def tables(function) -> list[str]:
    """The main table of each query of `function()`, in order."""
    with CaptureQueriesContext(connection) as captured:
        function()
    return [MAIN_TABLE.search(query["sql"])[1] for query in captured]


# The agreement's own rows: its subsidy (with the beneficiary, the template, the financial
# report's due date and whether it has co-funding), the payment schedule, the axes, the
# template's visas and articles.
AGREEMENT_ROWS = [
    "subventions_subsidy",
    "subventions_paymentinstalment",
    "subventions_actionaxis",
    "conventions_agreementvisa",
    "conventions_agreementarticle",
]


def test_an_agreement_pdf_reads_each_row_once(preparer):
    agreement = Agreement.objects.get(pk=agreement_for(preparer).pk)

    read = tables(lambda: rendering.build_agreement_pdf(agreement))

    # The granting deliberation (with its session), then the default authority: the
    # deliberation was voted outside a session.
    assert read == ["conventions_deliberation", "subventions_authority", *AGREEMENT_ROWS]


def test_the_authority_of_the_granting_session_comes_with_the_deliberation(preparer):
    authority = AuthorityFactory(is_default=False, name="Commune de Lille")
    session = Session.objects.create(
        body=Body.BUREAU, date=datetime.date(2021, 4, 2), time=datetime.time(9), authority=authority
    )
    agreement = agreement_for(preparer, session=session)
    agreement = Agreement.objects.get(pk=agreement.pk)

    read = tables(lambda: rendering.build_agreement_pdf(agreement))

    assert read == ["conventions_deliberation", *AGREEMENT_ROWS]


def test_a_deliberation_pdf_reads_the_default_authority_once(make_subsidy, make_deliberation):
    subsidies = [
        make_subsidy(
            beneficiary=BeneficiaryFactory(), cofundings=[(["le Département du Nord"], "100", {})]
        )
        for _ in range(3)
    ]
    deliberation = Deliberation.objects.get(pk=make_deliberation(subsidies, title="Soutien").pk)

    def build():
        html = deliberation_rendering.build_html(
            deliberation_rendering.deliberation_context(deliberation)
        )
        deliberation_rendering.build_pdf(deliberation, html)

    read = tables(build)

    # The context, the header and the body's name all name the session's authority (the
    # default one here): one query.
    assert read.count("subventions_authority") == 1
    assert len(read) == 9
