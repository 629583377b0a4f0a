"""Lifecycle of a subsidy (DESIGN.md §3): who may do what, when, and the log it leaves."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from core.models import TransitionLog
from subventions import services
from subventions.enums import Role, SubsidyStatus
from subventions.models import Subsidy, conditions
from tests.conventions.factories import AgreementFactory
from tests.subventions.factories import (
    BeneficiaryFactory,
    BudgetLineFactory,
    FinancialReportFactory,
    PaymentFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db

S = SubsidyStatus

# The specification, written out rather than read from the code: (label, sources, target,
# roles allowed).
SPEC = {
    "submit": (
        "Mettre en instruction",
        [S.DRAFT],
        S.UNDER_REVIEW,
        {Role.INSTRUCTOR, Role.HEAD_OF_SERVICE},
    ),
    "send_back": ("Renvoyer en brouillon", [S.UNDER_REVIEW], S.DRAFT, {Role.HEAD_OF_SERVICE}),
    "propose": ("Proposer au vote", [S.UNDER_REVIEW], S.PROPOSED, {Role.HEAD_OF_SERVICE}),
    "unschedule": (
        "Retirer de l'ordre du jour",
        [S.PROPOSED],
        S.UNDER_REVIEW,
        {Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT},
    ),
    "vote": ("Enregistrer le vote favorable", [S.PROPOSED], S.VOTED, {Role.ASSEMBLY_SECRETARIAT}),
    "reject": ("Enregistrer le rejet", [S.PROPOSED], S.REJECTED, {Role.ASSEMBLY_SECRETARIAT}),
    "sign_agreement": (
        "Enregistrer la signature de la convention",
        [S.VOTED],
        S.AGREEMENT_SIGNED,
        {Role.SIGNATORY},
    ),
    "mark_paid": (
        "Constater le versement intégral",
        [S.VOTED, S.AGREEMENT_SIGNED],
        S.PAID,
        {Role.FINANCE},
    ),
    "close": ("Solder le dossier", [S.PAID], S.CLOSED, {Role.FINANCE}),
    "withdraw": (
        "Abandonner le dossier",
        [S.DRAFT, S.UNDER_REVIEW, S.PROPOSED],
        S.WITHDRAWN,
        {Role.INSTRUCTOR, Role.HEAD_OF_SERVICE},
    ),
}

TRAIT_OF_STATUS = {
    S.DRAFT: None,
    S.UNDER_REVIEW: "under_review",
    S.PROPOSED: "proposed",
    S.VOTED: "voted",
    S.REJECTED: "rejected",
    S.AGREEMENT_SIGNED: "agreement_signed",
    S.PAID: "paid",
    S.CLOSED: "closed",
    S.WITHDRAWN: "withdrawn",
}


def subsidy_in(status: str, **fields) -> Subsidy:
    trait = TRAIT_OF_STATUS[status]
    return SubsidyFactory(**({trait: True} if trait else {}), **fields)


def ready_for(action: str) -> Subsidy:
    """A subsidy meeting every condition of `action`, in its first source status."""
    if action == "propose":
        return subsidy_in(
            S.UNDER_REVIEW,
            amount_proposed=Decimal("35000"),
            budget_line=BudgetLineFactory(year=2021),
        )
    if action in ("sign_agreement", "mark_paid"):
        # Above 23 000 €: both need the agreement signed by both parties.
        subsidy = subsidy_in(S.VOTED if action == "sign_agreement" else S.AGREEMENT_SIGNED)
        AgreementFactory(subsidy=subsidy, signed_by_both=True)
        if action == "mark_paid":
            PaymentFactory(subsidy=subsidy, amount=subsidy.amount_awarded)
        return subsidy
    if action == "close":
        subsidy = subsidy_in(S.PAID)
        PaymentFactory(subsidy=subsidy, amount=subsidy.amount_awarded)
        FinancialReportFactory(subsidy=subsidy, approved=True)
        return subsidy
    return subsidy_in(SPEC[action][1][0])


def refused(subsidy: Subsidy, action: str, user) -> str:
    """Run a transition expected to be refused; check nothing changed; return the reason."""
    status = Subsidy.objects.get(pk=subsidy.pk).status
    history = subsidy.history.count()
    with pytest.raises(services.TransitionRefused) as caught:
        services.subsidy_transition(subsidy=subsidy, action=action, user=user)
    assert Subsidy.objects.get(pk=subsidy.pk).status == status
    assert subsidy.history.count() == history
    assert not TransitionLog.objects.filter(subsidy=subsidy).exists()
    [reason] = caught.value.messages
    return reason


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password="pw")


def test_specification_covers_every_transition():
    assert set(SPEC) == set(services.TRANSITIONS)


@pytest.mark.parametrize("action", services.TRANSITIONS)
def test_transition_labels_in_french(action):
    assert services.transition_label(action) == SPEC[action][0]


ROLE_CASES = [(action, role) for action in services.TRANSITIONS for role in Role]


@pytest.mark.parametrize(("action", "role"), ROLE_CASES)
def test_transition_allowed_only_for_its_roles(make_user, action, role):
    label, sources, target, allowed = SPEC[action]
    subsidy = ready_for(action)
    user = make_user(role)
    if role in allowed:
        services.subsidy_transition(subsidy=subsidy, action=action, user=user)
        assert Subsidy.objects.get(pk=subsidy.pk).status == target
        assert subsidy.status == target
    else:
        reason = refused(subsidy, action, user)
        assert reason.startswith(f"Action « {label} » réservée au rôle : ")
        assert all(f"« {name} »" in reason for name in allowed)
        assert f"« {role} »" not in reason


@pytest.mark.parametrize("action", services.TRANSITIONS)
def test_successful_transition_logged_once(make_user, action):
    label, sources, target, allowed = SPEC[action]
    subsidy = ready_for(action)
    user = make_user(*allowed)
    start, history = subsidy.status, subsidy.history.count()

    services.subsidy_transition(subsidy=subsidy, action=action, user=user, comment="Vu en réunion")

    log = TransitionLog.objects.get(subsidy=subsidy)
    assert (log.action, log.from_status, log.to_status) == (action, start, target)
    assert start in sources
    assert (log.user, log.comment) == (user, "Vu en réunion")
    assert log.at is not None
    assert subsidy.history.count() == history + 1
    latest = subsidy.history.latest()
    assert (latest.status, latest.history_user) == (target, user)


@pytest.mark.parametrize("action", services.TRANSITIONS)
def test_superuser_may_run_every_transition(superuser, action):
    subsidy = ready_for(action)
    services.subsidy_transition(subsidy=subsidy, action=action, user=superuser)
    assert Subsidy.objects.get(pk=subsidy.pk).status == SPEC[action][2]


WRONG_STATE_CASES = [
    (action, status)
    for action in services.TRANSITIONS
    for status in S
    if status not in SPEC[action][1]
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE_CASES)
def test_transition_refused_in_wrong_state(superuser, action, status):
    subsidy = subsidy_in(status)
    reason = refused(subsidy, action, superuser)
    assert reason == services.TRANSITION_WRONG_STATE.format(
        label=SPEC[action][0], status=S(status).label
    )
    assert f"« {S(status).label} »" in reason


CONDITION_CASES = {
    "submit_without_amount": (
        "submit",
        {"amount_requested": Decimal("0")},
        [conditions.has_requested_amount],
    ),
    "submit_without_object": ("submit", {"purpose": "   "}, [conditions.has_object]),
    "submit_unidentified_beneficiary": (
        "submit",
        {"beneficiary": lambda: BeneficiaryFactory(siret="", rna="")},
        [conditions.beneficiary_identified],
    ),
    "propose_without_amount_proposed": (
        "propose",
        {"status": S.UNDER_REVIEW, "budget_line": lambda: BudgetLineFactory(year=2021)},
        [conditions.has_proposed_amount],
    ),
    "propose_without_budget_line": (
        "propose",
        {"status": S.UNDER_REVIEW, "amount_proposed": Decimal("35000")},
        [conditions.has_budget_line],
    ),
    "propose_without_either": (
        "propose",
        {"status": S.UNDER_REVIEW},
        [conditions.has_proposed_amount, conditions.has_budget_line],
    ),
    "mark_paid_above_threshold_unsigned": (
        "mark_paid",
        {"status": S.VOTED, "amount_awarded": Decimal("35000")},
        [conditions.agreement_not_required_or_signed, conditions.paid_in_full],
    ),
    "mark_paid_with_nothing_paid": (
        "mark_paid",
        {
            "status": S.VOTED,
            "amount_requested": Decimal("20000"),
            "amount_awarded": Decimal("20000"),
        },
        [conditions.paid_in_full],
    ),
    "close_with_the_report_expected": (
        "close",
        {"status": S.PAID, "amount_awarded": Decimal("35000")},
        [conditions.report_settled],
    ),
}


@pytest.mark.parametrize("case", CONDITION_CASES)
def test_transition_refused_when_condition_fails(superuser, case):
    action, fields, conditions = CONDITION_CASES[case]
    fields = {name: value() if callable(value) else value for name, value in fields.items()}
    subsidy = SubsidyFactory(**{"amount_requested": Decimal("35000"), **fields})
    reason = refused(subsidy, action, superuser)
    expected = " ".join(condition.message for condition in conditions)
    assert reason == f"Action « {SPEC[action][0]} » impossible : {expected}"


def test_submit_accepted_with_rna_only(make_user):
    subsidy = SubsidyFactory(beneficiary=BeneficiaryFactory(siret="", rna="W595012345"))
    services.subsidy_transition(subsidy=subsidy, action="submit", user=make_user(Role.INSTRUCTOR))
    assert subsidy.status == S.UNDER_REVIEW


def test_mark_paid_directly_after_vote_up_to_23000_euros(make_user):
    subsidy = subsidy_in(S.VOTED, amount_requested=Decimal("23000"))
    PaymentFactory(subsidy=subsidy, amount=Decimal("23000"))
    services.subsidy_transition(subsidy=subsidy, action="mark_paid", user=make_user(Role.FINANCE))
    log = TransitionLog.objects.get(subsidy=subsidy)
    assert (log.from_status, log.to_status) == (S.VOTED, S.PAID)


def test_vote_awards_the_proposed_amount(make_user):
    subsidy = subsidy_in(S.PROPOSED, amount_requested=Decimal("40000"))
    Subsidy.objects.filter(pk=subsidy.pk).update(amount_proposed=Decimal("35000"))
    services.subsidy_transition(
        subsidy=subsidy, action="vote", user=make_user(Role.ASSEMBLY_SECRETARIAT)
    )
    assert Subsidy.objects.get(pk=subsidy.pk).amount_awarded == Decimal("35000")


def test_vote_keeps_an_amount_awarded_already_entered(make_user):
    subsidy = subsidy_in(S.PROPOSED, amount_awarded=Decimal("30000"))
    services.subsidy_transition(
        subsidy=subsidy, action="vote", user=make_user(Role.ASSEMBLY_SECRETARIAT)
    )
    assert Subsidy.objects.get(pk=subsidy.pk).amount_awarded == Decimal("30000")


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_user_refused(user):
    reason = refused(ready_for("submit"), "submit", user)
    assert reason == services.TRANSITION_NOT_LOGGED_IN


def test_unknown_action_refused(superuser):
    reason = refused(ready_for("submit"), "delete", superuser)
    assert reason == services.TRANSITION_UNKNOWN.format(action="delete")


def test_successive_transitions_logged_in_order(make_user):
    instructor, head = make_user(Role.INSTRUCTOR), make_user(Role.HEAD_OF_SERVICE)
    subsidy = SubsidyFactory()
    services.subsidy_submit(subsidy=subsidy, user=instructor)
    services.subsidy_transition(subsidy=subsidy, action="send_back", user=head, comment="Incomplet")
    services.subsidy_submit(subsidy=subsidy, user=instructor)
    services.subsidy_withdraw(subsidy=subsidy, user=head)
    logs = subsidy.transitions.values_list("action", "from_status", "to_status", "user__username")
    assert list(logs) == [
        ("submit", S.DRAFT, S.UNDER_REVIEW, instructor.username),
        ("send_back", S.UNDER_REVIEW, S.DRAFT, head.username),
        ("submit", S.DRAFT, S.UNDER_REVIEW, instructor.username),
        ("withdraw", S.UNDER_REVIEW, S.WITHDRAWN, head.username),
    ]
    assert subsidy.history.count() == 5


def test_available_transitions_of_draft_for_instructor(make_user):
    subsidy = SubsidyFactory()
    assert services.available_transitions(subsidy, make_user(Role.INSTRUCTOR)) == [
        ("submit", "Mettre en instruction", None),
        ("withdraw", "Abandonner le dossier", None),
    ]


def test_available_transitions_give_reasons_for_reader(make_user):
    subsidy = SubsidyFactory()
    offered = services.available_transitions(subsidy, make_user(Role.READER))
    assert [action for action, _, _ in offered] == ["submit", "withdraw"]
    for action, label, reason in offered:
        assert reason == services.transition_refusal(subsidy, action, make_user(Role.READER))
        assert reason.startswith(f"Action « {label} » réservée au rôle : ")
        assert "« Instructeur »" in reason


def test_available_transitions_of_proposed_file_for_secretariat(make_user):
    subsidy = subsidy_in(S.PROPOSED)
    offered = services.available_transitions(subsidy, make_user(Role.ASSEMBLY_SECRETARIAT))
    assert [(action, reason is None) for action, _, reason in offered] == [
        ("unschedule", True),
        ("vote", True),
        ("reject", True),
        ("withdraw", False),
    ]


def test_available_transitions_give_failed_condition(make_user):
    subsidy = subsidy_in(S.VOTED, amount_requested=Decimal("35000"))
    offered = {
        action: reason
        for action, _, reason in services.available_transitions(subsidy, make_user(Role.FINANCE))
    }
    assert set(offered) == {"sign_agreement", "mark_paid"}
    assert "« Signataire »" in offered["sign_agreement"]
    assert offered["mark_paid"] == (
        "Action « Constater le versement intégral » impossible : "
        + conditions.agreement_not_required_or_signed.message
        + " "
        + conditions.paid_in_full.message
    )


@pytest.mark.parametrize("status", [S.CLOSED, S.REJECTED, S.WITHDRAWN])
def test_no_transition_out_of_final_states(superuser, status):
    assert services.available_transitions(subsidy_in(status), superuser) == []


@pytest.mark.parametrize(
    "agreement", [None, {"in_force": True}], ids=["no agreement", "beneficiary not signed"]
)
def test_sign_agreement_refused_until_the_agreement_bears_both_signatures(make_user, agreement):
    subsidy = subsidy_in(S.VOTED)
    if agreement:
        AgreementFactory(subsidy=subsidy, **agreement)
    reason = refused(subsidy, "sign_agreement", make_user(Role.SIGNATORY))
    assert conditions.has_signed_agreement.message in reason
