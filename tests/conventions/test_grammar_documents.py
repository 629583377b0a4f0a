"""One French grammar in every generated text: the agreement, the deliberation and the page
messages say the beneficiary's name with its article, contract « de » and « à » with it and
agree their verbs and participles with its gender and number (issue 12, item 1).

Texts are read as a reader sees them: tags out, entities decoded, runs of spaces (no-break
ones included) as one space.
"""

import html
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions import rendering as agreement_rendering
from conventions import services as agreement_services
from conventions.models import AgreementTemplate, Amendment
from conventions.models.templates import AMENDMENT_TEMPLATE_NAME
from deliberations import rendering as deliberation_rendering
from subventions.models import Beneficiary
from subventions.views import beneficiary_saved
from tests.conventions.agreements import granted_subsidy
from tests.deliberations.conftest import normalise
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def read(markup: str) -> str:
    return normalise(html.unescape(strip_tags(markup)))


def agreement_text(agreement) -> str:
    """The agreement's whole page (parties, visas, preamble, articles, signatures), without
    laying out the PDF."""
    context = agreement_rendering.agreement_html_context(agreement)
    return read(render_to_string(agreement_rendering.AGREEMENT_PDF, context))


def deliberation_text(subsidy) -> str:
    deliberation = subsidy.deliberations.get()
    return normalise(deliberation_rendering.build_text(
        deliberation_rendering.deliberation_context(deliberation)
    ))  # fmt: skip


def amendment_text(agreement) -> str:
    """An amendment of the agreement from the amendment template in force (made directly:
    amendment_create wants the agreement signed first, which lays out PDFs)."""
    amendment = Amendment.objects.create(
        agreement=agreement,
        number=1,
        reason="Prolongation de la période d'exécution.",
        amount_change=Decimal("5000"),
        template=AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME),
    )
    context = agreement_rendering.amendment_html_context(amendment)
    return read(render_to_string(agreement_rendering.AMENDMENT_TEMPLATE_PDF, context))


def documents_of(beneficiary: Beneficiary, preparer) -> tuple[str, str, str, str]:
    subsidy = granted_subsidy(beneficiary=beneficiary, projected_budget=100000)
    agreement = agreement_services.agreement_create(subsidy=subsidy, user=preparer)
    return (
        agreement_text(agreement),
        deliberation_text(subsidy),
        beneficiary_saved(beneficiary),
        amendment_text(agreement),
    )


# stored name, legal form; then the phrases each document must hold, with « {Name} » the
# name at the start of a sentence.
CASES = {
    "masculine": ("le Club des aînés", "association"),
    "feminine": ("la Maison des associations", "association"),
    "plural": ("les Jardins partagés de Roubaix", "association"),
    "feminine plural": ("les Amies du Vieux Lille", "association"),
    "vowel, feminine acronym": ("l'APES", "association"),
    "vowel, masculine": ("l'Atelier du Marais", "autre"),
    "mute h": ("l'Harmonie municipale", "association"),
    "aspirated h": ("le Hameau des arts", "autre"),
    "no article, vowel": ("Emmaüs Connect", "association"),
    "no article, aspirated h": ("Hockey Club lillois", "autre"),
}
EXPECTED = {
    # name: (de …, à …, que …, dénommé…, représenté…, mène, s'engage, leurs/ses, Il/Elle…)
    "masculine": (
        "du Club des aînés", "au Club des aînés", "que le Club des aînés",
        "dénommé", "représenté", "mène", "s'engage", "ses", "Il",
    ),
    "feminine": (
        "de la Maison des associations", "à la Maison des associations",
        "que la Maison des associations", "dénommée", "représentée", "mène", "s'engage",
        "ses", "Elle",
    ),
    "plural": (
        "des Jardins partagés de Roubaix", "aux Jardins partagés de Roubaix",
        "que les Jardins partagés de Roubaix", "dénommés", "représentés", "mènent",
        "s'engagent", "leurs", "Ils",
    ),
    "feminine plural": (
        "des Amies du Vieux Lille", "aux Amies du Vieux Lille", "que les Amies du Vieux Lille",
        "dénommées", "représentées", "mènent", "s'engagent", "leurs", "Elles",
    ),
    "vowel, feminine acronym": (
        "de l'APES", "à l'APES", "que l'APES", "dénommée", "représentée", "mène",
        "s'engage", "ses", "Elle",
    ),
    "vowel, masculine": (
        "de l'Atelier du Marais", "à l'Atelier du Marais", "que l'Atelier du Marais",
        "dénommé", "représenté", "mène", "s'engage", "ses", "Il",
    ),
    "mute h": (
        "de l'Harmonie municipale", "à l'Harmonie municipale", "que l'Harmonie municipale",
        "dénommée", "représentée", "mène", "s'engage", "ses", "Elle",
    ),
    "aspirated h": (
        "du Hameau des arts", "au Hameau des arts", "que le Hameau des arts",
        "dénommé", "représenté", "mène", "s'engage", "ses", "Il",
    ),
    "no article, vowel": (
        "d'Emmaüs Connect", "à Emmaüs Connect", "qu'Emmaüs Connect",
        "dénommée", "représentée", "mène", "s'engage", "ses", "Elle",
    ),
    "no article, aspirated h": (
        "de Hockey Club lillois", "à Hockey Club lillois", "que Hockey Club lillois",
        "dénommé", "représenté", "mène", "s'engage", "ses", "Il",
    ),
}  # fmt: skip


