"""The act after the vote (issue 11 items 1, 3 to 5; issue 14 item 3): attendance and
quorum, interested members, counts against attendance, the non-participants' sentence,
transmission, acknowledgment, publication or display, the computed executory date,
corrections before the act is sent out, and the public page « Actes publiés »."""

import datetime
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberations import members as member_services
from deliberations import services
from deliberations.enums import AttendanceStatus, Body, Civility, CorrectionKind
from deliberations.forms import VoteForm
from deliberations.models import (
    ActClassification,
    Deliberation,
    ElectedMember,
    InterestedVoter,
    VoteCorrection,
)
from subventions.enums import Role
from subventions.models import Subsidy

from .conftest import text_of

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> list[str]:
    return error.messages


@pytest.fixture
def bureau(secretariat):
    """Ten Bureau members: A… J."""
    return [
        member_services.member_save(
            user=secretariat,
            civility=Civility.MR if i % 2 else Civility.MRS,
            first_name=f"Prénom{chr(65 + i)}",
            last_name=f"Nom{chr(65 + i)}",
            sits_in_bureau=True,
        )
        for i in range(10)
    ]


@pytest.fixture
def sheet(session, secretariat, bureau):
    """6 present, 2 represented (by the first two), 1 absent, 1 excused: quorum 6."""
    lines = dict.fromkeys(bureau[:6], (AttendanceStatus.PRESENT, None))
    lines[bureau[6]] = (AttendanceStatus.REPRESENTED, bureau[0])
    lines[bureau[7]] = (AttendanceStatus.REPRESENTED, bureau[1])
    lines[bureau[8]] = (AttendanceStatus.ABSENT, None)
    lines[bureau[9]] = (AttendanceStatus.EXCUSED, None)
    member_services.attendance_record(session=session, user=secretariat, lines=lines)
    return bureau


@pytest.fixture
def classification(secretariat):
    return member_services.classification_save(
        user=secretariat, code="7.5", label="Subventions", version_date=datetime.date(2021, 1, 1)
    )


# Attendance and quorum (item 1)


def test_attendance_summary_states_the_quorum(session, sheet):
    summary = session.attendance_summary()
    assert (summary.in_office, summary.present, summary.represented) == (10, 6, 2)
    assert (summary.absent, summary.excused, summary.quorum) == (1, 1, 6)
    assert summary.quorum_reached
    assert summary.sentence == "Quorum atteint : 6 présents sur 10 membres en exercice (quorum : 6)"
    assert summary.represented_members[0] == (sheet[6], sheet[0])


def test_quorum_sentence_of_the_issue():
    from deliberations.models import AttendanceSummary

    class Row:
        def __init__(self, status):
            self.status, self.member, self.proxy_holder = status, None, None

    rows = [Row("present")] * 20 + [Row("absent")] * 15
    assert AttendanceSummary(rows).sentence == (
        "Quorum atteint : 20 présents sur 35 membres en exercice (quorum : 18)"
    )


def test_a_proxy_is_held_by_a_present_member_and_only_once(session, secretariat, bureau):
    lines = dict.fromkeys(bureau, (AttendanceStatus.PRESENT, None))
    lines[bureau[1]] = (AttendanceStatus.REPRESENTED, bureau[0])
    lines[bureau[2]] = (AttendanceStatus.REPRESENTED, bureau[0])
    with pytest.raises(ValidationError) as refused:
        member_services.attendance_record(session=session, user=secretariat, lines=lines)
    assert "n'en porte qu'un" in " ".join(messages(refused.value))
    lines[bureau[2]] = (AttendanceStatus.REPRESENTED, bureau[3])
    lines[bureau[3]] = (AttendanceStatus.ABSENT, None)
    with pytest.raises(ValidationError) as refused:
        member_services.attendance_record(session=session, user=secretariat, lines=lines)
    assert "doit être présent" in " ".join(messages(refused.value))
    assert not session.attendances.exists()


