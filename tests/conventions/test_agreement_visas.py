"""Legal references by date (issue 12, item 3): each visa of the template in force is cited
only by the agreements it applies to — by the request's date and the authority's kind."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions import rendering
from conventions import services as agreement_services
from conventions.models import AgreementTemplate, AgreementVisa
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from subventions.enums import AuthorityKind, Role
from subventions.models import Subsidy
from tests.subventions.factories import (
    ActionAxisFactory,
    AuthorityFactory,
    BeneficiaryFactory,
    SubsidyFactory,
)

pytestmark = pytest.mark.django_db

CGCT_EPCI = (
    "Vu le code général des collectivités territoriales, notamment ses articles "
    "L. 1611-4, L. 5211-1 et L. 5211-10 ;"
)
LOI_2000 = (
    "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs "
    "relations avec les administrations, notamment son article 10 ;"
)
DECRET_2001 = (
    "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la "
    "loi n° 2000-321 du 12 avril 2000 et relatif à la transparence financière des aides "
    "octroyées par les personnes publiques ;"
)
CER = (
    "Vu la loi n° 2021-1109 du 24 août 2021 confortant le respect des principes de la "
    "République, et le décret n° 2021-1947 du 31 décembre 2021 approuvant le contrat "
    "d'engagement républicain des associations et fondations bénéficiant de subventions "
    "publiques ;"
)


def _agreement(year: int, received_on: datetime.date, number: str, authority=None):
    """The agreement of a file granted by an adopted Bureau deliberation of `year`."""
    session_date = datetime.date(year, 4, 2)
    session, _created = Session.objects.get_or_create(
        body=Body.BUREAU, date=session_date, time=datetime.time(9), authority=authority
    )
    apes = BeneficiaryFactory(name_with_article="l'APES")
    subsidy = SubsidyFactory(voted=True, year=year, beneficiary=apes, received_on=received_on)
    ActionAxisFactory(subsidy=subsidy, position=1)
    deliberation = Deliberation.objects.create(
        policy_area=subsidy.policy_area, title=subsidy.title, number=number, session=session
    )
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=DeliberationStatus.ADOPTED, executory_date=session_date, voted_at=timezone.now()
    )
    Subsidy.objects.filter(pk=subsidy.pk).update(executory_on=session_date)
    subsidy.refresh_from_db()
    return agreement_services.agreement_create(subsidy=subsidy, user=PREPARER["user"])


PREPARER = {}


@pytest.fixture(autouse=True)
def preparer(make_user):
    PREPARER["user"] = make_user(Role.ASSEMBLY_SECRETARIAT)


def _visas(agreement) -> list[str]:
    parts = rendering.template_parts(agreement.template, rendering.agreement_context(agreement))
    return [html.unescape(str(visa)) for visa in parts["visas"]]


def test_a_2021_agreement_does_not_cite_the_2022_republican_commitment():
    AuthorityFactory()  # the MEL: an EPCI
    agreement = _agreement(2021, datetime.date(2021, 1, 15), "21 B 0110")
    assert _visas(agreement) == [
        CGCT_EPCI,
        LOI_2000,
        DECRET_2001,
        "Vu la délibération n° 21 B 0110 du Bureau du 2 avril 2021, exécutoire le 2 avril 2021 ;",
        "Vu la demande de subvention présentée par l'APES.",
    ]


def test_a_2023_agreement_cites_the_republican_commitment():
    AuthorityFactory()
    agreement = _agreement(2023, datetime.date(2023, 1, 20), "23 B 0042")
    assert _visas(agreement) == [
        CGCT_EPCI,
        LOI_2000,
        DECRET_2001,
        CER,
        "Vu la délibération n° 23 B 0042 du Bureau du 2 avril 2023, exécutoire le 2 avril 2023 ;",
        "Vu la demande de subvention présentée par l'APES.",
    ]


def test_the_republican_commitment_applies_from_2_january_2022():
    AuthorityFactory()
    assert CER in _visas(_agreement(2022, datetime.date(2022, 1, 2), "22 B 0001"))
    assert CER not in _visas(_agreement(2022, datetime.date(2022, 1, 1), "22 B 0002"))


def test_a_commune_cites_its_own_articles_of_the_code():
    AuthorityFactory()
    commune = AuthorityFactory(
        kind=AuthorityKind.COMMUNE,
        name="Ville de Moulinville",
        name_with_article="la Ville",
        council_name="le Conseil municipal",
        bureau_name="le Bureau municipal",
    )
    visas = _visas(_agreement(2023, datetime.date(2023, 1, 20), "23 B 0001", commune))
    assert visas[0] == (
        "Vu le code général des collectivités territoriales, notamment ses articles "
        "L. 1611-4, L. 2121-29 et L. 2311-7 ;"
    )
    assert CGCT_EPCI not in visas
    assert "Vu la délibération n° 23 B 0001 du Bureau municipal du 2 avril 2023" in visas[-2]


def test_a_visa_period_must_be_in_order_and_its_text_must_render():
    template = AgreementTemplate.active()
    visa = AgreementVisa(
        template=template,
        position=99,
        text="Vu {{ inconnue }} ;",
        applies_from=datetime.date(2022, 1, 2),
        applies_until=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        visa.full_clean()
    messages = " ".join(error.value.messages)
    assert "variable inconnue « inconnue »" in messages
    assert "ne peut précéder son début" in messages


def test_the_articles_mention_the_republican_commitment_only_when_it_applies():
    AuthorityFactory()

    def articles(agreement):
        context = rendering.agreement_context(agreement)
        parts = rendering.template_parts(agreement.template, context)
        return html.unescape(" ".join(str(article["html"]) for article in parts["articles"]))

    assert "engagement républicain" not in articles(
        _agreement(2021, datetime.date(2021, 1, 15), "21 B 0110")
    )
    later = articles(_agreement(2023, datetime.date(2023, 1, 20), "23 B 0042"))
    assert "contrat d'engagement républicain prévu par la loi n° 2021-1109" in later
    assert "Le manquement au contrat d'engagement républicain" in later


def test_the_database_keeps_the_visas_of_a_version_in_use():
    AuthorityFactory()
    agreement = _agreement(2023, datetime.date(2023, 1, 20), "23 B 0042")
    visas = AgreementVisa.objects.filter(template=agreement.template)
    with pytest.raises(IntegrityError), transaction.atomic():
        visas.update(applies_from=datetime.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVisa.objects.create(template=agreement.template, position=99, text="Vu …")
    assert not visas.filter(applies_from=datetime.date(2020, 1, 1)).exists()
