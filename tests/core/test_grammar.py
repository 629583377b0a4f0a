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


# One name of every form: article, gender, number, vowel, mute h, aspirated h.
FORMS = [
    # stored, legal form, str(Name), de, à, dénommé…, verb « mène »
    ("l'APES", "association", "l'APES", "de l'APES", "à l'APES", "dénommée", "mène"),
    (
        "le Hameau des arts",
        "",
        "le Hameau des arts",
        "du Hameau des arts",
        "au Hameau des arts",
        "dénommé",
        "mène",
    ),
    (
        "la Halte de nuit",
        "",
        "la Halte de nuit",
        "de la Halte de nuit",
        "à la Halte de nuit",
        "dénommée",
        "mène",
    ),
    (
        "l'Harmonie municipale",
        "",
        "l'Harmonie municipale",
        "de l'Harmonie municipale",
        "à l'Harmonie municipale",
        "dénommée",
        "mène",
    ),
    (
        "Harmonie de Wattrelos",
        "",
        "Harmonie de Wattrelos",
        "d'Harmonie de Wattrelos",
        "à Harmonie de Wattrelos",
        "dénommée",
        "mène",
    ),
    (
        "Hockey Club lillois",
        "",
        "Hockey Club lillois",
        "de Hockey Club lillois",
        "à Hockey Club lillois",
        "dénommé",
        "mène",
    ),
    (
        "les Jardins partagés de Roubaix",
        "association",
        "les Jardins partagés de Roubaix",
        "des Jardins partagés de Roubaix",
        "aux Jardins partagés de Roubaix",
        "dénommés",
        "mènent",
    ),
    (
        "les Amies du Vieux Lille",
        "association",
        "les Amies du Vieux Lille",
        "des Amies du Vieux Lille",
        "aux Amies du Vieux Lille",
        "dénommées",
        "mènent",
    ),
    (
        "la Maison des associations",
        "association",
        "la Maison des associations",
        "de la Maison des associations",
        "à la Maison des associations",
        "dénommée",
        "mène",
    ),
    ("le Atelier", "", "l'Atelier", "de l'Atelier", "à l'Atelier", "dénommé", "mène"),
    ("l'Hangar", "", "le Hangar", "du Hangar", "au Hangar", "dénommé", "mène"),
    (
        "Association Unis-Cité",
        "",
        "Association Unis-Cité",
        "d'Association Unis-Cité",
        "à Association Unis-Cité",
        "dénommée",
        "mène",
    ),
    (
        "Centre social Boilly",
        "association",
        "Centre social Boilly",
        "de Centre social Boilly",
        "à Centre social Boilly",
        "dénommé",
        "mène",
    ),
    (
        "Emmaüs Connect",
        "association",
        "Emmaüs Connect",
        "d'Emmaüs Connect",
        "à Emmaüs Connect",
        "dénommée",
        "mène",
    ),
    (
        "l'Union sportive",
        "",
        "l'Union sportive",
        "de l'Union sportive",
        "à l'Union sportive",
        "dénommée",
        "mène",
    ),
    (
        "le Club des aînés",
        "association",
        "le Club des aînés",
        "du Club des aînés",
        "au Club des aînés",
        "dénommé",
        "mène",
    ),
]


@pytest.mark.parametrize(("stored", "form", "text", "of", "to", "named", "leads"), FORMS)
def test_a_name_of_every_form_reads_right(stored, form, text, of, to, named, leads):
    name = grammar.Name.parse(stored, legal_form=form)
    assert str(name) == text
    assert grammar.de(name) == of
    assert grammar.a(name) == to
    assert grammar.agree(name, "dénommé") == named
    assert grammar.verb(name, "mène", "mènent") == leads
    assert grammar.que(name) == ("qu'" if of.startswith("d'") else "que ") + text


def test_the_clerks_gender_and_number_win_over_the_guess():
    # « le Collectif des Mamans » guessed masculine singular; the clerk says feminine plural.
    name = grammar.Name.parse("le Collectif des Mamans", gender="f", number="p")
    assert grammar.agree(name, "dénommé") == "dénommées"
    assert grammar.verb(name, "s'engage", "s'engagent") == "s'engagent"
    assert grammar.de(name) == "du Collectif des Mamans"  # the article still contracts


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 dossier"), (1, "1 dossier"), (2, "2 dossiers"), (35, "35 dossiers")],
)
def test_plural_follows_french_counts(count, expected):
    assert grammar.plural(count, "dossier") == expected


def test_plural_with_an_irregular_form():
    assert grammar.plural(2, "bureau", "bureaux") == "2 bureaux"
    assert grammar.by_count(1, "n'a", "n'ont") == "n'a"
    assert grammar.by_count(3, "n'a", "n'ont") == "n'ont"


def test_template_filters_agree_and_count():
    from django.template import Context, Template

    template = Template(
        '{% load grammar %}{{ name|capfirst }} {{ name|accord:"mène,mènent" }}, '
        '{{ name|accord:"dénommé,dénommée,dénommés,dénommées" }} ; '
        'la participation {{ name|de }} ; {{ count|pluriel:"dossier,dossiers" }}'
    )
    jardins = grammar.Name.parse("les Jardins partagés")
    assert template.render(Context({"name": jardins, "count": 2})) == (
        "Les Jardins partagés mènent, dénommés ; la participation des Jardins partagés ; 2 dossiers"
    )
    assert template.render(Context({"name": "la Maison", "count": 0})) == (
        "La Maison mène, dénommée ; la participation de la Maison ; 0 dossier"
    )