def test_attendance_page_lists_every_member_in_office(client, session, secretariat, bureau):
    client.force_login(secretariat)
    url = reverse("deliberations:session_attendance", args=[session.pk])
    page = client.get(url)
    for member in bureau:
        assert str(member) in page.content.decode()
    data = {f"m{member.pk}-status": "present" for member in bureau}
    data[f"m{bureau[9].pk}-status"] = "represented"
    data[f"m{bureau[9].pk}-proxy_holder"] = str(bureau[0].pk)
    response = client.post(url, data)
    assert response.status_code == 302
    detail = client.get(reverse("deliberations:session_detail", args=[session.pk]))
    assert "Quorum atteint : 9 présents sur 10 membres en exercice (quorum : 6)" in (
        detail.content.decode()
    )


# Interests and counts at the vote (item 1)


def test_the_interested_member_is_proposed_as_not_taking_part(
    make_subsidy, make_deliberation, secretariat, sheet, apes
):
    member_services.interest_save(
        user=secretariat,
        member=sheet[2],
        organisation="APES",
        function="treasurer",
        beneficiary=apes,
    )
    deliberation = make_deliberation([make_subsidy()])
    form = VoteForm(deliberation=deliberation)
    assert form.fields["non_participating_members"].initial == [sheet[2].pk]
    assert "APES" in form.fields["non_participating_members"].help_text
    # Counted among the voters without confirmation: refused, nothing changes.
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    assert "CGCT L2131-11" in messages(refused.value)[0]
    deliberation.refresh_from_db()
    assert deliberation.status == "brouillon"
    # Not taking part: the text names the member, in the singular.
    services.deliberation_adopt(
        deliberation=deliberation,
        user=secretariat,
        unanimous=True,
        non_participating_members=[sheet[2]],
    )
    assert text_of(deliberation).endswith(
        f"ADOPTÉ À L'UNANIMITÉ N'a pas pris part au vote : {sheet[2]}."
    )
    assert list(deliberation.non_participating_members.all()) == [sheet[2]]


def test_counting_an_interested_member_needs_a_confirmed_reason_kept(
    make_subsidy, make_deliberation, secretariat, sheet, apes
):
    member_services.interest_save(
        user=secretariat,
        member=sheet[2],
        organisation="APES",
        function="president",
        beneficiary=apes,
    )
    deliberation = make_deliberation([make_subsidy()])
    form = VoteForm(
        data={"result": "adopt", "unanimous": "on", "non_participating_members": []},
        deliberation=deliberation,
    )
    assert not form.is_valid()
    assert "confirm_interested" in form.errors
    form = VoteForm(
        data={
            "result": "adopt",
            "unanimous": "on",
            "confirm_interested": "on",
            "interested_reason": "Démission du bureau de l'APES notifiée la veille.",
        },
        deliberation=deliberation,
    )
    assert form.is_valid(), form.errors
    from deliberations.forms import record_vote

    record_vote(deliberation, secretariat, form.cleaned_data)
    record = InterestedVoter.objects.get(deliberation=deliberation)
    assert record.member == sheet[2] and record.confirmed_by == secretariat
    assert record.reason == "Démission du bureau de l'APES notifiée la veille."
    assert record.history.count() == 1


def test_counts_exceeding_attendance_are_refused(
    make_subsidy, make_deliberation, secretariat, sheet
):
    deliberation = make_deliberation([make_subsidy()])
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(
            deliberation=deliberation,
            user=secretariat,
            votes_for=6,
            votes_against=1,
            abstentions=1,
            non_participating_members=[sheet[3]],
        )
    assert messages(refused.value) == [
        services.COUNTS_EXCEED_ATTENDANCE.format(
            counted=9,
            detail="6 pour, 1 contre, 1 abstentions, 1 sans participation",
            voters=8,
        )
    ]
    deliberation.refresh_from_db()
    assert deliberation.status == "brouillon" and deliberation.votes_for is None
    # Within the 8 present or represented: accepted, two non-participants in the plural.
    services.deliberation_adopt(
        deliberation=deliberation,
        user=secretariat,
        votes_for=5,
        votes_against=1,
        non_participating_members=[sheet[3], sheet[4]],
    )
    assert f"N'ont pas pris part au vote : {sheet[3]}, {sheet[4]}." in text_of(deliberation)


def test_a_non_participant_must_have_sat(make_subsidy, make_deliberation, secretariat, sheet):
    deliberation = make_deliberation([make_subsidy()])
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(
            deliberation=deliberation,
            user=secretariat,
            unanimous=True,
            non_participating_members=[sheet[8]],  # absent
        )
    assert "ne figure pas parmi les présents" in messages(refused.value)[0]


