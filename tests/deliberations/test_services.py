"""Sessions, numbering, vote and executory date: what the services allow and refuse."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import Counter
from deliberations import services
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import NUMBER_INVALID, NUMBER_TAKEN, Deliberation, DeliberationSubsidy
from subventions.enums import Role, SubsidyStatus
from tests.subventions.factories import SubsidyFactory

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> list[str]:
    return error.messages


# Numbering


def test_numbers_follow_per_year_and_body(make_subsidy, make_deliberation, secretariat):
    first = make_deliberation([make_subsidy()])
    second = make_deliberation([make_subsidy()])
    assert (first.number, second.number) == ("21 B 0001", "21 B 0002")
    council = services.session_create(
        user=secretariat, body=Body.COUNCIL, date=datetime.date(2021, 4, 12), time=datetime.time(18)
    )
    third = services.deliberation_create(
        user=secretariat, subsidies=[make_subsidy()], session=council
    )
    assert third.number == "21 C 0001"


def test_hand_entered_number_and_the_counter_skips_it(make_subsidy, make_deliberation, secretariat):
    historical = make_deliberation([make_subsidy()], number="21 B 0110")
    assert historical.number == "21 B 0110"
    assert Counter.objects.get(key="deliberation-2021-B").value == 110
    assert make_deliberation([make_subsidy()]).number == "21 B 0111"


def test_counter_skips_a_number_entered_above_it(make_subsidy, make_deliberation):
    make_deliberation([make_subsidy()], number="21 B 0002")
    # Someone lowered the counter: the next number still never collides.
    Counter.objects.filter(key="deliberation-2021-B").update(value=1)
    assert make_deliberation([make_subsidy()]).number == "21 B 0003"


@pytest.mark.parametrize("number", ["21B0110", "2021 B 0110", "21 X 0110", "21 B 110", "abc"])
def test_malformed_hand_number_is_refused(make_subsidy, make_deliberation, number):
    subsidy = make_subsidy()
    with pytest.raises(ValidationError) as refused:
        make_deliberation([subsidy], number=number)
    assert messages(refused.value) == [NUMBER_INVALID]
    assert not Deliberation.objects.exists()
    assert subsidy.deliberations.count() == 0


def test_duplicate_hand_number_is_refused(make_subsidy, make_deliberation):
    make_deliberation([make_subsidy()], number="21 B 0110")
    with pytest.raises(ValidationError) as refused:
        make_deliberation([make_subsidy()], number="21 B 0110")
    assert messages(refused.value) == [NUMBER_TAKEN.format(number="21 B 0110")]
    assert Deliberation.objects.count() == 1


def test_hand_number_must_match_the_session(make_subsidy, make_deliberation):
    with pytest.raises(ValidationError) as refused:
        make_deliberation([make_subsidy()], number="20 C 0110")
    assert "« 21 B »" in messages(refused.value)[0]
    assert not Deliberation.objects.exists()


def test_number_unique_in_the_database(make_subsidy, make_deliberation):
    from django.db import IntegrityError, transaction

    make_deliberation([make_subsidy()], number="21 B 0110")
    other = make_deliberation([make_subsidy()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=other.pk).update(number="21 B 0110")


# Creation


def test_each_subsidy_added_to_a_deliberation_is_in_the_history(
    make_subsidy, make_deliberation, secretariat
):
    first, second = make_subsidy(), make_subsidy()
    deliberation = make_deliberation([first], placed=False)
    services.deliberation_set_subsidies(
        deliberation=deliberation, subsidies=[second, first], user=secretariat
    )
    rows = DeliberationSubsidy.history.filter(deliberation_id=deliberation.pk).order_by(
        "history_id"
    )
    assert [(r.history_type, r.subsidy_id, r.position) for r in rows] == [
        ("+", first.pk, 1),  # created with the deliberation
        ("-", first.pk, 1),  # the list replaced...
        ("+", second.pk, 1),  # ...by the new order
        ("+", first.pk, 2),
    ]
    assert {r.history_user for r in rows} == {secretariat}


def test_free_sections_default_from_the_subsidy(make_subsidy, make_deliberation):
    subsidy = make_subsidy(context="Le contexte.", preamble="Le préambule.")
    deliberation = make_deliberation([subsidy])
    assert (deliberation.context, deliberation.preamble) == ("Le contexte.", "Le préambule.")
    assert deliberation.title == subsidy.title


def test_only_proposed_subsidies_enter_a_deliberation(make_deliberation, policy_area):
    subsidy = SubsidyFactory(under_review=True, policy_area=policy_area)
    with pytest.raises(ValidationError) as refused:
        make_deliberation([subsidy])
    assert "seule une subvention proposée" in messages(refused.value)[0]
    assert not Deliberation.objects.exists()


def test_a_subsidy_is_in_one_deliberation_at_a_time(make_subsidy, make_deliberation):
    subsidy = make_subsidy()
    make_deliberation([subsidy])
    with pytest.raises(ValidationError) as refused:
        make_deliberation([subsidy])
    assert "figure déjà dans la délibération 21 B 0001" in messages(refused.value)[0]


def test_sessions_and_numbers_are_for_the_secretariat(make_subsidy, head_of_service):
    with pytest.raises(ValidationError):
        services.session_create(
            user=head_of_service,
            body=Body.BUREAU,
            date=datetime.date(2021, 4, 2),
            time=datetime.time(14),
        )
    with pytest.raises(ValidationError):
        services.deliberation_create(user=head_of_service, subsidies=[make_subsidy()])


def test_head_of_service_edits_the_free_sections(make_subsidy, make_deliberation, make_user):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_update(
        deliberation=deliberation, user=make_user(Role.HEAD_OF_SERVICE), context="Nouveau."
    )
    deliberation.refresh_from_db()
    assert deliberation.context == "Nouveau."
    with pytest.raises(ValidationError):
        services.deliberation_update(
            deliberation=deliberation, user=make_user(Role.INSTRUCTOR), context="Non."
        )


# Vote


def test_adopting_votes_the_subsidies_and_freezes_the_act(
    make_subsidy, make_deliberation, secretariat
):
    subsidy = make_subsidy()
    deliberation = make_deliberation([subsidy])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    subsidy.refresh_from_db()
    assert deliberation.status == DeliberationStatus.ADOPTED
    assert subsidy.status == SubsidyStatus.VOTED
    assert subsidy.amount_awarded == Decimal("35000")
    assert subsidy.transitions.last().comment == "Délibération 21 B 0001"
    assert "ADOPTÉ À L'UNANIMITÉ" in deliberation.text
    assert "ADOPTÉ À L'UNANIMITÉ" in deliberation.html
    assert len(deliberation.pdf_sha256) == 64
    assert deliberation.voted_by == secretariat


def test_rejecting_rejects_the_subsidies(make_subsidy, make_deliberation, secretariat):
    subsidy = make_subsidy()
    deliberation = make_deliberation([subsidy])
    services.deliberation_reject(deliberation=deliberation, user=secretariat, unanimous=True)
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.REJECTED


@pytest.mark.parametrize(
    ("vote", "reason"),
    [
        ({}, services.VOTE_REQUIRED),
        ({"votes_against": 3}, services.VOTE_REQUIRED),
        ({"unanimous": True, "votes_for": 3}, services.VOTE_BOTH),
        (
            {"votes_for": 5, "votes_against": 5},
            services.NO_MAJORITY.format(votes_for=5, votes_against=5),
        ),
    ],
)
def test_adopting_without_a_valid_vote_is_refused(
    make_subsidy, make_deliberation, secretariat, vote, reason
):
    subsidy = make_subsidy()
    deliberation = make_deliberation([subsidy])
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(deliberation=deliberation, user=secretariat, **vote)
    assert messages(refused.value) == [reason]
    deliberation.refresh_from_db()
    subsidy.refresh_from_db()
    assert deliberation.status == DeliberationStatus.DRAFT
    assert subsidy.status == SubsidyStatus.PROPOSED
    assert not deliberation.pdf


def test_adopting_an_unplaced_draft_is_refused(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()], placed=False)
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    assert messages(refused.value) == [services.NOT_PLACED]


def test_only_the_secretariat_records_the_vote(make_subsidy, make_deliberation, head_of_service):
    deliberation = make_deliberation([make_subsidy()])
    with pytest.raises(ValidationError):
        services.deliberation_adopt(deliberation=deliberation, user=head_of_service, unanimous=True)


# Executory date


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    return services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)


def test_executory_date(adopted, secretariat):
    services.deliberation_set_executory(
        deliberation=adopted, date=datetime.date(2021, 4, 6), user=secretariat, reason="Acte ancien"
    )
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 6)


def test_executory_date_before_the_session_is_refused(adopted, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.deliberation_set_executory(
            deliberation=adopted,
            date=datetime.date(2021, 4, 1),
            user=secretariat,
            reason="Acte ancien",
        )
    assert messages(refused.value) == [
        services.EXECUTORY_BEFORE_SESSION.format(date="01/04/2021", session="vendredi 2 avril 2021")
    ]
    adopted.refresh_from_db()
    assert adopted.executory_date is None


def test_executory_date_is_set_once(adopted, secretariat):
    services.deliberation_set_executory(
        deliberation=adopted, date=datetime.date(2021, 4, 2), user=secretariat, reason="Acte ancien"
    )
    with pytest.raises(ValidationError):
        services.deliberation_set_executory(
            deliberation=adopted,
            date=datetime.date(2021, 4, 9),
            user=secretariat,
            reason="Acte ancien",
        )
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 2)


def test_a_draft_is_not_executory(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    with pytest.raises(ValidationError) as refused:
        services.deliberation_set_executory(
            deliberation=deliberation,
            date=datetime.date(2021, 4, 2),
            user=secretariat,
            reason="Acte ancien",
        )
    assert messages(refused.value) == [services.EXECUTORY_NOT_ADOPTED]
