"""What a higher layer decides is written on the file, which the subsidies app reads
(never the other way round): the executory date of the act granting it (deliberations),
both parties' signature of its agreement and its signed amendments (conventions). Each
lifecycle leaves its steps in the one transition log; each status carries its date."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conventions import rendering, services, signatures
from conventions.enums import AgreementStatus, BatchJobStatus
from conventions.models import Agreement, BatchJob
from core.models import TransitionLog
from deliberations import services as deliberation_services
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation
from subventions.enums import Role, SubsidyStatus
from subventions.models import FinancialReport, Subsidy
from tests.conventions.agreements import BENEFICIARY_SIGNED_ON, agreement_for, scan

pytestmark = pytest.mark.django_db

SIGNED_ON = datetime.date(2021, 5, 3)


@pytest.fixture
def users(make_user):
    return {
        "secretariat": make_user(Role.ASSEMBLY_SECRETARIAT),
        "signatory": make_user(Role.SIGNATORY),
    }


def sign_both(document, signatory):
    """The paper original signed by the beneficiary, then by the authority."""
    return signatures.document_sign_paper(
        document=document,
        user=signatory,
        scan=scan(),
        signed_on=SIGNED_ON,
        beneficiary_signed_on=BENEFICIARY_SIGNED_ON,
    )


def actions(obj) -> list[tuple[str, str]]:
    return list(obj.transitions.values_list("action", "to_status"))


def test_the_executory_date_of_the_act_is_written_on_each_file_it_grants(
    make_subsidy, make_deliberation, secretariat
):
    first, second = make_subsidy(), make_subsidy(amount="5000")
    deliberation = make_deliberation([first, second], title="Deux subventions")
    deliberation_services.deliberation_adopt(
        deliberation=deliberation, user=secretariat, unanimous=True
    )
    assert Subsidy.objects.filter(executory_on__isnull=False).count() == 0
    deliberation_services.deliberation_set_executory(
        deliberation=deliberation,
        date=datetime.date(2021, 4, 9),
        user=secretariat,
        reason="Acte ancien",
    )
    for subsidy in (first, second):
        subsidy.refresh_from_db()
        assert subsidy.executory_on == datetime.date(2021, 4, 9)
        assert subsidy.history.first().history_user == secretariat
    assert actions(deliberation) == [("adopt", DeliberationStatus.ADOPTED)]


def test_both_signatures_are_written_on_the_file_which_becomes_conventionnee(users):
    agreement = agreement_for(users["secretariat"])
    subsidy = agreement.subsidy
    signatures.document_record_beneficiary_signature(
        document=agreement, user=users["secretariat"], signed_on=BENEFICIARY_SIGNED_ON
    )
    subsidy.refresh_from_db()
    assert (subsidy.agreement_signed_on, subsidy.status) == (None, SubsidyStatus.VOTED)
    signatures.document_sign_paper(
        document=agreement, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
    )
    subsidy.refresh_from_db()
    assert subsidy.agreement_signed_on == SIGNED_ON
    assert subsidy.status == SubsidyStatus.AGREEMENT_SIGNED
    assert actions(Agreement.objects.get(pk=agreement.pk)) == [
        ("record_beneficiary_signature", AgreementStatus.SIGNED_BY_BENEFICIARY),
        ("sign", AgreementStatus.IN_FORCE),
    ]
    assert actions(subsidy) == [("sign_agreement", SubsidyStatus.AGREEMENT_SIGNED)]


def test_a_signed_amendment_is_written_on_the_file_once(users):
    agreement = agreement_for(users["secretariat"])
    sign_both(agreement, users["signatory"])
    amendment = services.amendment_create(
        agreement=agreement, user=users["secretariat"], reason="Moins.", amount_change=-5000
    )
    subsidy = Subsidy.objects.get(pk=agreement.subsidy_id)
    assert subsidy.amount_amended == 0
    signatures.document_record_beneficiary_signature(
        document=amendment, user=users["secretariat"], signed_on=SIGNED_ON
    )
    subsidy.refresh_from_db()
    assert subsidy.amount_amended == 0  # not before the authority's signature
    signatures.document_sign_paper(
        document=amendment, user=users["signatory"], scan=scan(), signed_on=SIGNED_ON
    )
    subsidy.refresh_from_db()
    assert subsidy.amount_amended == Decimal("-5000")
    assert subsidy.granted_amount == Decimal("30000")
    assert Subsidy.objects.with_money().get(pk=subsidy.pk).current_amount == Decimal("30000")


def test_the_agreement_period_sets_when_the_report_is_due_and_its_text_says_so(users):
    """One due date: the agreement's last year decides it, the file's report carries it, the
    agreement's text prints it; an amendment that extends the period moves it."""
    agreement = agreement_for(users["secretariat"])
    agreement = services.agreement_update(
        agreement=agreement, user=users["secretariat"], end_date=datetime.date(2022, 8, 31)
    )
    report = FinancialReport.objects.get(subsidy=agreement.subsidy)
    assert report.due_date == datetime.date(2023, 6, 30)
    assert rendering.agreement_context(agreement)["report_due_date"] == report.due_date
    sign_both(agreement, users["signatory"])
    amendment = services.amendment_create(
        agreement=agreement,
        user=users["secretariat"],
        reason="Prolongation.",
        new_end_date=datetime.date(2023, 3, 31),
    )
    sign_both(amendment, users["signatory"])
    report.refresh_from_db()
    assert report.due_date == datetime.date(2024, 6, 30)


def test_the_database_refuses_a_file_amended_below_zero(users):
    subsidy = agreement_for(users["secretariat"]).subsidy
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=subsidy.pk).update(amount_amended=Decimal("-35000.01"))


@pytest.mark.parametrize(
    "change",
    [
        {"executory_on": datetime.date(2021, 4, 2)},
        {"agreement_signed_on": datetime.date(2021, 4, 2)},
    ],
)
def test_the_database_refuses_facts_on_a_file_not_voted(change):
    from tests.subventions.factories import SubsidyFactory

    subsidy = SubsidyFactory(under_review=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=subsidy.pk).update(**change)


def test_the_database_refuses_a_voted_file_without_its_amount():
    from tests.subventions.factories import SubsidyFactory

    subsidy = SubsidyFactory(voted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=subsidy.pk).update(amount_awarded=None)


@pytest.mark.parametrize(
    ("status", "missing"),
    [(AgreementStatus.SENT, "sent_on"), (AgreementStatus.SIGNED_BY_BENEFICIARY, "signed")],
)
def test_the_database_ties_an_agreements_status_to_its_date(users, status, missing):
    agreement = agreement_for(users["secretariat"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(status=status)


def test_the_database_ties_a_voted_deliberation_to_its_vote(make_subsidy, make_deliberation):
    deliberation = make_deliberation([make_subsidy()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=deliberation.pk).update(status=DeliberationStatus.ADOPTED)


def test_the_database_ties_a_finished_batch_job_to_its_end(make_subsidy, session, secretariat):
    job = BatchJob.objects.create(
        kind=BatchJob.KIND_SESSION_AGREEMENTS, session=session, created_by=secretariat
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchJob.objects.filter(pk=job.pk).update(status=BatchJobStatus.DONE)


def test_a_withdrawn_deliberation_is_logged(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    deliberation_services.deliberation_withdraw(deliberation=deliberation, user=secretariat)
    row = TransitionLog.objects.get(deliberation=deliberation)
    assert (row.action, row.to_status, row.user) == (
        "withdraw",
        DeliberationStatus.WITHDRAWN,
        secretariat,
    )
