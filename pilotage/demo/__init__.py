"""Demo data: the reference deliberation's case (APES 2021), built through the services.

Every figure and text of the 2021 file comes from
`shared/reference/deliberation-21B0110-apes-2021.txt`. Identifiers the reference does not
give (APES's SIRET, RNA, IBAN, address, representative) are fictitious and marked as such
in the beneficiary's notes. Loading is idempotent: what exists is found, not duplicated.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from core.pdf import render_to_pdf
from subventions import payments, services
from subventions.enums import (
    BudgetSection,
    CoFundingStatus,
    LegalForm,
    PartnerKind,
    PaymentTerms,
    ReportStatus,
    Role,
)
from subventions.models import (
    Authority,
    Beneficiary,
    BudgetLine,
    FundingPartner,
    PolicyArea,
    Subsidy,
)

from . import acts, commune, followup, portail
from .clock import dated

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, first name, last name, role (None: superuser)
    ("admin", "Alice", "Admin", None),
    ("instructeur", "Inès", "Instructrice", Role.INSTRUCTOR),
    ("responsable", "Romain", "Responsable", Role.HEAD_OF_SERVICE),
    ("secretariat", "Sophie", "Secrétaire", Role.ASSEMBLY_SECRETARIAT),
    ("finances", "François", "Financier", Role.FINANCE),
    ("signataire", "Damien", "Castelain", Role.SIGNATORY),
    ("lecteur", "Léa", "Lectrice", Role.READER),
]

AUTHORITY = {
    "name": "Métropole Européenne de Lille",
    "name_with_article": "la MEL",
    "siret": "20009320100016",
    "address": "2 boulevard des Cités Unies\nCS 70043",
    "postal_code": "59040",
    "city": "Lille Cedex",
    "president_name": "Damien Castelain",
    "president_title": "Président",
    "seat_city": "Lille",
    "administrative_court": "Tribunal administratif de Lille",
    "departement_code": "059",
}
POLICY_AREA = "DEVELOPPEMENT ECONOMIQUE ET EMPLOI"

APES = {
    "legal_name": "Acteurs Pour une Economie Solidaire des Hauts-de-France",
    "short_name": "APES",
    "name_with_article": "l'APES",
    "legal_form": LegalForm.ASSOCIATION,
    "siret": "41985000300007",
    "rna": "W595012345",
    "address": "235 boulevard Paul Painlevé",
    "postal_code": "59000",
    "city": "Lille",
    "representative_name": "Claire Martin",
    "representative_title": "Présidente",
    "email": "contact@apes-hdf.example",
    "phone": "03 20 00 00 00",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
    "republican_commitment_date": datetime.date(2022, 1, 10),
    "notes": "Données de démonstration : SIRET, RNA, IBAN, adresse et représentante sont "
    "fictifs ; les montants et les textes 2021 sont ceux de la délibération 21 B 0110.",
}

PARTNERS = [
    ("l'Etat (DIRECCTE)", PartnerKind.STATE),
    ("la Région Hauts-de-France", PartnerKind.REGION),
    ("le Département du Pas-de-Calais", PartnerKind.DEPARTMENT),
    ("Valenciennes Métropole", PartnerKind.LOCAL_AUTHORITY),
    ("Communauté urbaine d'Arras", PartnerKind.LOCAL_AUTHORITY),
    ("les 7 vallées Montreuillois Ternois", PartnerKind.LOCAL_AUTHORITY),
]

BUDGET_LINE = {
    "label": "Économie sociale et solidaire — subventions aux associations",
    "section": BudgetSection.OPERATING,
    "chapter": "65",
    "article": "6574",
    "amount_voted": Decimal("1200000"),
}

TITLE_2021 = (
    "SOUTIEN DE LA MEL A L'ANIMATION TERRITORIALE ET A LA PROMOTION DE L'ECONOMIE SOCIALE "
    "ET SOLIDAIRE - CONVENTION AVEC LE RESEAU D'ACTEURS APES - SUBVENTION AU TITRE DE "
    "L'ANNEE 2021"
)
OBJECT_2021 = (
    "Animation territoriale et promotion de l'économie sociale et solidaire : programme "
    "d'actions 2021 du réseau APES"
)

PREAMBLE_2021 = (
    "Avec la mise en place d’un nouveau mandat, la Métropole Européenne de Lille (MEL) "
    "renouvelle sa feuille de route sur l’Economie Sociale et Solidaire (ESS). De premières "
    "intuitions s’inscrivent dans le Projet Stratégique de Transformation Economique du "
    "Territoire (PSTET). Elles seront précisées dans une prochaine délibération avec les "
    "acteurs de l’ESS."
)
CONTEXT_2021 = (
    "L'économie sociale et solidaire représente dans nos territoires environ 52 000 salariés "
    "et près de 11 % des emplois. La métropole lilloise concentre ainsi 25% des emplois de "
    "l'ESS de la nouvelle grande région.\n\n"
    "Dans ce soutien à l’ESS, la MEL s’appuie sur des réseaux qui ont fait leur preuve sur le "
    "territoire, et légitiment leurs actions au vu de la composition de leurs adhérents. "
    "Ainsi, la MEL souhaite appuyer le programme d’actions proposé par le réseau d’acteurs "
    "APES (Acteurs Pour une Economie Solidaire) des Hauts-de-France. Il s’agit d’assurer "
    "l’animation territoriale, et la promotion de l’ESS, dans la continuité des actions "
    "engagées et soutenues par la MEL depuis 2012."
)
PARTNERSHIP_2021 = (
    "L’APES (Acteurs Pour une Economie Solidaire) est membre du Conseil d’administration de "
    "la CRESS, au sein du collège des entreprises sociales depuis 2016. Basée à Lille, l'APES "
    "s’est fondée à partir des acteurs de l’économie sociale et solidaire qui se réclament "
    "d’une économie du sens, à partir de pratiques et de valeurs, dans une démarche de "
    "création d’activités pérennes et durables. L’APES définit ses axes de travail en lien "
    "avec les orientations de la politique régionale du SRDEII (Schéma Régional de "
    "Développement Economique, d’Innovation, et d’Internationalisation), en proposant "
    "plusieurs formes d’appui aux acteurs de l’ESS et aux collectivités territoriales, avec "
    "la préoccupation constante de renforcer leur coopération et leur professionnalisation."
)
PREVIOUS_ACTIVITY_2021 = (
    "En 2020, l’APES est intervenue sur plusieurs axes : la sensibilisation ESS pour les "
    "prescripteurs, l’appui aux porteurs de projets métropolitains, l’accompagnement de "
    "dynamique d’acteurs (accompagnement de 6 acteurs ESS et amélioration des pratiques des "
    "acteurs ESS), le travail sur la commande publique et le renouvellement urbain s’est "
    "poursuivi. Le déploiement du Bail Commercial d’Utilité Sociale (BCUS) s’est aussi "
    "poursuivi autour de la valorisation de l’outil et la prolongation de l’expérimentation "
    "juridique."
)
AXES_INTRODUCTION_2021 = (
    "Pour 2021, le programme de travail de l’APES s’organisera autour des cinq thèmes de "
    "travail suivants :"
)
AXES_2021 = [
    services.AxisData(
        "Appui aux porteurs métropolitains et soutien aux actions territoriales",
        "L’action vise à faire émerger et / ou consolider des initiatives d'ESS ainsi "
        "qu’apporter les ressources et connaissances de l’APES dans les réflexions et instances "
        "du territoire. L’appui de l’APES se concrétise via la sensibilisation aux pratiques "
        "d'ESS, information sur la structuration des acteurs, les dispositifs et financements "
        "existants, orientation vers les accompagnements adéquats.",
    ),
    services.AxisData(
        "Amélioration des pratiques",
        "Il s’agit de la montée en compétences des organisations sur les questions de "
        "ressources humaines. L’action se concrétise par : l'animation d'un groupe de "
        "consultants spécialisés sur l'amélioration des pratiques RH, la poursuite de la "
        "communauté apprenante, des interventions collectives ouvertes à l'ensemble des "
        "acteurs de la région, des appuis individuels possibles, réalisation d'un MOOC \"RH et "
        'ESS" autour de 6 thèmes principaux (égalité femmes/hommes, obligations de '
        "l'employeur, organisation dans le cas des structures sans direction, formation "
        "professionnelle, management et coopération), rédaction de fiches pratiques.",
    ),
    services.AxisData(
        "Commande publique",
        "L’APES contribue à la mise en œuvre du schéma de promotion des achats publics "
        "écologiquement et socialement responsable (SPAPSER) de la MEL. Dans ce cadre, elle "
        "participe au développement d'une commande publique responsable au sein des communes "
        "et à l’interconnaissance entre acheteurs publics et acteurs de l'ESS.",
    ),
    services.AxisData(
        "Immobilier d’activités et économie solidaire",
        "La démarche vise à favoriser l'accès à l'immobilier d'activités pour les acteurs de "
        "l'ESS, renouveler le lien entre propriétaires de locaux commerciaux et locataires "
        "issus de l’ESS, renforcer le Bail Commercial d’Utilité Social (BCUS) en tant "
        "qu’instrument contractuel et déployer ce dispositif dans de nouvelles opérations.\n"
        "Il est envisagé notamment l’organisation en 2021 d’un événement à l’intention de tous "
        "les acteurs de l’immobilier d’activités (collectivités, bailleurs sociaux, "
        "propriétaires privés, acteurs et réseaux de l’ESS…).",
    ),
    services.AxisData(
        "Dynamique autour de la production locale",
        "L’action porte sur la valorisation des initiatives du territoire de la MEL agissant "
        "pour une production locale résiliente et durable. Des pistes de travail structureront "
        "les actions en 2021 et 2022 en faveur de cette production locale, autour de 10 "
        "piliers.\n"
        "La tenue d’une session de sensibilisation sur le thème de la production locale et de "
        "valorisation des initiatives exemplaires du territoire de la MEL est envisagée. Cet "
        "événement permettrait de présenter la dynamique globale, valoriser les initiatives de "
        "la MEL et proposer une phase créative de pistes pour aller plus loin.",
    ),
]
# (partner names in order, amount, group label, amount already totals several schemes)
COFUNDING_2021 = [
    (["l'Etat (DIRECCTE)"], Decimal("284000"), "", False),
    # The deliberation writes « pour un montant total de 240 400 euros » for the Région.
    (["la Région Hauts-de-France"], Decimal("240400"), "", True),
    (["le Département du Pas-de-Calais"], Decimal("25575"), "", False),
    (
        [
            "Valenciennes Métropole",
            "Communauté urbaine d'Arras",
            "les 7 vallées Montreuillois Ternois",
        ],
        Decimal("39350"),
        "d'autres collectivités locales",
        False,
    ),
]

TITLE_2020 = (
    "SOUTIEN DE LA MEL A L'ANIMATION TERRITORIALE ET A LA PROMOTION DE L'ECONOMIE SOCIALE "
    "ET SOLIDAIRE - CONVENTION AVEC LE RESEAU D'ACTEURS APES - SUBVENTION AU TITRE DE "
    "L'ANNEE 2020"
)
OBJECT_2020 = (
    "Animation territoriale et promotion de l'économie sociale et solidaire : programme "
    "d'actions 2020 du réseau APES"
)


# Lifecycle steps each demo file goes through, with the role that acts. The vote is not
# one of them: adopting the deliberation (pilotage.demo.acts) votes the files.
STEPS_TO_PROPOSE = [
    ("submit", "instructeur"),
    ("propose", "responsable"),
]


# The 2020 file, paid in full and closed. Its agreement predates the application: it is
# recorded as signed (historical demo data), then paid by one mandate and its financial
# report received and approved, all through the services.
PAYMENT_2020 = {
    "date": datetime.date(2020, 3, 16),
    "amount": Decimal("35000"),
    "mandate_number": "2020-004512",
}
REPORT_2020_RECEIVED = datetime.date(2021, 5, 20)


def load_users(stdout=None) -> dict[str, object]:
    """One demo user per role (and a superuser), all with the demo password."""
    user_model = get_user_model()
    users = {}
    for username, first_name, last_name, role in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@mel.example",
                "is_staff": True,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def _advance(subsidy: Subsidy, steps, users, comments=None) -> Subsidy:
    """Run the lifecycle steps not yet done, so that loading twice changes nothing."""
    comments = comments or {}
    for action, username in steps:
        if services.transition_refusal(subsidy, action, users[username]) is None:
            subsidy = services.subsidy_transition(
                subsidy=subsidy,
                action=action,
                user=users[username],
                comment=comments.get(action, ""),
            )
    return subsidy


def _partner(name: str, kind: str, user) -> FundingPartner:
    existing = FundingPartner.objects.filter(name_with_article=name).first()
    return existing or services.funding_partner_create(name_with_article=name, kind=kind, user=user)


def _budget_line(year: int, user) -> BudgetLine:
    existing = BudgetLine.objects.filter(year=year, chapter="65", article="6574").first()
    return existing or services.budget_line_create(year=year, user=user, **BUDGET_LINE)


def _settle_2020(subsidy: Subsidy, users, authority) -> None:
    """Pay and close the 2020 file (its agreement, signed by both parties in
    pilotage.demo.acts, made it « conventionnée ») — the steps not done yet, so loading twice
    changes nothing."""
    subsidy.refresh_from_db()
    finances = users["finances"]
    if not subsidy.payments.exists():
        with dated(PAYMENT_2020["date"]):
            payments.payment_create(
                subsidy=subsidy,
                instalment=subsidy.instalments.first(),
                user=finances,
                **PAYMENT_2020,
            )
    report = subsidy.financial_report
    if report.status == ReportStatus.EXPECTED:
        # Received and approved the same day (pilotage.demo.clock dates the rows).
        context = {"subsidy": subsidy, "authority": authority, "received_on": REPORT_2020_RECEIVED}
        content = render_to_pdf("pilotage/pdf/demo_financial_report.html", context)
        report = payments.report_receive(
            report=report,
            received_on=REPORT_2020_RECEIVED,
            file=ContentFile(content, name=f"compte-rendu-{subsidy.reference}.pdf"),
            user=finances,
        )
    if report.status == ReportStatus.RECEIVED:
        payments.report_approve(report=report, user=finances)


@transaction.atomic
def load() -> dict[str, object]:
    """Create (or find) the whole demo case; returns the main objects by name."""
    with dated(datetime.date(2019, 11, 4)):
        users = load_users()
        admin = users["admin"]
        instructor = users["instructeur"]
        authority = Authority.current() or services.authority_save(user=admin, **AUTHORITY)
        policy_area = PolicyArea.objects.filter(label=POLICY_AREA).first()
        policy_area = policy_area or services.policy_area_create(label=POLICY_AREA, user=admin)
        partners = {name: _partner(name, kind, instructor) for name, kind in PARTNERS}
        apes = Beneficiary.objects.filter(siret=APES["siret"]).first()
        apes = apes or services.beneficiary_create(user=instructor, **APES)

    common = {"beneficiary": apes, "policy_area": policy_area, "user": instructor}
    subsidy_2020 = Subsidy.objects.filter(beneficiary=apes, year=2020).first()
    if subsidy_2020 is None:
        with dated(datetime.date(2019, 11, 15)):
            subsidy_2020 = services.subsidy_create(
                year=2020,
                received_on=datetime.date(2019, 11, 15),
                title=TITLE_2020,
                purpose=OBJECT_2020,
                amount_requested=Decimal("35000"),
                amount_proposed=Decimal("35000"),
                budget_line=_budget_line(2020, users["finances"]),
                payment_terms=PaymentTerms.SINGLE,
                **common,
            )
    with dated(datetime.date(2020, 1, 13)):
        subsidy_2020 = _advance(subsidy_2020, STEPS_TO_PROPOSE, users)

    subsidy_2021 = Subsidy.objects.filter(beneficiary=apes, year=2021).first()
    if subsidy_2021 is None:
        with dated(datetime.date(2020, 11, 30)):
            subsidy_2021 = services.subsidy_create(
                year=2021,
                received_on=datetime.date(2020, 11, 30),
                title=TITLE_2021,
                purpose=OBJECT_2021,
                amount_requested=Decimal("35000"),
                amount_proposed=Decimal("35000"),
                projected_budget=Decimal("753091"),
                budget_line=_budget_line(2021, users["finances"]),
                payment_terms=PaymentTerms.SINGLE,
                preamble=PREAMBLE_2021,
                context=CONTEXT_2021,
                partnership_description=PARTNERSHIP_2021,
                previous_year_activity=PREVIOUS_ACTIVITY_2021,
                axes_introduction=AXES_INTRODUCTION_2021,
                axes=AXES_2021,
                cofundings=[
                    services.CoFundingData(
                        partners=[partners[name] for name in names],
                        amount=amount,
                        group_label=group_label,
                        status=CoFundingStatus.REQUESTED,
                        is_total=is_total,
                    )
                    for names, amount, group_label, is_total in COFUNDING_2021
                ],
                **common,
            )
    with dated(datetime.date(2021, 3, 8)):
        subsidy_2021 = _advance(subsidy_2021, STEPS_TO_PROPOSE, users)

    deliberations = acts.load(users=users, subsidy_2020=subsidy_2020, subsidy_2021=subsidy_2021)
    subsidy_2020.refresh_from_db()
    subsidy_2021.refresh_from_db()
    # The vote gave both files their default schedule and their expected report (the 2021
    # one due by 30 June 2022). The 2021 file waits for its agreement: it is not paid.
    with dated(REPORT_2020_RECEIVED):
        _settle_2020(subsidy_2020, users, authority)
    subsidy_2020.refresh_from_db()
    # A second authority's style: a commune whose Conseil municipal votes a first subsidy.
    with dated(commune.PUBLISHED_ON):
        commune_case = commune.load(users)
    # The association space: APES's account and a second association's draft request.
    portal_case = portail.load(
        users=users,
        apes=apes,
        subsidy_2021=subsidy_2021,
        policy_area=policy_area,
        password=DEMO_PASSWORD,
    )
    # ... and that second association's answer awaited on its file in instruction.
    followup_case = followup.load(
        users=users, beneficiary=portal_case["second_association"], policy_area=policy_area
    )

    return {
        **deliberations,
        **commune_case,
        **portal_case,
        **followup_case,
        "users": users,
        "authority": authority,
        "policy_area": policy_area,
        "beneficiary": apes,
        "subsidy_2020": subsidy_2020,
        "subsidy_2021": subsidy_2021,
    }