@pytest.fixture
def preparer(make_user):
    from subventions.enums import Role

    return make_user(Role.HEAD_OF_SERVICE)


@pytest.mark.parametrize("case", list(CASES))
def test_every_form_of_name_reads_right_in_every_document(case, preparer):
    stored, legal_form = CASES[case]
    of, to, that, named, represented, leads, commits, their, pronoun = EXPECTED[case]
    beneficiary = BeneficiaryFactory(name_with_article=stored, legal_form=legal_form)
    name = str(beneficiary.grammatical_name)
    capital = name[:1].upper() + name[1:]
    agreement, deliberation, message, amendment = documents_of(beneficiary, preparer)

    # The agreement: parties, preamble, articles 1, 4, 5 and 7.
    assert f"ci-après {named} « {name} »" in agreement
    assert f", {represented} par Camille Martin, Présidente" in agreement
    assert f"Considérant {that} {leads}, de {'leur' if their == 'leurs' else 'sa'} propre" in (
        agreement
    )
    assert f"programme d'actions 2021 {of}." in agreement
    assert f"{capital} {commits} à mettre en œuvre ce programme" in agreement
    assert "une subvention de trente-cinq mille euros (35 000 €)" in agreement
    assert f"attribue {to} une subvention" in agreement
    assert f"par virement au compte {of} :" in agreement
    assert f"{capital} {'tiennent' if leads == 'mènent' else 'tient'} à sa disposition" in (
        agreement
    )
    assert f"également {their} comptes annuels" in agreement
    if "engagement républicain" in agreement:  # cited for requests from 2022 on
        assert f"{pronoun} {commits} à respecter ce contrat" in agreement

    # The deliberation: the financing and budget sentences, the decisions.
    assert f"participation financière de la MEL {to} à hauteur de 35 000 euros" in deliberation
    assert f"Le budget prévisionnel {of} pour l'année 2021" in deliberation
    assert f"D'accorder une subvention d'un montant de 35 000 € pour {name} ;" in deliberation

    # The page message.
    assert message == f"La fiche {of} est enregistrée."

    # The amendment: its parties.
    assert f"ci-après {named} « {name} »" in amendment
    assert f", {represented} par Camille Martin, Présidente" in amendment


FORBIDDEN = re.compile(r"\b(de le|de les|à le|à les|de un|de une|que un|que une)\b", re.I)
ARTICLES = st.sampled_from(["", "le ", "la ", "l'", "les ", "Le ", "La ", "L'", "Les "])
HEADS = st.sampled_from(
    [
        "Atelier", "Ateliers", "Association", "Amis", "Amies", "Union", "Harmonie", "Hôtel",
        "Hameau", "Halte", "Hockey", "Hangar", "Hibou", "Maison", "Jardins", "Club", "Un",
        "Une", "Écho", "Îlot", "Oasis", "Collectif", "Restos", "Yourte", "Ensemble",
    ]
)  # fmt: skip
TAILS = st.sampled_from(["", " du Vieux Moulin", " des arts", " de Roubaix", " solidaire"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(article=ARTICLES, head=HEADS, tail=TAILS, form=st.sampled_from(["association", "autre"]))
def test_no_generated_name_makes_de_le_or_a_les(preparer, article, head, tail, form):
    beneficiary = BeneficiaryFactory(name_with_article=f"{article}{head}{tail}", legal_form=form)
    for text in documents_of(beneficiary, preparer):
        assert FORBIDDEN.findall(text) == [], text
