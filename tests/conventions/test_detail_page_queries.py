"""The detail pages read in a number of queries that does not grow with their rows
(issue 13): a file's page with 2 then 20 axes, co-funding lines, instalments, payments,
clawbacks, history rows, requests, messages, deliberations and amendments costs the
same, and that number is written here so that a new query on these pages shows."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import TransitionLog
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions.enums import ApplicationStatus, InformationRequestStatus, Role, SubsidyStatus
from subventions.models import Application, FileMessage, InformationRequest, Membership, Subsidy
from tests.conventions.factories import AgreementFactory, AmendmentFactory
from tests.subventions.factories import (
    ActionAxisFactory,
    AuthorityFactory,
    BeneficiaryFactory,
    ClawbackFactory,
    CoFundingFactory,
    FinancialReportFactory,
    FundingPartnerFactory,
    PaymentFactory,
    PaymentInstalmentFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db

# Queries of a file's page on SQLite, for every role: session, user, the request's
# savepoint and its release, roles, the file with its money, report and request, axes,
# co-funding lines with their partners (two), history, authority, requests, messages,
# other files, schedule, payments, clawbacks, the people named, deliberations,
# agreement, amendments, notification letter. It was 37 with 2 rows of each, 91 with 20.
# PostgreSQL reads the data's version once more (core.dataversion).
SUBSIDY_PAGE_QUERIES = 22


def queries(client, url: str, *, versioned: bool = False) -> int:
    """The page's queries; a page cached under the data version (`versioned`) reads the
    version too on PostgreSQL, not counted, so that the figure is the same on both."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured) - (versioned and connection.vendor == "postgresql")


def rich_file(n: int, make_user) -> Subsidy:
    """A voted file with `n` of each thing its page lists, each naming its own person."""
    people = [make_user(username=f"p{n}-{i}", first_name=f"Prénom{i}") for i in range(n)]
    subsidy = SubsidyFactory(voted=True, instructor=people[0])
    Application.objects.create(
        beneficiary=subsidy.beneficiary,
        year=subsidy.year,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
        subsidy=subsidy,
    )
    partners = FundingPartnerFactory.create_batch(2)
    FinancialReportFactory(subsidy=subsidy)
    kind = ContentType.objects.get_for_model(Subsidy)
    agreement = AgreementFactory(subsidy=subsidy, signed_by_both=True)
    for i in range(n):
        ActionAxisFactory(subsidy=subsidy, position=i + 1)
        CoFundingFactory(subsidy=subsidy, position=i + 1, amount=Decimal("10"), partners=partners)
        instalment = PaymentInstalmentFactory(
            subsidy=subsidy, position=i + 1, amount=Decimal("100")
        )
        PaymentFactory(subsidy=subsidy, instalment=instalment, amount=Decimal("10"))
        ClawbackFactory(subsidy=subsidy, amount=Decimal("1"))
        TransitionLog.objects.create(
            content_type=kind,
            object_id=subsidy.pk,
            action="review",
            from_status=SubsidyStatus.DRAFT,
            to_status=SubsidyStatus.UNDER_REVIEW,
            user=people[i],
        )
        asked = InformationRequest.objects.create(
            subsidy=subsidy,
            asked_by=people[i],
            subject=f"Pièce {i}",
            body="Merci de joindre le budget.",
            deadline=datetime.date(2031, 1, 1),
            status=InformationRequestStatus.OPEN,
        )
        FileMessage.objects.create(
            subsidy=subsidy, author=people[i], body=f"Message {i}", information_request=asked
        )
        deliberation = Deliberation.objects.create(
            policy_area=subsidy.policy_area, title=f"Délibération {i}"
        )
        DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
        AmendmentFactory(agreement=agreement)
    SubsidyFactory(beneficiary=subsidy.beneficiary, year=subsidy.year - 1)
    return subsidy


@pytest.mark.parametrize("role", [Role.READER, Role.INSTRUCTOR, Role.FINANCE])
def test_a_files_page_reads_in_constant_queries(client, make_user, role):
    AuthorityFactory()
    few, many = rich_file(2, make_user), rich_file(20, make_user)
    client.force_login(make_user(role))
    counts = [
        queries(client, reverse("subventions:subsidy_detail", args=[subsidy.pk]), versioned=True)
        for subsidy in (few, many)
    ]
    assert counts == [SUBSIDY_PAGE_QUERIES, SUBSIDY_PAGE_QUERIES]


def test_a_files_page_names_each_person_and_row(client, make_user):
    AuthorityFactory()
    subsidy = rich_file(20, make_user)
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert page.count("Prénom19") == 3  # history, request, message
    assert page.count("Délibération <a") == 20
    assert page.count("Avenant n° <a") == 20
    assert "Incomplet" in page


# The other detail pages, with 2 then 20 of what they list (on SQLite, the savepoint
# and its release included). A beneficiary's page read each account of its association
# apart: 11 queries with 2 accounts, 29 with 20.
BENEFICIARY_PAGE_QUERIES = 9
DELIBERATION_PAGE_QUERIES = 17
AGREEMENT_PAGE_QUERIES = 10


def test_a_beneficiarys_page_reads_in_constant_queries(client, make_user):
    counts = []
    for n in (2, 20):
        beneficiary = BeneficiaryFactory()
        for i in range(n):
            SubsidyFactory(beneficiary=beneficiary, year=2000 + i)
            Membership.objects.create(
                user=make_user(username=f"m{n}-{i}", email=f"m{n}-{i}@asso.example"),
                beneficiary=beneficiary,
                role_in_association="Trésorière",
            )
        client.force_login(make_user(Role.READER))
        counts.append(
            queries(client, reverse("subventions:beneficiary_detail", args=[beneficiary.pk]))
        )
    assert counts == [BENEFICIARY_PAGE_QUERIES, BENEFICIARY_PAGE_QUERIES]


def test_a_deliberations_page_reads_in_constant_queries(client, make_user):
    AuthorityFactory()
    partners = FundingPartnerFactory.create_batch(2)
    counts = []
    for n in (2, 20):
        area = PolicyAreaFactory()
        deliberation = Deliberation.objects.create(policy_area=area, title=f"Délibération {n}")
        for i in range(n):
            subsidy = SubsidyFactory(voted=True, policy_area=area)
            ActionAxisFactory(subsidy=subsidy, position=1)
            CoFundingFactory(subsidy=subsidy, partners=partners)
            DeliberationSubsidy.objects.create(
                deliberation=deliberation, subsidy=subsidy, position=i
            )
            AgreementFactory(subsidy=subsidy)
        client.force_login(make_user(Role.READER))
        counts.append(
            queries(client, reverse("deliberations:deliberation_detail", args=[deliberation.pk]))
        )
    assert counts == [DELIBERATION_PAGE_QUERIES, DELIBERATION_PAGE_QUERIES]


def test_an_agreements_page_reads_in_constant_queries(client, make_user):
    counts = []
    for n in (2, 20):
        agreement = AgreementFactory(signed_by_both=True)
        AmendmentFactory.create_batch(n, agreement=agreement)
        client.force_login(make_user(Role.READER))
        url = reverse("conventions:agreement_detail", args=["convention", agreement.pk])
        counts.append(queries(client, url))
    assert counts == [AGREEMENT_PAGE_QUERIES, AGREEMENT_PAGE_QUERIES]
