"""Demo assembly (load_demo, issue 11): the prefecture's classification of acts, a register
of elected members (invented, but for the President of the MEL), and the Bureau of 2 April
2021: convened on 26 March, 30 members in office, 22 present, 4 represented, 4 absent or
excused. Everything goes through the services; idempotent.
"""

import datetime

from deliberations import members as member_services
from deliberations import services
from deliberations.enums import AttendanceStatus, Civility, InterestFunction
from deliberations.models import ActClassification, ElectedMember, Interest

CLASSIFICATION_VERSION = datetime.date(2021, 1, 1)
# A small part of the prefecture's nomenclature (matières, @CTES).
CLASSIFICATIONS = [
    ("1", "Commande publique"),
    ("1.1", "Marchés publics"),
    ("2", "Urbanisme"),
    ("3", "Domaine et patrimoine"),
    ("4", "Fonction publique"),
    ("5", "Institutions et vie politique"),
    ("5.2", "Fonctionnement des assemblées"),
    ("6", "Libertés publiques et pouvoirs de police"),
    ("7", "Finances locales"),
    ("7.1", "Décisions budgétaires"),
    ("7.5", "Subventions"),
    ("7.5.1", "Subventions aux associations"),
    ("8", "Domaines de compétences par thèmes"),
    ("9", "Autres domaines de compétences"),
    ("9.1", "Autres domaines de compétences des communes"),
]
SUBSIDIES_CLASSIFICATION = "7.5"

# (civility, first name, last name): the Bureau's 30 members. Only the President's name is
# real (he signs the acts of the demo); the others are invented.
BUREAU = [
    (Civility.MR, "Damien", "Castelain"),
    (Civility.MRS, "Isabelle", "Delattre"),
    (Civility.MR, "Jean-Marc", "Vandenberghe"),
    (Civility.MRS, "Nathalie", "Decroix"),
    (Civility.MR, "Philippe", "Lemaire"),
    (Civility.MRS, "Sophie", "Deruyck"),
    (Civility.MR, "Olivier", "Vanhoutte"),
    (Civility.MRS, "Catherine", "Dubrulle"),
    (Civility.MR, "Bruno", "Lefebvre"),
    (Civility.MRS, "Valérie", "Desmet"),
    (Civility.MR, "Alain", "Coppin"),
    (Civility.MRS, "Martine", "Vercruysse"),
    (Civility.MR, "Thierry", "Hennebelle"),
    (Civility.MRS, "Christine", "Leclercq"),
    (Civility.MR, "Pascal", "Verhaeghe"),
    (Civility.MRS, "Anne", "Delannoy"),
    (Civility.MR, "Frédéric", "Dumortier"),
    (Civility.MRS, "Hélène", "Vandamme"),
    (Civility.MR, "Didier", "Wallart"),
    (Civility.MRS, "Béatrice", "Carpentier"),
    (Civility.MR, "Stéphane", "Debaecker"),
    (Civility.MRS, "Émilie", "Lambin"),
    (Civility.MR, "Gérard", "Ducatteau"),
    (Civility.MRS, "Laurence", "Verstraete"),
    (Civility.MR, "Éric", "Delporte"),
    (Civility.MRS, "Monique", "Hautecoeur"),
    (Civility.MR, "Christophe", "Lepers"),
    (Civility.MRS, "Patricia", "Duhamel"),
    (Civility.MR, "Jacques", "Vanneste"),
    (Civility.MRS, "Sandrine", "Obled"),
]
# Of the 30: 4 represented (member → proxy holder, both by last name), 3 absent, 1 excused;
# the other 22 present.
REPRESENTED = {
    "Vandamme": "Delattre",
    "Wallart": "Lemaire",
    "Lambin": "Decroix",
    "Obled": "Coppin",
}
ABSENT = ["Ducatteau", "Lepers", "Vanneste"]
EXCUSED = ["Hautecoeur"]
PRESIDENT = "Castelain"
SECRETARY = "Deruyck"
CONVENED_ON = datetime.date(2021, 3, 26)
# A declared interest: an absent member, treasurer of the APES, is not among the voters.
INTEREST = ("Vanneste", "APES", InterestFunction.TREASURER, datetime.date(2019, 6, 1))


def load_classifications(user) -> dict[str, ActClassification]:
    found = {c.code: c for c in ActClassification.objects.all()}
    for code, label in CLASSIFICATIONS:
        if code not in found:
            found[code] = member_services.classification_save(
                user=user, code=code, label=label, version_date=CLASSIFICATION_VERSION
            )
    return found


def load_members(user, apes) -> dict[str, ElectedMember]:
    members = {}
    for civility, first_name, last_name in BUREAU:
        member = ElectedMember.objects.filter(first_name=first_name, last_name=last_name).first()
        members[last_name] = member or member_services.member_save(
            user=user,
            civility=civility,
            first_name=first_name,
            last_name=last_name,
            sits_in_bureau=True,
            sits_in_council=True,
        )
    last_name, organisation, function, since = INTEREST
    if not Interest.objects.filter(member=members[last_name], beneficiary=apes).exists():
        member_services.interest_save(
            user=user,
            member=members[last_name],
            organisation=organisation,
            function=function,
            beneficiary=apes,
            start_on=since,
        )
    return members


def load_session_2021(session, user, apes) -> None:
    """The Bureau of 2 April 2021: its attendance sheet, president, secretary, convocation."""
    members = load_members(user, apes)
    if not session.attendances.exists():
        lines = {}
        for last_name, member in members.items():
            if last_name in REPRESENTED:
                lines[member] = (AttendanceStatus.REPRESENTED, members[REPRESENTED[last_name]])
            elif last_name in ABSENT:
                lines[member] = (AttendanceStatus.ABSENT, None)
            elif last_name in EXCUSED:
                lines[member] = (AttendanceStatus.EXCUSED, None)
            else:
                lines[member] = (AttendanceStatus.PRESENT, None)
        member_services.attendance_record(session=session, user=user, lines=lines)
    if session.president_id is None:
        member_services.session_record_officers(
            session=session,
            user=user,
            convened_on=CONVENED_ON,
            president=members[PRESIDENT],
            secretary=members[SECRETARY],
        )


# 21 B 0110 after its vote: transmitted and received on 2 April 2021, displayed the same
# day (an act adopted before 1 July 2022), hence executory on 02/04/2021 — computed.
TRANSMITTED_ON = datetime.date(2021, 4, 2)
RECEIVED_ON = datetime.date(2021, 4, 2)
ACT_ID = "059-200093201-20210402-21B0110-DE"
DISPLAYED_ON = datetime.date(2021, 4, 2)
ACT_LIST_PUBLISHED_ON = datetime.date(2021, 4, 6)


def transmit_and_display_2021(deliberation, user, classifications):
    if deliberation.transmitted_on is None:
        deliberation = services.deliberation_record_transmission(
            deliberation=deliberation,
            sent_on=TRANSMITTED_ON,
            classification=classifications[SUBSIDIES_CLASSIFICATION],
            user=user,
        )
    if not deliberation.prefecture_act_id:
        deliberation = services.deliberation_record_acknowledgment(
            deliberation=deliberation, act_id=ACT_ID, received_on=RECEIVED_ON, user=user
        )
    if deliberation.displayed_on is None:
        deliberation = services.deliberation_record_display(
            deliberation=deliberation, displayed_on=DISPLAYED_ON, user=user
        )
    session = deliberation.session
    if session.act_list_published_on is None:
        services.session_publish_act_list(
            session=session, published_on=ACT_LIST_PUBLISHED_ON, user=user
        )
    return deliberation