# Issue 14 item 3: impossible dates are refused


def test_a_vote_before_the_session_is_refused(make_subsidy, secretariat):
    future = services.session_create(
        user=secretariat,
        body=Body.BUREAU,
        date=timezone.localdate() + datetime.timedelta(days=3),
        time=datetime.time(14),
    )
    deliberation = services.deliberation_create(
        user=secretariat, subsidies=[make_subsidy()], session=future
    )
    with pytest.raises(ValidationError) as refused:
        services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    assert "n'a pas encore eu lieu" in messages(refused.value)[0]
    deliberation.refresh_from_db()
    assert deliberation.status == "brouillon"
    assert deliberation.subsidies.get().status == "proposee"


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    return services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)


def test_a_future_executory_date_is_refused(adopted, secretariat):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.deliberation_set_executory(
            deliberation=adopted, date=tomorrow, user=secretariat, reason="Acte ancien"
        )
    assert "dans le futur" in messages(refused.value)[0]
    adopted.refresh_from_db()
    assert adopted.executory_date is None


def test_a_typed_executory_date_needs_its_reason(adopted, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.deliberation_set_executory(
            deliberation=adopted, date=datetime.date(2021, 4, 6), user=secretariat
        )
    assert messages(refused.value) == [services.EXECUTORY_MANUAL_REASON_REQUIRED]


def test_an_act_voted_in_the_application_is_not_typed_executory(adopted, secretariat, settings):
    settings.ACTS_IN_APPLICATION_SINCE = datetime.date(2021, 1, 1)
    with pytest.raises(ValidationError) as refused:
        services.deliberation_set_executory(
            deliberation=adopted, date=datetime.date(2021, 4, 6), user=secretariat, reason="x"
        )
    assert "se calcule" in messages(refused.value)[0]
    adopted.refresh_from_db()
    assert adopted.executory_date is None


# Transmission, acknowledgment, display / publication, computed executory date (3 to 5)


ACT_ID = "059-200093201-20210402-21B0110-DE"


def test_executory_date_is_the_later_of_reception_and_display(adopted, secretariat, classification):
    services.deliberation_record_transmission(
        deliberation=adopted,
        sent_on=datetime.date(2021, 4, 3),
        classification=classification,
        user=secretariat,
    )
    services.deliberation_record_display(
        deliberation=adopted, displayed_on=datetime.date(2021, 4, 2), user=secretariat
    )
    adopted.refresh_from_db()
    assert adopted.executory_date is None  # not yet received
    services.deliberation_record_acknowledgment(
        deliberation=adopted, act_id=ACT_ID, received_on=datetime.date(2021, 4, 6), user=secretariat
    )
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 6)
    assert adopted.executory_manual_reason == ""
    assert adopted.subsidies.get().executory_on == datetime.date(2021, 4, 6)
    assert text_of(adopted).endswith("Acte certifié exécutoire au 06/04/2021")


def test_acknowledgment_refusals(adopted, secretariat, classification):
    with pytest.raises(ValidationError) as refused:
        services.deliberation_record_acknowledgment(
            deliberation=adopted,
            act_id=ACT_ID,
            received_on=datetime.date(2021, 4, 2),
            user=secretariat,
        )
    assert messages(refused.value) == [services.NOT_TRANSMITTED]
    services.deliberation_record_transmission(
        deliberation=adopted,
        sent_on=datetime.date(2021, 4, 2),
        classification=classification,
        user=secretariat,
    )
    with pytest.raises(ValidationError):
        services.deliberation_record_acknowledgment(
            deliberation=adopted,
            act_id="n'importe quoi",
            received_on=datetime.date(2021, 4, 2),
            user=secretariat,
        )
    services.deliberation_record_acknowledgment(
        deliberation=adopted, act_id=ACT_ID, received_on=datetime.date(2021, 4, 2), user=secretariat
    )
    # The same acknowledgment again changes nothing; another one is refused.
    services.deliberation_record_acknowledgment(
        deliberation=adopted, act_id=ACT_ID, received_on=datetime.date(2021, 4, 2), user=secretariat
    )
    with pytest.raises(ValidationError) as refused:
        services.deliberation_record_acknowledgment(
            deliberation=adopted,
            act_id=ACT_ID.replace("0110", "0111"),
            received_on=datetime.date(2021, 4, 2),
            user=secretariat,
        )
    assert "déjà accusé réception" in messages(refused.value)[0]
    adopted.refresh_from_db()
    assert adopted.prefecture_act_id == ACT_ID


