"""The second demo authority: a commune, beside the MEL, to show another style.

The Ville de Beaurivage (an invented commune, SIRET fictitious but valid) is led by a
Maire who is a woman; its Conseil municipal votes, for the first time, a subsidy to « les
Amis du Vieux Moulin », an association whose name is plural. The file goes through the
same services as a user's input: the beneficiary, the request, its instruction, the
session of the Conseil municipal, the deliberation, the vote, its transmission, acknowledgment
and publication (the executory date computed from them), and the
agreement generated from the template in force, ready for signature (as the MEL's 2021
one). Idempotent: what exists is found, not duplicated.
"""

import datetime
from decimal import Decimal

from conventions import services as agreement_services
from conventions.models import Agreement
from deliberations import services as deliberation_services
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import ActClassification, Deliberation, Session
from subventions import services
from subventions.enums import AuthorityKind, BudgetSection, LegalForm, PaymentTerms
from subventions.models import Authority, Beneficiary, BudgetLine, PolicyArea, Subsidy

COMMUNE = {
    "kind": AuthorityKind.COMMUNE,
    "name": "Ville de Beaurivage",
    "name_with_article": "la Ville",
    "name_gender": "f",
    "name_number": "s",
    "siret": "21599990500015",
    "address": "Hôtel de ville\n1 place du Général-de-Gaulle",
    "postal_code": "59990",
    "city": "Beaurivage",
    "president_name": "Hélène Dufresne",
    "president_title": "Maire",
    "president_gender": "f",
    "bureau_name": "le Bureau municipal",
    "bureau_deciding": "le Bureau municipal",
    "council_name": "le Conseil municipal",
    "council_deciding": "le Conseil municipal",
    "seat_city": "Beaurivage",
    "administrative_court": "Tribunal administratif de Lille",
}
POLICY_AREA = "VIE ASSOCIATIVE ET PATRIMOINE"
BUDGET_LINE = {
    "year": 2025,
    "label": "Vie associative et patrimoine — subventions aux associations (Ville)",
    "section": BudgetSection.OPERATING,
    "chapter": "65",
    "article": "6574-1",
    "amount_voted": Decimal("150000"),
}
MOULIN = {
    "legal_name": "Les Amis du Vieux Moulin",
    "name_with_article": "les Amis du Vieux Moulin",
    "grammatical_gender": "m",
    "grammatical_number": "p",
    "legal_form": LegalForm.ASSOCIATION,
    "siret": "88112233700010",
    "rna": "W593004321",
    "address": "Chemin du Moulin",
    "postal_code": "59990",
    "city": "Beaurivage",
    "representative_name": "Jeanne Leroy",
    "representative_title": "Présidente",
    "email": "contact@amis-vieux-moulin.example",
    "iban": "FR7630006000019876543210173",
    "bic": "AGRIFRPP",
    "republican_commitment_date": datetime.date(2024, 10, 3),
    "notes": "Données de démonstration : la Ville de Beaurivage et l'association sont "
    "inventées ; SIRET, RNA, IBAN et adresse sont fictifs.",
}
TITLE = (
    "VIE ASSOCIATIVE ET PATRIMOINE - PREMIÈRE SUBVENTION AUX AMIS DU VIEUX MOULIN - "
    "RESTAURATION ET ANIMATION DU MOULIN - ANNÉE 2025"
)
PURPOSE = "Restauration de la roue du Vieux Moulin et animations patrimoniales 2025"
PREAMBLE = (
    "Le Vieux Moulin, inscrit à l'inventaire du patrimoine communal, est entretenu et animé "
    "depuis 2019 par des bénévoles réunis dans l'association « les Amis du Vieux Moulin »."
)
CONTEXT = (
    "La roue à aubes du moulin, immobilisée depuis l'hiver 2023, doit être restaurée avant "
    "les Journées européennes du patrimoine. L'association sollicite pour la première fois "
    "le soutien de la Ville pour ce chantier et pour son programme d'animations."
)
AXES_INTRODUCTION = "Le programme 2025 de l'association s'organise autour de deux axes :"
AXES = [
    services.AxisData(
        "Restauration de la roue à aubes",
        "Remplacement des aubes et de l'arbre, avec un charpentier de moulin et des "
        "chantiers de bénévoles encadrés.",
    ),
    services.AxisData(
        "Animations patrimoniales et scolaires",
        "Visites commentées, Journées européennes du patrimoine et accueil de dix classes "
        "des écoles de Beaurivage.",
    ),
]
SESSION = {
    "body": Body.COUNCIL,
    "date": datetime.date(2025, 3, 14),
    "time": datetime.time(19, 0),
    "place": "Hôtel de ville de Beaurivage, salle du Conseil",
    "note": "Séance de démonstration : commune fictive.",
}
# Sent to the prefecture and received on the 17th, published online on the 21st: executory
# on the 21st, the later of the two (computed by the services, not typed).
TRANSMITTED_ON = datetime.date(2025, 3, 17)
PUBLISHED_ON = datetime.date(2025, 3, 21)
SUBSIDIES_CLASSIFICATION = "7.5"
STEPS_TO_PROPOSE = [("submit", "instructeur"), ("propose", "responsable")]


