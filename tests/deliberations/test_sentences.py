"""The generated sentences of the deliberation (issue 3, rules a–f), exactly."""

import pytest

from deliberations import services
from subventions.enums import LegalForm

from .conftest import text_of

pytestmark = pytest.mark.django_db

CONTINUITY = "Dans la continuité du soutien déjà apporté, il est proposé de "


# a. Financing sentence


@pytest.mark.parametrize(
    ("amount", "previous", "sentence"),
    [
        (
            "35000",
            "35000",
            CONTINUITY + "reconduire la participation financière de la MEL à "
            "l'APES à hauteur de 35 000 euros, à l'identique de 2020.",
        ),
        (
            "40000",
            "35000",
            CONTINUITY + "porter la participation financière de la MEL à l'APES "
            "à 40 000 euros, en hausse de 5 000 euros par rapport à 2020.",
        ),
        (
            "30000",
            "35000",
            CONTINUITY + "fixer la participation financière de la MEL à l'APES "
            "à 30 000 euros, en baisse de 5 000 euros par rapport à 2020.",
        ),
        (
            "35000",
            None,
            "Il est proposé d'accorder pour la première fois une participation "
            "financière de la MEL à l'APES à hauteur de 35 000 euros.",
        ),
    ],
)
def test_financing_sentence(make_subsidy, make_deliberation, amount, previous, sentence):
    deliberation = make_deliberation([make_subsidy(amount=amount, previous=previous)])
    assert sentence in text_of(deliberation)


# b. Budget sentences


def test_budget_sentences(make_subsidy, make_deliberation):
    deliberation = make_deliberation([make_subsidy(projected_budget="753091")])
    assert (
        "Le budget prévisionnel de l'APES pour l'année 2021 s'élève à 753 091 euros. "
        "La MEL participe ainsi à hauteur de 4,6 % du budget prévisionnel global de la "
        "structure."
    ) in text_of(deliberation)


def test_budget_share_is_rounded_half_up(make_subsidy, make_deliberation):
    # 1 000 / 80 000 = 1,25 % → 1,3 %
    subsidy = make_subsidy(amount="1000", projected_budget="80000")
    assert "à hauteur de 1,3 % du budget" in text_of(make_deliberation([subsidy]))


def test_no_budget_sentences_without_a_projected_budget(make_subsidy, make_deliberation):
    text = text_of(make_deliberation([make_subsidy(projected_budget=None)]))
    assert "budget prévisionnel" not in text
    assert "participe ainsi" not in text


# c. Co-funding sentence


def test_one_cofunding_line(make_subsidy, make_deliberation):
    subsidy = make_subsidy(cofundings=[(["le Département du Nord"], "10000", {})])
    assert (
        "L'association sollicite également un financement auprès du Département du Nord "
        "pour un montant de 10 000 euros."
    ) in text_of(make_deliberation([subsidy]))


REFERENCE_PLAN = [
    (["l'Etat (DIRECCTE)"], "284000", {}),
    (["la Région Hauts-de-France"], "200000", {}),
    (["le Département du Pas-de-Calais"], "25575", {}),
    (["la Région Hauts-de-France"], "40400", {}),
    (
        [
            "Valenciennes Métropole",
            "Communauté urbaine d'Arras",
            "les 7 vallées Montreuillois Ternois",
        ],
        "39350",
        {"group_label": "d'autres collectivités locales"},
    ),
]
REFERENCE_SENTENCE = (
    "L'association sollicite également des financements auprès de l'Etat (DIRECCTE) pour un "
    "montant de 284 000 euros, de la Région Hauts-de-France pour un montant total de "
    "240 400 euros, du Département du Pas-de-Calais pour un montant de 25 575 euros et "
    "d'autres collectivités locales (Valenciennes Métropole, Communauté urbaine d'Arras et "
    "les 7 vallées Montreuillois Ternois) pour un montant de 39 350 euros."
)


def test_several_lines_a_partner_summed_and_a_group(make_subsidy, make_deliberation):
    subsidy = make_subsidy(projected_budget="1000000", cofundings=REFERENCE_PLAN)
    assert REFERENCE_SENTENCE in text_of(make_deliberation([subsidy]))