def test_transmission_needs_a_classification(adopted, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.deliberation_record_transmission(
            deliberation=adopted, sent_on=datetime.date(2021, 4, 2), user=secretariat
        )
    assert messages(refused.value) == [services.CLASSIFICATION_REQUIRED]


def test_acts_after_july_2022_are_published_not_displayed(
    make_subsidy, secretariat, classification
):
    session = services.session_create(
        user=secretariat, body=Body.COUNCIL, date=datetime.date(2023, 3, 10), time=datetime.time(9)
    )
    deliberation = services.deliberation_create(
        user=secretariat, subsidies=[make_subsidy()], session=session
    )
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    with pytest.raises(ValidationError) as refused:
        services.deliberation_record_display(
            deliberation=deliberation, displayed_on=datetime.date(2023, 3, 10), user=secretariat
        )
    assert messages(refused.value) == [services.DISPLAY_NEW_ACT]
    services.deliberation_publish(
        deliberation=deliberation, published_on=datetime.date(2023, 3, 14), user=secretariat
    )
    services.deliberation_record_transmission(
        deliberation=deliberation,
        sent_on=datetime.date(2023, 3, 11),
        classification=classification,
        user=secretariat,
    )
    services.deliberation_record_acknowledgment(
        deliberation=deliberation,
        act_id="059-200093201-20230311-23C0001-DE",
        received_on=datetime.date(2023, 3, 11),
        user=secretariat,
    )
    deliberation.refresh_from_db()
    assert deliberation.executory_date == datetime.date(2023, 3, 14)


# Corrections (issue 14 item 3)


def test_the_vote_is_corrected_before_transmission_with_its_reason(
    adopted, secretariat, classification
):
    services.deliberation_correct_vote(
        deliberation=adopted,
        user=secretariat,
        reason="Deux voix contre oubliées.",
        votes_for=30,
        votes_against=2,
    )
    adopted.refresh_from_db()
    assert (adopted.unanimous, adopted.votes_for, adopted.votes_against) == (False, 30, 2)
    assert "ADOPTÉ À LA MAJORITÉ Pour : 30 – Contre : 2" in text_of(adopted)
    correction = VoteCorrection.objects.get(deliberation=adopted)
    assert correction.kind == CorrectionKind.VOTE
    assert correction.before.startswith("à l'unanimité")
    assert correction.after.startswith("30 pour, 2 contre")
    assert (
        correction.corrected_by == secretariat and correction.reason == "Deux voix contre oubliées."
    )
    # Once transmitted: only a new deliberation; the page says so.
    services.deliberation_record_transmission(
        deliberation=adopted,
        sent_on=datetime.date(2021, 4, 2),
        classification=classification,
        user=secretariat,
    )
    with pytest.raises(ValidationError) as refused:
        services.deliberation_correct_vote(
            deliberation=adopted, user=secretariat, reason="Encore.", unanimous=True
        )
    assert messages(refused.value) == [services.CORRECTION_SENT_OUT]
    adopted.refresh_from_db()
    assert adopted.votes_for == 30


def test_a_correction_does_not_change_the_result(adopted, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.deliberation_correct_vote(
            deliberation=adopted, user=secretariat, reason="x", votes_for=2, votes_against=30
        )
    assert "changerait le résultat" in messages(refused.value)[0]


def test_the_database_refuses_a_vote_change_without_a_correction(adopted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=adopted.pk).update(votes_for=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=adopted.pk).update(revision=5)


def test_a_typed_executory_date_is_corrected_until_something_is_signed(adopted, secretariat):
    services.deliberation_set_executory(
        deliberation=adopted, date=datetime.date(2021, 4, 20), user=secretariat, reason="Ancien"
    )
    services.deliberation_correct_executory(
        deliberation=adopted,
        date=datetime.date(2021, 4, 6),
        user=secretariat,
        reason="Erreur de saisie : le 06/04, non le 20/04.",
    )
    adopted.refresh_from_db()
    assert adopted.executory_date == datetime.date(2021, 4, 6)
    assert adopted.subsidies.get().executory_on == datetime.date(2021, 4, 6)
    assert VoteCorrection.objects.get(deliberation=adopted).after == "06/04/2021"
    Subsidy.objects.filter(pk=adopted.subsidies.get().pk).update(
        agreement_signed_on=datetime.date(2021, 4, 10)
    )
    with pytest.raises(ValidationError) as refused:
        services.deliberation_correct_executory(
            deliberation=adopted, date=datetime.date(2021, 4, 7), user=secretariat, reason="x"
        )
    assert "seule une nouvelle délibération" in messages(refused.value)[0]


def test_the_page_says_only_a_new_deliberation_changes_a_sent_act(
    client, adopted, secretariat, classification
):
    client.force_login(secretariat)
    url = reverse("deliberations:deliberation_detail", args=[adopted.pk])
    assert "Corriger le vote" in client.get(url).content.decode()
    services.deliberation_record_transmission(
        deliberation=adopted,
        sent_on=datetime.date(2021, 4, 2),
        classification=classification,
        user=secretariat,
    )
    page = client.get(url).content.decode()
    assert "Corriger le vote" not in page
    assert "Seule une nouvelle délibération peut les changer." in page
    correct = client.get(reverse("deliberations:deliberation_correct_vote", args=[adopted.pk]))
    assert "Seule une nouvelle délibération peut les changer." in correct.content.decode()


# The public page « Actes publiés » (item 4)


def _published(make_subsidy, make_deliberation, secretariat, title):
    deliberation = make_deliberation([make_subsidy()], title=title)
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    return services.deliberation_record_display(
        deliberation=deliberation, displayed_on=datetime.date(2021, 4, 2), user=secretariat
    )


def test_public_page_shows_only_published_acts_without_login(
    client, make_subsidy, make_deliberation, secretariat, adopted
):
    act = _published(make_subsidy, make_deliberation, secretariat, "Soutien à l'Économie solidaire")
    page = client.get(reverse("deliberations:public_act_list")).content.decode()
    assert act.number in page and adopted.number not in page
    compact = act.number.replace(" ", "")
    for query in (compact.lower(), act.number, "economie SOLIDAIRE"):
        found = client.get(reverse("deliberations:public_act_list"), {"q": query}).content.decode()
        assert act.number in found, query
    assert (
        act.number
        not in client.get(
            reverse("deliberations:public_act_list"), {"q": "voirie"}
        ).content.decode()
    )
    detail = client.get(f"/actes/{compact}/")
    assert detail.status_code == 200
    assert "Soutien à l'Économie solidaire" in html.unescape(detail.content.decode())
    pdf = client.get(f"/actes/{compact}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # An act not published has no public address, nor its PDF.
    hidden = adopted.number.replace(" ", "")
    assert client.get(f"/actes/{hidden}/").status_code == 404
    assert client.get(f"/actes/{hidden}/pdf/").status_code == 404


def test_public_page_lists_a_sessions_deliberations(client, session, adopted, secretariat):
    services.session_publish_act_list(
        session=session, published_on=datetime.date(2021, 4, 6), user=secretariat
    )
    page = client.get(reverse("deliberations:public_act_list")).content.decode()
    assert "liste publiée le 06/04/2021" in page
    assert adopted.number in page


def test_public_page_query_count_does_not_grow(
    client, make_subsidy, make_deliberation, secretariat
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("deliberations:public_act_list")).status_code == 200
        return len(queries)

    for i in range(5):
        _published(make_subsidy, make_deliberation, secretariat, f"Acte {i}")
    few = count()
    for i in range(5, 50):
        _published(make_subsidy, make_deliberation, secretariat, f"Acte {i}")
    assert count() == few


def test_classification_codes_are_checked(secretariat):
    with pytest.raises(ValidationError):
        member_services.classification_save(
            user=secretariat, code="sept", label="x", version_date=datetime.date(2021, 1, 1)
        )
    assert not ActClassification.objects.exists()


def test_elected_member_reads_civility_first_name_last_name(secretariat):
    member = member_services.member_save(
        user=secretariat, civility=Civility.MRS, first_name="Anne", last_name="Delannoy"
    )
    assert str(member) == "Mme Anne DELANNOY"
    assert ElectedMember.history.count() == 1


# Staff pages of the register


def test_secretariat_records_a_member_and_an_interest(client, secretariat, apes):
    client.force_login(secretariat)
    response = client.post(
        reverse("deliberations:member_create"),
        {
            "civility": "Mme",
            "first_name": "Hélène",
            "last_name": "Vandamme",
            "sits_in_bureau": "on",
            "active": "on",
        },
    )
    member = ElectedMember.objects.get()
    assert response.status_code == 302 and str(member) == "Mme Hélène VANDAMME"
    url = reverse("deliberations:member_interest_create", args=[member.pk])
    bad = client.post(
        url,
        {
            "organisation": "APES",
            "function": "president",
            "start_on": "2021-05-01",
            "end_on": "2021-01-01",
        },
    )
    assert "La fin de la fonction ne peut précéder son début." in html.unescape(
        bad.content.decode()
    )
    assert not member.interests.exists()
    client.post(url, {"organisation": "APES", "function": "president", "beneficiary": apes.pk})
    assert member.interests.get().beneficiary == apes
    assert member.interests.get().history.first().history_user == secretariat


def test_a_reader_does_not_edit_the_register(client, make_user):
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("deliberations:member_list")).status_code == 200
    assert client.get(reverse("deliberations:member_create")).status_code == 403


# The demo (issue 11 « Demo »)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def test_demo_21B0110_is_complete(demo):
    act = Deliberation.objects.select_related("session", "classification").get(number="21 B 0110")
    session = act.session
    summary = session.attendance_summary()
    assert (summary.in_office, summary.present, summary.represented) == (30, 22, 4)
    assert summary.quorum_reached
    assert session.convened_on == datetime.date(2021, 3, 26)
    assert str(session.president) == "M. Damien CASTELAIN" and session.secretary is not None
    assert act.classification.code == "7.5"
    assert act.transmitted_on == act.prefecture_received_on == datetime.date(2021, 4, 2)
    assert act.prefecture_act_id == "059-200093201-20210402-21B0110-DE"
    assert act.displayed_on == datetime.date(2021, 4, 2)
    # Computed, not typed.
    assert act.executory_date == datetime.date(2021, 4, 2) and act.executory_manual_reason == ""
    old = Deliberation.objects.get(number="20 B 0042")
    assert old.executory_date == datetime.date(2020, 2, 14) and old.executory_manual_reason
    # Loading again changes nothing.
    call_command("load_demo", stdout=io.StringIO())
    assert Deliberation.objects.get(number="21 B 0110").revision == 0
    assert ElectedMember.objects.count() == 30


def test_vote_page_states_the_quorum_and_pre_checks_the_interested_member(
    client, secretariat, sheet, apes, make_subsidy, make_deliberation
):
    member_services.interest_save(
        user=secretariat,
        member=sheet[2],
        organisation="APES",
        function="board_member",
        beneficiary=apes,
    )
    deliberation = make_deliberation([make_subsidy()])
    client.force_login(secretariat)
    page = client.get(reverse("deliberations:deliberation_vote", args=[deliberation.pk]))
    content = html.unescape(page.content.decode())
    assert "Quorum atteint : 6 présents sur 10 membres en exercice (quorum : 6)" in content
    checked = re.findall(r'<input[^>]*name="non_participating_members"[^>]*>', content)
    assert len(checked) == 8  # the members present or represented
    assert [tag for tag in checked if "checked" in tag] == [
        tag for tag in checked if f'value="{sheet[2].pk}"' in tag
    ]


def test_a_correction_replaces_the_interested_confirmations(
    make_subsidy, make_deliberation, secretariat, sheet, apes
):
    member_services.interest_save(
        user=secretariat,
        member=sheet[2],
        organisation="APES",
        function="president",
        beneficiary=apes,
    )
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(
        deliberation=deliberation,
        user=secretariat,
        unanimous=True,
        interested_voters={sheet[2]: "Confirmé en séance."},
    )
    assert deliberation.interested_voters.count() == 1
    services.deliberation_correct_vote(
        deliberation=deliberation,
        user=secretariat,
        reason="Il avait quitté la salle avant le vote.",
        unanimous=True,
        non_participating_members=[sheet[2]],
    )
    assert not deliberation.interested_voters.exists()
    assert InterestedVoter.history.filter(history_type="-").get().history_user == secretariat
    assert text_of(deliberation).endswith(f"N'a pas pris part au vote : {sheet[2]}.")
