"""« À faire »: each role sees the work its permissions give it, linked to the object,
counted by year, in a constant number of queries."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberations.enums import Body
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from pilotage import todo
from subventions import exchanges, memberships
from subventions.enums import (
    ApplicationStatus,
    InformationRequestStatus,
    InstalmentCondition,
    MembershipStatus,
    ReportStatus,
    Role,
    SubsidyStatus,
)
from subventions.models import (
    Application,
    FinancialReport,
    InformationRequest,
    Membership,
    ReportStatement,
    Subsidy,
)
from tests.conventions.factories import AgreementFactory
from tests.subventions.factories import (
    BeneficiaryFactory,
    FinancialReportFactory,
    PaymentFactory,
    PaymentInstalmentFactory,
    PolicyAreaFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def text(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def links(response) -> set[str]:
    return set(re.findall(r'<li><a href="([^"]+)"', response.content.decode()))


def subsidy_url(subsidy) -> str:
    return reverse("subventions:subsidy_detail", args=[subsidy.pk])


@pytest.fixture
def work():
    """One object waiting for each kind of work, all of the 2021 files."""
    policy_area = PolicyAreaFactory()
    session = Session.objects.create(
        body=Body.COUNCIL, date=TODAY + datetime.timedelta(days=20), time="18:00"
    )
    held = Session.objects.create(body=Body.BUREAU, date=datetime.date(2021, 4, 2), time="14:00")
    payable = SubsidyFactory(
        voted=True, amount_requested=Decimal("8000"), executory_on=datetime.date(2021, 4, 20)
    )
    return {
        "draft": SubsidyFactory(),
        "under_review": SubsidyFactory(under_review=True),
        "session": session,
        "vote": Deliberation.objects.create(
            session=held, policy_area=policy_area, title="Soutien aux associations sportives"
        ),
        "agreement": AgreementFactory(ready=True),
        "sent": AgreementFactory(status="envoyee", sent_on=datetime.date(2021, 4, 25)),
        "instalment": PaymentInstalmentFactory(subsidy=payable),
        "expected_report": FinancialReportFactory(),
        "received_report": FinancialReportFactory(received=True),
    }


ASSOCIATION_SPACE = ["reponses_associations", "rattachements_a_confirmer"]
EXPECTED_KINDS = {
    Role.INSTRUCTOR: ["a_instruire", *ASSOCIATION_SPACE, "comptes_rendus_attendus"],
    Role.HEAD_OF_SERVICE: [
        "a_instruire",
        *ASSOCIATION_SPACE,
        "a_proposer",
        "conventions_a_envoyer",
        "comptes_rendus_attendus",
    ],
    Role.ASSEMBLY_SECRETARIAT: [
        "a_inscrire",
        "seances_a_preparer",
        "votes_a_enregistrer",
        "conventions_a_envoyer",
    ],
    Role.FINANCE: ["versements_a_effectuer", "comptes_rendus_a_examiner"],
    Role.SIGNATORY: ["conventions_a_signer"],
    Role.READER: [],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_the_kinds_of_work_of_its_permissions(role_users, role):
    assert [kind.key for kind in todo.kinds_for(role_users[role])] == EXPECTED_KINDS[role]


def test_the_instructor_finds_their_files_and_reports_linked(client, make_user, work):
    instructor = make_user(Role.INSTRUCTOR)
    client.force_login(instructor)
    response = client.get(reverse("todo"), {"year": "2021"})
    assert response.status_code == 200
    assert links(response) == {
        subsidy_url(work["draft"]),
        subsidy_url(work["expected_report"].subsidy),
    }
    page = text(response)
    assert "Dossiers à instruire 1" in page
    assert f"{work['draft'].reference} — " in page
    assert "compte rendu en retard depuis le 30/06/2022" in page
    assert "Dossiers à proposer" not in page
    # What comes next and who does it.
    assert "puis le transmettre au Responsable de service" in page


def test_an_instructor_does_not_see_the_drafts_of_another(client, make_user, work):
    instructor = make_user(Role.INSTRUCTOR)
    other = make_user(Role.INSTRUCTOR)
    mine = SubsidyFactory(instructor=instructor)
    theirs = SubsidyFactory(instructor=other)
    client.force_login(instructor)
    found = links(client.get(reverse("todo"), {"year": "2021"}))
    assert subsidy_url(mine) in found
    assert subsidy_url(work["draft"]) in found  # given to nobody yet
    assert subsidy_url(theirs) not in found
    # The head of service sees them all.
    client.force_login(make_user(Role.HEAD_OF_SERVICE))
    found = links(client.get(reverse("todo"), {"year": "2021"}))
    assert {subsidy_url(mine), subsidy_url(theirs), subsidy_url(work["under_review"])} <= found


def test_each_role_sees_its_entries_and_links(client, make_user, work):
    expected = {
        Role.HEAD_OF_SERVICE: {
            subsidy_url(work["under_review"]),
            reverse("conventions:agreement_detail", args=["convention", work["agreement"].pk]),
        },
        Role.ASSEMBLY_SECRETARIAT: {
            reverse("deliberations:deliberation_detail", args=[work["vote"].pk]),
            reverse("conventions:agreement_detail", args=["convention", work["agreement"].pk]),
        },
        Role.FINANCE: {
            subsidy_url(work["instalment"].subsidy),
            subsidy_url(work["received_report"].subsidy),
        },
        Role.SIGNATORY: {
            reverse("conventions:agreement_detail", args=["convention", work["agreement"].pk]),
            reverse("conventions:agreement_detail", args=["convention", work["sent"].pk]),
        },
        Role.READER: set(),
    }
    for role, urls in expected.items():
        client.force_login(make_user(role))
        found = links(client.get(reverse("todo"), {"year": "2021"}))
        assert urls <= found, role
        if role == Role.READER:
            assert found == set()
    # The coming session is of this year's sessions, not of 2021.
    client.force_login(make_user(Role.ASSEMBLY_SECRETARIAT))
    year = work["session"].date.year
    response = client.get(reverse("todo"), {"year": year})
    assert reverse("deliberations:session_detail", args=[work["session"].pk]) in links(response)
    assert "0 délibération à l'ordre du jour" in text(response)


def test_a_paid_instalment_or_one_waiting_for_its_report_is_not_due(make_user, work):
    instalment = work["instalment"]
    PaymentFactory(subsidy=instalment.subsidy, instalment=instalment, amount=Decimal("8000"))
    report_first = PaymentInstalmentFactory(
        subsidy=SubsidyFactory(
            voted=True, amount_requested=Decimal("8000"), executory_on=datetime.date(2021, 4, 20)
        ),
        amount=Decimal("5000"),
        condition=InstalmentCondition.ON_FINANCIAL_REPORT,
    )
    not_executory = PaymentInstalmentFactory(amount=Decimal("5000"))
    due = todo.instalments_due(TODAY)
    assert instalment not in due
    assert report_first not in due
    assert not_executory not in due
    FinancialReportFactory(subsidy=report_first.subsidy, approved=True)
    assert list(todo.instalments_due(TODAY)) == [report_first]


def test_a_proposed_file_waits_for_the_secretariat_until_a_deliberation_carries_it(
    client, make_user
):
    proposed = SubsidyFactory(proposed=True)
    client.force_login(make_user(Role.ASSEMBLY_SECRETARIAT))
    response = client.get(reverse("todo"), {"year": "2021"})
    assert subsidy_url(proposed) in links(response)
    assert "Dossiers à inscrire à l'ordre du jour 1" in text(response)
    held = Session.objects.create(body=Body.BUREAU, date=datetime.date(2021, 4, 2), time="14:00")
    deliberation = Deliberation.objects.create(
        session=held, policy_area=proposed.policy_area, title="Soutien"
    )
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=proposed)
    assert subsidy_url(proposed) not in links(client.get(reverse("todo"), {"year": "2021"}))


def test_counts_by_year_and_the_year_chosen(client, make_user):
    head = make_user(Role.HEAD_OF_SERVICE)
    SubsidyFactory(year=2021, under_review=True)
    SubsidyFactory(year=2021, under_review=True)
    later = SubsidyFactory(year=2022, under_review=True)
    lists = {item.kind.key: item for item in todo.todo_lists(head, 2022, TODAY)}
    assert lists["a_proposer"].by_year == {2022: 1, 2021: 2}
    assert lists["a_proposer"].count == 1
    client.force_login(head)
    response = client.get(reverse("todo"), {"year": "2022"})
    assert links(response) == {subsidy_url(later)}
    page = text(response)
    assert "Par exercice : 2022 : 1 · 2021 : 2" in page
    assert 'href="?year=2021#a_proposer"' in response.content.decode()


def test_the_dashboard_shows_the_counts_of_its_year(client, make_user):
    head = make_user(Role.HEAD_OF_SERVICE)
    SubsidyFactory(year=2021, under_review=True)
    SubsidyFactory(year=2022, under_review=True)
    SubsidyFactory(year=2022, under_review=True)
    client.force_login(head)
    page = client.get(reverse("dashboard"), {"year": "2021"}).content.decode()
    assert re.search(
        r'href="/a-faire/\?year=2021#a_proposer" aria-label="Dossiers à proposer\xa0: 1">1</a>',
        html.unescape(page),
    )


def test_a_reader_is_told_there_is_nothing_for_them(client, make_user):
    client.force_login(make_user(Role.READER))
    assert "aucune tâche : vous consultez" in text(client.get(reverse("todo")))


def test_the_page_requires_a_login(client):
    response = client.get(reverse("todo"))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def bulk_files(count: int, **fields) -> None:
    """`count` files in one INSERT (the factories would save them one by one)."""
    model = SubsidyFactory.build(**fields)
    model.beneficiary.save()
    model.policy_area.save()
    offset = Subsidy.objects.count()
    rows = []
    for n in range(count):
        row = SubsidyFactory.build(
            beneficiary=model.beneficiary, policy_area=model.policy_area, **fields
        )
        row.reference = f"SUB-BULK-{offset + n:06d}"
        rows.append(row)
    Subsidy.objects.bulk_create(rows)


def test_query_count_is_constant(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("chef", password="pw")
    client.force_login(superuser)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("todo"), {"year": "2021"}).status_code == 200
        return len(captured)

    bulk_files(5, status=SubsidyStatus.DRAFT)
    bulk_files(5, status=SubsidyStatus.UNDER_REVIEW)
    bulk_association_work(5, superuser)
    few = queries()
    bulk_files(500, status=SubsidyStatus.DRAFT)
    bulk_files(500, status=SubsidyStatus.UNDER_REVIEW)
    bulk_association_work(500, superuser)
    assert queries() == few


def bulk_association_work(count: int, staff) -> None:
    """`count` of each kind of the association space's work: drafts submitted online,
    answers to read, accounts to confirm, reports typed online (a few INSERTs)."""
    bulk_files(count, status=SubsidyStatus.DRAFT)
    files = list(Subsidy.objects.order_by("-pk")[:count])
    beneficiary = files[0].beneficiary
    now = timezone.now()
    Application.objects.bulk_create(
        Application(
            beneficiary=beneficiary,
            year=2021,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            subsidy=subsidy,
        )
        for subsidy in files
    )
    InformationRequest.objects.bulk_create(
        InformationRequest(
            subsidy=subsidy,
            asked_by=staff,
            subject="Statuts",
            body="Vos statuts à jour.",
            deadline=TODAY,
            status=InformationRequestStatus.ANSWERED,
            answered_at=now,
        )
        for subsidy in files
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"compte-{count}-{n}", email=f"compte{n}@asso.example")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, beneficiary=beneficiary, role_in_association="trésorier")
        for user in users
    )
    reports = FinancialReport.objects.bulk_create(
        FinancialReport(
            subsidy=subsidy,
            due_date=datetime.date(2022, 6, 30),
            status=ReportStatus.RECEIVED,
            received_on=datetime.date(2022, 5, 2),
        )
        for subsidy in files
    )
    ReportStatement.objects.bulk_create(
        ReportStatement(report=report, attested=True, updated_by=staff, submitted_at=now)
        for report in reports
    )


def test_the_demo_users_each_find_their_work_and_its_links_open(client, demo):
    from django.contrib.auth import get_user_model

    from pilotage.demo import DEMO_USERS

    seen = {}
    for username, _first, _last, role in DEMO_USERS:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        response = client.get(reverse("todo"), {"year": "2021"})
        assert response.status_code == 200, username
        found = links(response)
        for url in found:
            assert client.get(url).status_code == 200, (username, url)
        seen[role] = found
    assert seen[Role.READER] == set()
    # The administrator (a superuser) holds every role: all of it.
    assert set().union(*seen.values()) == seen[None]


# The association space's work (issue 16)


@pytest.fixture
def make_account():
    """make_account(beneficiary) → an association account (confirmed for it if given)."""

    def make(beneficiary=None, *, email=None):
        user = memberships.account_create(
            email=email or f"membre{Membership.objects.count()}@asso.example", password="pw"
        )
        memberships.account_confirm_email(user=user)
        if beneficiary is not None:
            Membership.objects.create(
                user=user,
                beneficiary=beneficiary,
                role_in_association="présidente",
                status=MembershipStatus.CONFIRMED,
                confirmed_at=timezone.now(),
            )
        return user

    return make


def entries_of(lists, key) -> list:
    return next(item for item in lists if item.kind.key == key).entries


def test_a_request_submitted_online_is_a_file_to_instruct_that_says_so(make_user):
    instructor = make_user(Role.INSTRUCTOR)
    on_paper = SubsidyFactory()
    online = SubsidyFactory(purpose="Jardins partagés")
    Application.objects.create(
        beneficiary=online.beneficiary,
        year=online.year,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=datetime.datetime(2021, 1, 15, 10, tzinfo=datetime.UTC),
        subsidy=online,
    )
    entries = entries_of(todo.todo_lists(instructor, 2021, TODAY), "a_instruire")
    texts = {entry.url: entry.text for entry in entries}
    assert texts[subsidy_url(online)].endswith("Jardins partagés (demande en ligne du 15/01/2021)")
    assert "en ligne" not in texts[subsidy_url(on_paper)]


def answered(subsidy, instructor, account, subject="Statuts à jour") -> InformationRequest:
    request = exchanges.information_request_create(
        subsidy=subsidy,
        user=instructor,
        subject=subject,
        body="Merci de nous transmettre vos statuts à jour.",
        deadline=TODAY + datetime.timedelta(days=15),
    )
    exchanges.information_request_answer(
        information_request=request, user=account, body="Les voici."
    )
    return request


def test_an_answer_of_an_association_waits_for_its_instructor_until_read(
    client, make_user, make_account
):
    """Answered in the association space, the request is in the « À faire » of the file's
    instructor (and of the head of service), linked to the exchanges of the file, until the
    instructor, having read it, closes it there."""
    instructor = make_user(Role.INSTRUCTOR, first_name="Inès")
    colleague = make_user(Role.INSTRUCTOR)
    subsidy = SubsidyFactory(instructor=instructor)
    account = make_account(subsidy.beneficiary)
    request = answered(subsidy, instructor, account)
    client.force_login(instructor)
    response = client.get(reverse("todo"), {"year": "2021"})
    answer_url = f"{subsidy_url(subsidy)}#titre-echanges"
    assert answer_url in links(response)
    page = text(response)
    assert "Réponses des associations à lire 1" in page
    assert f"{subsidy.reference} — " in page
    assert f"réponse à « Statuts à jour » reçue le {TODAY:%d/%m/%Y}" in page
    # Another instructor's files are not theirs; the head of service sees every answer.
    assert not entries_of(todo.todo_lists(colleague, 2021, TODAY), "reponses_associations")
    head = make_user(Role.HEAD_OF_SERVICE)
    assert entries_of(todo.todo_lists(head, 2021, TODAY), "reponses_associations")
    # The file shows the answer and the button that closes the request once read.
    detail = client.get(subsidy_url(subsidy)).content.decode()
    assert "Les voici." in detail
    assert "Réponse lue : clore la demande" in detail
    response = client.post(reverse("subventions:information_request_close", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == InformationRequestStatus.CLOSED
    assert answer_url not in links(client.get(reverse("todo"), {"year": "2021"}))
    # Closed once: a second time is refused with its reason, nothing changes.
    with pytest.raises(ValidationError, match="déjà close"):
        exchanges.information_request_close(information_request=request, user=instructor)


def test_an_account_asking_to_act_for_an_association_waits_for_a_clerk(
    client, make_user, make_account
):
    association = BeneficiaryFactory(short_name="AJP", rna="W595012345")
    account = make_account(email="camille@asso.example")
    account.first_name, account.last_name = "Camille", "Durand"
    account.save()
    membership = memberships.membership_request(
        user=account, rna="W595012345", role_in_association="trésorière"
    )
    year = membership.requested_at.year
    clerk = make_user(Role.INSTRUCTOR)
    client.force_login(clerk)
    response = client.get(reverse("todo"), {"year": year})
    url = f"{reverse('subventions:membership_list')}#rattachement-{membership.pk}"
    assert url in links(response)
    page = text(response)
    assert "Comptes association à confirmer 1" in page
    assert "Camille Durand (camille@asso.example) pour AJP, trésorière" in page
    # The link opens the list where the clerk confirms, on that person's row.
    listing = client.get(reverse("subventions:membership_list")).content.decode()
    assert f'id="rattachement-{membership.pk}"' in listing
    client.post(reverse("subventions:membership_confirm", args=[membership.pk]))
    assert url not in links(client.get(reverse("todo"), {"year": year}))
    assert association.memberships.get().status == MembershipStatus.CONFIRMED


def test_a_report_typed_online_is_reviewed_side_by_side(make_user):
    finance = make_user(Role.FINANCE)
    on_paper = FinancialReportFactory(received=True)
    online = FinancialReportFactory(received=True)
    ReportStatement.objects.create(
        report=online,
        attested=True,
        updated_by=finance,
        submitted_at=datetime.datetime(2022, 5, 2, 10, tzinfo=datetime.UTC),
    )
    entries = entries_of(todo.todo_lists(finance, 2021, TODAY), "comptes_rendus_a_examiner")
    texts = {entry.url: entry.text for entry in entries}
    review = reverse("subventions:financial_report_review", args=[online.pk])
    assert texts[review].endswith("reçu en ligne le 15/03/2022")
    assert "en ligne" not in texts[subsidy_url(on_paper.subsidy)]
