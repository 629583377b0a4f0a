"""The demo's second authority (issue 12, item 8): a commune whose Maire is a woman and
whose Conseil municipal votes a first subsidy to « les Amis du Vieux Moulin »."""

import html
import re

import pytest
from django.template.loader import render_to_string
from stdnum.fr import siret

from conventions import rendering as agreement_rendering
from conventions.enums import AgreementStatus
from conventions.models import Agreement
from deliberations import rendering
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation
from pilotage.demo import commune
from subventions.enums import SubsidyStatus
from subventions.models import Authority, Subsidy

pytestmark = pytest.mark.django_db


def normalise(text: str) -> str:
    text = re.sub(r"</?span[^>]*>", "", html.unescape(text))
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


@pytest.fixture
def moulin(demo):
    return Subsidy.objects.get(beneficiary__siret=commune.MOULIN["siret"])


def test_the_commune_is_a_second_authority_and_the_mel_stays_the_default(demo, moulin):
    ville = Authority.objects.get(siret=commune.COMMUNE["siret"])
    assert siret.is_valid(ville.siret) and siret.is_valid(commune.MOULIN["siret"])
    assert Authority.current().name == "Métropole Européenne de Lille"
    assert ville.executive == "la Maire"
    deliberation = Deliberation.objects.get(subsidies=moulin)
    assert deliberation.session.authority == ville
    assert deliberation.status == DeliberationStatus.ADOPTED
    assert deliberation.number == "25 C 0001"
    assert moulin.status == SubsidyStatus.VOTED and moulin.previous_subsidy is None
    agreement = Agreement.objects.get(subsidy=moulin)
    assert agreement.status == AgreementStatus.READY


def test_the_commune_deliberation_speaks_as_the_conseil_municipal(moulin):
    text = normalise(rendering.render_text(Deliberation.objects.get(subsidies=moulin)))
    assert "Délibération DU CONSEIL MUNICIPAL" in text
    assert (
        "Il est proposé d'accorder pour la première fois une participation financière de la "
        "Ville aux Amis du Vieux Moulin à hauteur de 28 000 euros." in text
    )
    assert "Par conséquent, le Conseil municipal décide :" in text
    assert "D'autoriser la Maire ou son représentant à signer la convention" in text
    assert "Métropole" not in text and "MEL" not in text and "Bureau" not in text


def test_the_commune_agreement_names_the_maire_and_the_plural_association(moulin):
    agreement = Agreement.objects.get(subsidy=moulin)
    page = normalise(
        render_to_string(
            agreement_rendering.AGREEMENT_PDF,
            agreement_rendering.agreement_html_context(agreement),
        )
    )
    assert (
        "Ville de Beaurivage, Hôtel de ville, 1 place du Général-de-Gaulle, 59990 Beaurivage, "
        "SIRET 21599990500015, représentée par sa Maire, Hélène Dufresne, dûment habilitée "
        "par la délibération n° 25 C 0001 du Conseil municipal du 14 mars 2025"
    ) in page
    assert "ci-après dénommée « la Ville »" in page
    assert "ci-après dénommés « les Amis du Vieux Moulin »" in page
    assert "les Amis du Vieux Moulin s'engagent" in page.replace("Les Amis", "les Amis")
    assert "Pour la Ville Hélène Dufresne Maire" in page
    assert (
        "Vu le code général des collectivités territoriales, notamment ses articles "
        "L. 1611-4, L. 2121-29 et L. 2311-7 ;"
    ) in page
    assert "Vu la loi n° 2021-1109 du 24 août 2021" in page  # requested in November 2024
    assert "Fait à Beaurivage" in page
    assert "MEL" not in page and "Métropole" not in page
    assert "le Président" not in page and "son Président" not in page
