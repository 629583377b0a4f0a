"""« à » and « de » before names stored with their article."""

import pytest

from core import grammar

TABLE = [
    # name as stored, à …, de …
    ("l'APES", "à l'APES", "de l'APES"),
    ("l’APES", "à l’APES", "de l’APES"),
    ("l'Etat (DIRECCTE)", "à l'Etat (DIRECCTE)", "de l'Etat (DIRECCTE)"),
    ("le Département du Nord", "au Département du Nord", "du Département du Nord"),
    (
        "le Département du Pas-de-Calais",
        "au Département du Pas-de-Calais",
        "du Département du Pas-de-Calais",
    ),
    (
        "les 7 vallées Montreuillois Ternois",
        "aux 7 vallées Montreuillois Ternois",
        "des 7 vallées Montreuillois Ternois",
    ),
    ("les Restos du Cœur", "aux Restos du Cœur", "des Restos du Cœur"),
    ("la Région Hauts-de-France", "à la Région Hauts-de-France", "de la Région Hauts-de-France"),
    ("la MEL", "à la MEL", "de la MEL"),
    ("Valenciennes Métropole", "à Valenciennes Métropole", "de Valenciennes Métropole"),
    ("Communauté urbaine d'Arras", "à Communauté urbaine d'Arras", "de Communauté urbaine d'Arras"),
    ("Arras", "à Arras", "d'Arras"),
    ("Emmaüs Connect", "à Emmaüs Connect", "d'Emmaüs Connect"),
    ("Île-de-France Mobilités", "à Île-de-France Mobilités", "d'Île-de-France Mobilités"),
    (
        "d'autres collectivités locales",
        "à d'autres collectivités locales",
        "d'autres collectivités locales",
    ),
    ("autres financeurs privés", "à autres financeurs privés", "d'autres financeurs privés"),
    ("Le Havre Seine Métropole", "au Havre Seine Métropole", "du Havre Seine Métropole"),
    ("La Poste", "à La Poste", "de La Poste"),
    ("Lille", "à Lille", "de Lille"),
    ("  la Fondation de France ", "à la Fondation de France", "de la Fondation de France"),
]


@pytest.mark.parametrize(("name", "to", "of"), TABLE)
def test_a_and_de_contract_with_the_article(name, to, of):
    assert grammar.a(name) == to
    assert grammar.de(name) == of


def test_the_table_covers_at_least_fifteen_names():
    assert len(TABLE) >= 15


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["A"], "A"),
        (["A", "B"], "A et B"),
        (
            ["Valenciennes Métropole", "Communauté urbaine d'Arras", "les 7 vallées"],
            "Valenciennes Métropole, Communauté urbaine d'Arras et les 7 vallées",
        ),
    ],
)
def test_enumeration(items, expected):
    assert grammar.enumeration(items) == expected
