"""The follow-up part of the association space's demo (issue 16): the second association
(`jardins`, pilotage.demo.portail) has a file in instruction on which the instructor
asked for a missing document, its answer awaited (the file shows « incomplet » on both
sides). Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.grammar import de
from subventions import exchanges, services
from subventions.enums import PaymentTerms, SubsidyStatus
from subventions.models import Beneficiary, InformationRequest, PolicyArea, Subsidy

YEAR = 2022
TITLE = "Soutien à la fête des jardins {year} {of_beneficiary}"
PURPOSE = "Fête des jardins {year}"
REQUEST = {
    "subject": "Liste des dirigeants à jour",
    "body": (
        "Pour instruire votre demande, merci de joindre la liste à jour des membres de votre "
        "bureau (nom, fonction), approuvée lors de votre dernière assemblée générale."
    ),
}


def load(*, users, beneficiary: Beneficiary, policy_area: PolicyArea) -> dict:
    instructor = users["instructeur"]
    subsidy = Subsidy.objects.filter(beneficiary=beneficiary, year=YEAR).first()
    if subsidy is None:
        subsidy = services.subsidy_create(
            user=instructor,
            beneficiary=beneficiary,
            policy_area=policy_area,
            year=YEAR,
            received_on=datetime.date(YEAR - 1, 12, 1),
            title=TITLE.format(year=YEAR, of_beneficiary=de(beneficiary.grammatical_name)),
            purpose=PURPOSE.format(year=YEAR),
            amount_requested=Decimal("8000"),
            payment_terms=PaymentTerms.SINGLE,
        )
    if subsidy.status == SubsidyStatus.DRAFT:
        subsidy = services.subsidy_transition(subsidy=subsidy, action="submit", user=instructor)
    awaited = InformationRequest.objects.filter(subsidy=subsidy).open().first()
    if awaited is None and not InformationRequest.objects.filter(subsidy=subsidy).exists():
        awaited = exchanges.information_request_create(
            subsidy=subsidy,
            user=instructor,
            deadline=timezone.localdate() + datetime.timedelta(days=21),
            **REQUEST,
        )
    return {"followup_subsidy": subsidy, "awaited_request": awaited}
