"""Any French authority, not only the MEL (issue 12, item 2): its kind, its short name, its
executive's title and gender and its bodies are data, read by the deliberation and the
agreement of the session's authority."""

import datetime

import pytest
from django.template.loader import render_to_string

from conventions import rendering as agreement_rendering
from conventions import services as agreement_services
from deliberations import rendering, services
from deliberations.enums import Body
from subventions.enums import AuthorityKind
from subventions.models import Authority
from tests.deliberations.conftest import normalise, text_of
from tests.subventions.factories import AuthorityFactory, luhn_siret

COMMUNE = {
    "kind": AuthorityKind.COMMUNE,
    "name": "Ville de Moulinville",
    "name_with_article": "la Ville",
    "name_gender": "f",
    "president_name": "Claire Vasseur",
    "president_title": "Maire",
    "president_gender": "f",
    "bureau_name": "le Bureau municipal",
    "bureau_deciding": "le Bureau municipal",
    "council_name": "le Conseil municipal",
    "council_deciding": "le Conseil municipal",
    "seat_city": "Moulinville",
}
DEPARTMENT = {
    "kind": AuthorityKind.DEPARTMENT,
    "name": "Département du Nord",
    "name_with_article": "le Département",
    "name_gender": "m",
    "president_name": "Christian Poiret",
    "president_title": "Président",
    "president_gender": "m",
    "bureau_name": "la Commission permanente",
    "bureau_deciding": "la Commission permanente du Conseil départemental",
    "council_name": "le Conseil départemental",
    "council_deciding": "le Conseil départemental",
    "seat_city": "Lille",
}
REGION = {
    "kind": AuthorityKind.REGION,
    "name": "Région Hauts-de-France",
    "name_with_article": "la Région",
    "name_gender": "f",
    "president_name": "Anne Lefebvre",
    "president_title": "Présidente",
    "president_gender": "f",
    "bureau_name": "la Commission permanente",
    "bureau_deciding": "la Commission permanente du Conseil régional",
    "council_name": "le Conseil régional",
    "council_deciding": "le Conseil régional",
    "seat_city": "Lille",
}

CASES = [
    # data, body, header, decides, authorises, parties
    (
        COMMUNE,
        Body.COUNCIL,
        "Délibération DU CONSEIL MUNICIPAL",
        "Par conséquent, le Conseil municipal décide :",
        "D'autoriser la Maire ou son représentant à signer la convention avec l'APES ;",
        "Ville de Moulinville, 1 place de la Mairie, 59000 Moulinville, SIRET {siret}, "
        "représentée par sa Maire, Claire Vasseur, dûment habilitée par la délibération "
        "n° 21 C 0001 du Conseil municipal du 2 avril 2021, ci-après dénommée « la Ville »,",
    ),
    (
        DEPARTMENT,
        Body.BUREAU,
        "Délibération DE LA COMMISSION PERMANENTE",
        "Par conséquent, la Commission permanente du Conseil départemental décide :",
        "D'autoriser le Président ou son représentant à signer la convention avec l'APES ;",
        "Département du Nord, 1 place de la Mairie, 59000 Moulinville, SIRET {siret}, "
        "représenté par son Président, Christian Poiret, dûment habilité par la délibération "
        "n° 21 B 0001 de la Commission permanente du 2 avril 2021, "
        "ci-après dénommé « le Département »,",
    ),
    (
        REGION,
        Body.BUREAU,
        "Délibération DE LA COMMISSION PERMANENTE",
        "Par conséquent, la Commission permanente du Conseil régional décide :",
        "D'autoriser la Présidente ou son représentant à signer la convention avec l'APES ;",
        "Région Hauts-de-France, 1 place de la Mairie, 59000 Moulinville, SIRET {siret}, "
        "représentée par sa Présidente, Anne Lefebvre, dûment habilitée par la délibération "
        "n° 21 B 0001 de la Commission permanente du 2 avril 2021, "
        "ci-après dénommée « la Région »,",
    ),
]


def _other_authority(data) -> Authority:
    return AuthorityFactory(
        siret=luhn_siret(7),
        address="1 place de la Mairie",
        postal_code="59000",
        city="Moulinville",
        administrative_court="Tribunal administratif de Lille",
        **data,
    )


@pytest.mark.parametrize(
    ("data", "body", "header", "decides", "authorises", "parties"),
    CASES,
    ids=["commune", "departement", "region"],
)
def test_the_session_authority_speaks_in_deliberation_and_agreement(
    authority, secretariat, head_of_service, make_subsidy, data, body, header, decides,
    authorises, parties,
):  # fmt: skip
    other = _other_authority(data)
    assert Authority.current() == authority  # the MEL stays the default one
    session = services.session_create(
        user=secretariat,
        body=body,
        date=datetime.date(2021, 4, 2),
        time=datetime.time(18),
        authority=other,
    )
    label = other.body_name(body).split(" ", 1)[1]
    assert str(session) == f"{label[:1].upper()}{label[1:]} du vendredi 2 avril 2021"
    subsidy = make_subsidy(amount="35000")
    deliberation = services.deliberation_create(
        user=secretariat, subsidies=[subsidy], session=session
    )

    text = text_of(deliberation)
    assert header in text
    assert decides in text
    assert authorises in text
    assert "Métropole" not in text and "MEL" not in text and "Bureau" not in text
    html = normalise(rendering.render_html(deliberation))
    assert decides in html and header in html

    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    services.deliberation_set_executory(
        deliberation=deliberation,
        date=datetime.date(2021, 4, 2),
        user=secretariat,
        reason="Acte transmis et affiché avant la mise en service de l'application.",
    )
    subsidy.refresh_from_db()
    agreement = agreement_services.agreement_create(subsidy=subsidy, user=head_of_service)
    page = render_to_string(
        agreement_rendering.AGREEMENT_PDF, agreement_rendering.agreement_html_context(agreement)
    )
    page = normalise(page.replace("<p>", " ").replace("</p>", " "))
    page = normalise(page.replace('<span class="party-name">', "").replace("</span>", ""))
    assert parties.format(siret=other.siret) in page
    assert f"Pour {data['name_with_article']}" in page
    assert "la MEL" not in page and "Métropole" not in page


def test_the_mel_keeps_its_words(authority):
    """The MEL's data (the defaults) reproduce today's words."""
    assert authority.executive == "le Président"
    assert authority.executive_possessive == "son Président"
    assert authority.body_name(Body.BUREAU) == "le Bureau"
    assert authority.body_deciding(Body.BUREAU) == "le Bureau de la Métropole"
    assert authority.body_deciding(Body.COUNCIL) == "le Conseil de la Métropole"


def test_a_second_authority_is_not_the_default(authority):
    other = _other_authority(COMMUNE)
    assert not other.is_default
    assert Authority.current() == authority
    other.is_default = True
    with pytest.raises(Exception, match="par défaut"):
        other.full_clean()
