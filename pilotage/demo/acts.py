"""Demo deliberations (load_demo): 21 B 0110 for APES 2021, as in the reference document,
and a 2020 Bureau deliberation for APES 2020 whose number and date are invented.

Called by pilotage.demo.load() once the subsidies are proposed; adopting the
deliberations is what votes them. The APES 2021 agreement is then prepared from the
template in force, ready for signature (its deliberation is executory). Idempotent: what
exists is found, not duplicated.
"""

import datetime

from django.core.files.base import ContentFile

from conventions import rendering as agreement_rendering
from conventions import services as agreement_services
from conventions import signatures
from conventions.models import Agreement
from deliberations import services
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, Session

from . import assembly
from .clock import dated

SESSION_2021 = {
    "body": Body.BUREAU,
    "date": datetime.date(2021, 4, 2),
    # The reference gives no time; its footer shows 16:21, the time it was printed.
    "time": datetime.time(14, 0),
    "place": "Siège de la MEL, Lille",
}
NUMBER_2021 = "21 B 0110"
EXECUTORY_2021 = datetime.date(2021, 4, 2)

SESSION_2020 = {
    "body": Body.BUREAU,
    "date": datetime.date(2020, 2, 7),
    "time": datetime.time(14, 0),
    "place": "Siège de la MEL, Lille",
    "note": "Séance de démonstration : date fictive.",
}
NUMBER_2020 = "20 B 0042"
EXECUTORY_2020 = datetime.date(2020, 2, 14)
EXECUTORY_2020_REASON = (
    "Acte antérieur à la mise en service de l'application : transmis et affiché en février "
    "2020 (données de démonstration)."
)
NOTE_2020 = (
    "Données de démonstration : le numéro 20 B 0042 et la séance du 7 février 2020 sont "
    "fictifs (la délibération 2020 réelle n'est pas reprise)."
)
AGREEMENT_2020_NOTE = (
    "Convention 2020 de démonstration, signée sur papier avant la mise en service de "
    "l'application : l'original numérisé est ici le PDF généré."
)
BENEFICIARY_SIGNED_2020 = datetime.date(2020, 2, 20)
AUTHORITY_SIGNED_2020 = datetime.date(2020, 2, 24)
NOTE_2021 = "Reprise de la délibération 21 B 0110 du 2 avril 2021 (document de référence)."


def _session(fields: dict, user) -> Session:
    existing = Session.objects.filter(
        body=fields["body"], date=fields["date"], time=fields["time"]
    ).first()
    return existing or services.session_create(user=user, **fields)


def _deliberation(*, number, session, subsidy, note, executory, user) -> Deliberation:
    """`executory`: the date typed for an act voted before the application was used, or
    None: the act then becomes executory through its transmission and display."""
    deliberation = Deliberation.objects.filter(number=number).first()
    if deliberation is None:
        deliberation = services.deliberation_create(
            user=user, subsidies=[subsidy], session=session, number=number, note=note
        )
    if deliberation.status == DeliberationStatus.DRAFT:
        deliberation = services.deliberation_adopt(
            deliberation=deliberation, user=user, unanimous=True
        )
    if deliberation.executory_date is None and executory is not None:
        deliberation = services.deliberation_set_executory(
            deliberation=deliberation, date=executory, reason=EXECUTORY_2020_REASON, user=user
        )
    return deliberation


def _signed_agreement_2020(subsidy, users) -> Agreement:
    """The 2020 agreement signed by both parties on paper: its signature makes the 2020
    file « conventionnée », as for any file (nothing is paid before that)."""
    agreement = Agreement.objects.filter(subsidy=subsidy).first()
    if agreement is None:
        subsidy.refresh_from_db()
        agreement = agreement_services.agreement_create(
            subsidy=subsidy, user=users["secretariat"], note=AGREEMENT_2020_NOTE
        )
    if agreement.beneficiary_signed_on is None:
        agreement = signatures.document_record_beneficiary_signature(
            document=agreement, user=users["secretariat"], signed_on=BENEFICIARY_SIGNED_2020
        )
    if not agreement.is_frozen:
        scan = agreement_rendering.build_pdf(agreement).content
        agreement = signatures.document_sign_paper(
            document=agreement,
            user=users["signataire"],
            scan=ContentFile(scan, name=f"{agreement.number}-original-signe.pdf"),
            signed_on=AUTHORITY_SIGNED_2020,
        )
    return agreement


def load(*, users: dict, subsidy_2020, subsidy_2021) -> dict[str, object]:
    secretariat = users["secretariat"]
    with dated(SESSION_2020["date"]):
        deliberation_2020 = _deliberation(
            number=NUMBER_2020,
            session=_session(SESSION_2020, secretariat),
            subsidy=subsidy_2020,
            note=NOTE_2020,
            executory=EXECUTORY_2020,
            user=secretariat,
        )
    with dated(AUTHORITY_SIGNED_2020):
        agreement_2020 = _signed_agreement_2020(subsidy_2020, users)
    # Issue 11: the 2021 Bureau's attendance, then the act's transmission and display.
    with dated(SESSION_2021["date"]):
        classifications = assembly.load_classifications(secretariat)
        session_2021 = _session(SESSION_2021, secretariat)
        assembly.load_session_2021(session_2021, secretariat, subsidy_2021.beneficiary)
        deliberation_2021 = _deliberation(
            number=NUMBER_2021,
            session=session_2021,
            subsidy=subsidy_2021,
            note=NOTE_2021,
            executory=None,
            user=secretariat,
        )
    with dated(EXECUTORY_2021 + datetime.timedelta(days=4)):
        deliberation_2021 = assembly.transmit_and_display_2021(
            deliberation_2021, secretariat, classifications
        )
    subsidy_2021.refresh_from_db()
    agreement_2021 = Agreement.objects.filter(subsidy=subsidy_2021).first()
    if agreement_2021 is None:
        with dated(EXECUTORY_2021 + datetime.timedelta(days=12)):
            agreement_2021 = agreement_services.agreement_create(
                subsidy=subsidy_2021, user=secretariat
            )
    return {
        "agreement_2020": agreement_2020,
        "deliberation_2020": deliberation_2020,
        "deliberation_2021": deliberation_2021,
        "agreement_2021": agreement_2021,
    }