def test_one_line_flagged_as_a_total(make_subsidy, make_deliberation):
    plan = [
        (["l'Etat (DIRECCTE)"], "284000", {}),
        (["la Région Hauts-de-France"], "240400", {"is_total": True}),
        (["le Département du Pas-de-Calais"], "25575", {}),
        REFERENCE_PLAN[-1],
    ]
    subsidy = make_subsidy(projected_budget="1000000", cofundings=plan)
    assert REFERENCE_SENTENCE in text_of(make_deliberation([subsidy]))


@pytest.mark.parametrize(
    ("legal_form", "subject"),
    [
        (LegalForm.ASSOCIATION, "L'association"),
        (LegalForm.FOUNDATION, "La fondation"),
        (LegalForm.SCIC, "La coopérative"),
        (LegalForm.SCOP, "La coopérative"),
        (LegalForm.COMPANY, "La structure"),
        (LegalForm.OTHER, "La structure"),
    ],
)
def test_cofunding_subject_follows_the_legal_form(
    make_subsidy, make_deliberation, apes, legal_form, subject
):
    apes.legal_form = legal_form
    apes.save()
    subsidy = make_subsidy(cofundings=[(["le Département du Nord"], "10000", {})])
    assert f"{subject} sollicite également un financement" in text_of(make_deliberation([subsidy]))


def test_no_cofunding_no_sentence(make_subsidy, make_deliberation):
    assert "sollicite" not in text_of(make_deliberation([make_subsidy()]))


# d. Decisions


DECISIONS = (
    "1) De soutenir le programme d'actions proposé par l'APES pour l'année 2021 ; "
    "2) D'accorder une subvention d'un montant de 35 000 € pour l'APES ; "
    "3) D'autoriser le Président ou son représentant à signer la convention avec l'APES ; "
    "4) D'imputer les dépenses d'un montant de 35 000 € aux crédits inscrits au budget "
    "général en section fonctionnement."
)


def test_decisions_of_the_bureau(make_subsidy, make_deliberation):
    text = text_of(make_deliberation([make_subsidy()]))
    assert f"Par conséquent, le Bureau de la Métropole décide : {DECISIONS}" in text


def test_decisions_of_the_council(make_subsidy, make_deliberation, secretariat, session):
    session.body = "C"
    session.save()
    text = text_of(make_deliberation([make_subsidy()]))
    assert "Par conséquent, le Conseil de la Métropole décide : 1) De soutenir" in text


def test_no_agreement_no_signing_decision_and_renumbered(make_subsidy, make_deliberation):
    text = text_of(make_deliberation([make_subsidy(amount="20000")]))
    assert "signer" not in text
    assert (
        "2) D'accorder une subvention d'un montant de 20 000 € pour l'APES ; "
        "3) D'imputer les dépenses d'un montant de 20 000 € aux crédits"
    ) in text


# e. Several subsidies


def test_several_subsidies_table_and_plural_decisions(make_subsidy, make_deliberation):
    from tests.subventions.factories import BeneficiaryFactory

    subsidies = [
        make_subsidy(amount="35000"),
        make_subsidy(amount="45000", beneficiary=BeneficiaryFactory()),
        make_subsidy(amount="40000", beneficiary=BeneficiaryFactory()),
    ]
    text = text_of(make_deliberation(subsidies, title="Soutien à l'ESS 2021"))
    assert "Total — 120 000 €" in text
    assert (
        "D'accorder les subventions figurant dans le tableau ci-dessus, pour un montant total "
        "de 120 000 € ;"
    ) in text
    assert (
        "D'autoriser le Président ou son représentant à signer les conventions correspondantes ;"
    ) in text
    html = services.rendering.build_html(
        services.rendering.deliberation_context(subsidies[0].deliberations.get())
    )
    assert html.count("<tr>") == 5  # header, three subsidies, total
    assert "Bénéficiaire" in html and "Objet" in html and "Montant" in html