def _commune(admin) -> Authority:
    existing = Authority.objects.filter(siret=COMMUNE["siret"]).first()
    return existing or services.reference_save(instance=Authority(), user=admin, **COMMUNE)


def _file(users, policy_area, beneficiary) -> Subsidy:
    subsidy = Subsidy.objects.filter(beneficiary=beneficiary, year=2025).first()
    if subsidy is None:
        line = BudgetLine.objects.filter(
            year=BUDGET_LINE["year"], chapter=BUDGET_LINE["chapter"], article=BUDGET_LINE["article"]
        ).first()
        line = line or services.budget_line_create(user=users["finances"], **BUDGET_LINE)
        subsidy = services.subsidy_create(
            user=users["instructeur"],
            beneficiary=beneficiary,
            policy_area=policy_area,
            year=2025,
            received_on=datetime.date(2024, 11, 18),
            title=TITLE,
            purpose=PURPOSE,
            amount_requested=Decimal("28000"),
            amount_proposed=Decimal("28000"),
            projected_budget=Decimal("112000"),
            budget_line=line,
            payment_terms=PaymentTerms.SINGLE,
            preamble=PREAMBLE,
            context=CONTEXT,
            axes_introduction=AXES_INTRODUCTION,
            axes=AXES,
        )
    for action, username in STEPS_TO_PROPOSE:
        if services.transition_refusal(subsidy, action, users[username]) is None:
            subsidy = services.subsidy_transition(
                subsidy=subsidy, action=action, user=users[username]
            )
    return subsidy


def _deliberation(subsidy, commune, secretariat) -> Deliberation:
    deliberation = Deliberation.objects.filter(subsidies=subsidy).first()
    if deliberation is None:
        session = Session.objects.filter(
            authority=commune, body=SESSION["body"], date=SESSION["date"]
        ).first()
        session = session or deliberation_services.session_create(
            user=secretariat, authority=commune, **SESSION
        )
        deliberation = deliberation_services.deliberation_create(
            user=secretariat, subsidies=[subsidy], session=session
        )
    if deliberation.status == DeliberationStatus.DRAFT:
        deliberation = deliberation_services.deliberation_adopt(
            deliberation=deliberation, user=secretariat, unanimous=True
        )
    if deliberation.transmitted_on is None:
        deliberation = deliberation_services.deliberation_record_transmission(
            deliberation=deliberation,
            sent_on=TRANSMITTED_ON,
            classification=ActClassification.objects.get(code=SUBSIDIES_CLASSIFICATION),
            user=secretariat,
        )
    if not deliberation.prefecture_act_id:
        authority = deliberation_services.act_authority(deliberation)
        act_id = "-".join(
            [
                authority.departement,
                authority.siren,
                deliberation.session.date.strftime("%Y%m%d"),
                deliberation.number.replace(" ", ""),
                "DE",
            ]
        )
        deliberation = deliberation_services.deliberation_record_acknowledgment(
            deliberation=deliberation, act_id=act_id, received_on=TRANSMITTED_ON, user=secretariat
        )
    if deliberation.published_on is None:
        deliberation = deliberation_services.deliberation_publish(
            deliberation=deliberation, published_on=PUBLISHED_ON, user=secretariat
        )
    return deliberation


def load(users: dict) -> dict[str, object]:
    """The commune's case; returns its main objects by name."""
    commune = _commune(users["admin"])
    policy_area = PolicyArea.objects.filter(label=POLICY_AREA).first()
    policy_area = policy_area or services.policy_area_create(label=POLICY_AREA, user=users["admin"])
    moulin = Beneficiary.objects.filter(siret=MOULIN["siret"]).first()
    moulin = moulin or services.beneficiary_create(user=users["instructeur"], **MOULIN)
    subsidy = _file(users, policy_area, moulin)
    deliberation = _deliberation(subsidy, commune, users["secretariat"])
    subsidy.refresh_from_db()
    agreement = Agreement.objects.filter(subsidy=subsidy).first()
    agreement = agreement or agreement_services.agreement_create(
        subsidy=subsidy, user=users["secretariat"]
    )
    return {
        "commune": commune,
        "commune_subsidy": subsidy,
        "commune_deliberation": deliberation,
        "commune_agreement": agreement,
    }