def test_several_subsidies_each_financing_paragraph_before_the_table(
    make_subsidy, make_deliberation
):
    """Three cases in one deliberation (same, higher, first time), each paragraph as a
    single-subsidy deliberation writes it, with its budget share and co-funders."""
    from tests.subventions.factories import BeneficiaryFactory

    jardins = BeneficiaryFactory(name_with_article="les Jardins partagés de Roubaix")
    hameau = BeneficiaryFactory(name_with_article="le Hameau des arts", legal_form="autre")
    subsidies = [
        make_subsidy(amount="35000", previous="35000", projected_budget="753091"),
        make_subsidy(
            amount="40000",
            previous="30000",
            beneficiary=jardins,
            cofundings=[(["la Région Hauts-de-France"], "12000", {})],
        ),
        make_subsidy(amount="25000", beneficiary=hameau, projected_budget="100000"),
    ]
    text = text_of(make_deliberation(subsidies, title="Soutien à l'ESS 2021"))
    paragraphs = [
        CONTINUITY + "reconduire la participation financière de la MEL à l'APES à hauteur "
        "de 35 000 euros, à l'identique de 2020. Le budget prévisionnel de l'APES pour "
        "l'année 2021 s'élève à 753 091 euros. La MEL participe ainsi à hauteur de 4,6 % du "
        "budget prévisionnel global de la structure.",
        CONTINUITY + "porter la participation financière de la MEL aux Jardins partagés de "
        "Roubaix à 40 000 euros, en hausse de 10 000 euros par rapport à 2020. Le budget "
        "prévisionnel des Jardins partagés de Roubaix pour l'année 2021 s'élève à 753 091 "
        "euros. La MEL participe ainsi à hauteur de 5,3 % du budget prévisionnel global de "
        "la structure. L'association sollicite également un financement auprès de la Région "
        "Hauts-de-France pour un montant de 12 000 euros.",
        "Il est proposé d'accorder pour la première fois une participation financière de la "
        "MEL au Hameau des arts à hauteur de 25 000 euros. Le budget prévisionnel du Hameau "
        "des arts pour l'année 2021 s'élève à 100 000 euros. La MEL participe ainsi à "
        "hauteur de 25,0 % du budget prévisionnel global de la structure.",
    ]
    positions = [text.index(paragraph) for paragraph in paragraphs]
    assert positions == sorted(positions)  # in the order of the table
    assert positions[-1] < text.index("Total — 100 000 €")
    deliberation = subsidies[0].deliberations.get()
    html = services.rendering.build_html(services.rendering.deliberation_context(deliberation))
    assert html.count('<p class="financing">') == 3
    assert html.index("au Hameau des arts") < html.index('<table class="subsidies">')


# f. Vote


def test_vote_unanimous(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    assert "Résultat du vote : ADOPTÉ À L'UNANIMITÉ" in text_of(deliberation)


def test_vote_majority_with_counts_and_non_participants(
    make_subsidy, make_deliberation, secretariat
):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(
        deliberation=deliberation,
        user=secretariat,
        votes_for=80,
        votes_against=5,
        abstentions=3,
        non_participants=["Mme X", "M. Y"],
    )
    assert (
        "Résultat du vote : ADOPTÉ À LA MAJORITÉ Pour : 80 – Contre : 5 – Abstentions : 3 "
        "N'ont pas pris part au vote : Mme X, M. Y"
    ) in text_of(deliberation)


def test_vote_rejected(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_reject(
        deliberation=deliberation, user=secretariat, votes_for=10, votes_against=70
    )
    assert "Résultat du vote : REJETÉ" in text_of(deliberation)


def test_executory_certificate(make_subsidy, make_deliberation, secretariat):
    import datetime

    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    assert "exécutoire" not in text_of(deliberation)
    services.deliberation_set_executory(
        deliberation=deliberation,
        date=datetime.date(2021, 4, 2),
        user=secretariat,
        reason="Acte ancien",
    )
    assert text_of(deliberation).endswith(
        "Résultat du vote : ADOPTÉ À L'UNANIMITÉ Acte certifié exécutoire au 02/04/2021"
    )


def test_draft_has_no_vote(make_subsidy, make_deliberation):
    assert "Résultat du vote" not in text_of(make_deliberation([make_subsidy()]))
