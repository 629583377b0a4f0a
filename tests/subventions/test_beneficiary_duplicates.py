"""A beneficiary that looks like one already stored (same RNA, same SIRET, same normalised
name, or on PostgreSQL a similar name) is saved only once the clerk confirms « ce n'est
pas un doublon »; a French postal code has 5 digits and a plausible département."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.grammar import name_key
from subventions import selectors, services
from subventions.enums import Role
from subventions.models import Beneficiary
from subventions.validators import POSTAL_CODE_INVALID, validate_postal_code
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("L'A.P.E.S.", "apes"),
        ("Les Amis du Musée", "AMIS DU MUSEE"),
        ("Théâtre du Nord", "le théâtre-du-nord !"),
    ],
)
def test_names_share_their_key_across_accents_case_punctuation_and_articles(first, second):
    assert name_key(first) == name_key(second)


def test_a_second_beneficiary_with_the_same_name_and_no_siret_asks_for_a_confirmation(
    make_user,
):
    instructor = make_user(Role.INSTRUCTOR)
    existing = services.beneficiary_create(
        user=instructor, legal_name="Les Amis du Musée", name_with_article="les Amis du Musée"
    )
    with pytest.raises(ValidationError) as refused:
        services.beneficiary_create(
            user=instructor, legal_name="AMIS DU MUSEE", name_with_article="les Amis du Musée"
        )
    [message] = refused.value.message_dict["not_a_duplicate"]
    assert "semble déjà enregistré : « Les Amis du Musée » (même nom)" in message
    assert "Ce n'est pas un doublon" in message
    assert Beneficiary.objects.get() == existing

    second = services.beneficiary_create(
        user=instructor,
        legal_name="AMIS DU MUSEE",
        name_with_article="les Amis du Musée",
        not_a_duplicate=True,
    )
    assert Beneficiary.objects.count() == 2
    assert second.name_key == existing.name_key == "amis musee"


def test_the_same_rna_is_a_likely_duplicate(make_user):
    BeneficiaryFactory(legal_name="Association A", rna="W595012345", siret="")
    other = Beneficiary(legal_name="Tout autre nom", rna="W595012345")
    [duplicate] = selectors.beneficiary_duplicates(other)
    assert duplicate.reason == selectors.SAME_RNA


def test_the_same_siret_is_a_likely_duplicate():
    existing = BeneficiaryFactory(legal_name="Association B")
    other = Beneficiary(legal_name="Tout autre nom", siret=existing.siret)
    [duplicate] = selectors.beneficiary_duplicates(other)
    assert (duplicate.beneficiary, duplicate.reason) == (existing, selectors.SAME_SIRET)


def test_a_beneficiary_is_not_its_own_duplicate_and_an_edit_of_its_notes_is_not_checked(
    make_user,
):
    instructor = make_user(Role.INSTRUCTOR)
    first = BeneficiaryFactory(legal_name="Maison des associations")
    BeneficiaryFactory(legal_name="La Maison des Associations")
    assert selectors.beneficiary_duplicates(Beneficiary.objects.get(pk=first.pk))
    services.beneficiary_update(beneficiary=first, user=instructor, notes="Rappeler.")
    with pytest.raises(ValidationError):
        services.beneficiary_update(
            beneficiary=first, user=instructor, legal_name="MAISON DES ASSOCIATIONS"
        )


def test_similar_names_are_likely_duplicates_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity needs PostgreSQL (pg_trgm)")
    existing = BeneficiaryFactory(legal_name="Association pour l'économie sociale et solidaire")
    other = Beneficiary(legal_name="Association pour l'économie sociale solidaire de Lille")
    [duplicate] = selectors.beneficiary_duplicates(other)
    assert (duplicate.beneficiary, duplicate.reason) == (existing, selectors.SIMILAR_NAME)
    assert selectors.beneficiary_duplicates(Beneficiary(legal_name="Théâtre du Nord")) == []


def _staff_data(**overrides):
    data = {
        "version": "",
        "legal_name": "AMIS DU MUSEE",
        "name_with_article": "les Amis du Musée",
        "legal_form": "association",
        "postal_code": "59000",
    }
    data.update(overrides)
    return data


def test_the_staff_form_asks_for_the_confirmation_then_saves(client, make_user):
    BeneficiaryFactory(legal_name="Les Amis du Musée", siret="")
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("subventions:beneficiary_create")
    response = client.post(url, _staff_data())
    assert response.status_code == 200
    assert "semble déjà enregistré" in response.context["form"].errors["not_a_duplicate"][0]
    assert "Ce n&#x27;est pas un doublon : enregistrer quand même" in response.text
    assert Beneficiary.objects.count() == 1
    response = client.post(url, _staff_data(not_a_duplicate="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_the_admin_asks_for_the_confirmation_then_saves(client, make_user):
    BeneficiaryFactory(legal_name="Les Amis du Musée", siret="")
    client.force_login(make_user(Role.INSTRUCTOR))
    url = reverse("admin:subventions_beneficiary_add")
    response = client.post(url, _staff_data())
    assert response.status_code == 200
    assert (
        "semble déjà enregistré" in response.context["adminform"].form.errors["not_a_duplicate"][0]
    )
    assert Beneficiary.objects.count() == 1
    response = client.post(url, _staff_data(not_a_duplicate="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Beneficiary.objects.count() == 2


# Postal codes


@pytest.mark.parametrize(
    "code", ["59000", "01000", "20000", "20200", "95880", "97100", "97600", "98000", "98800"]
)
def test_french_postal_codes_are_accepted(code):
    validate_postal_code(code)


@pytest.mark.parametrize(
    "code",
    ["5910", "591000", "00100", "96000", "99000", "97000", "97900", "98100", "2A000", "A9000"],
)
def test_implausible_postal_codes_are_refused_in_french(code):
    with pytest.raises(ValidationError) as refused:
        validate_postal_code(code)
    assert refused.value.messages == [POSTAL_CODE_INVALID]


def test_the_staff_form_refuses_postal_code_5910(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(
        reverse("subventions:beneficiary_create"), _staff_data(postal_code="5910")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["postal_code"] == [POSTAL_CODE_INVALID]
    assert not Beneficiary.objects.exists()


def test_the_admin_refuses_postal_code_5910(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(
        reverse("admin:subventions_beneficiary_add"), _staff_data(postal_code="5910")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["postal_code"] == [POSTAL_CODE_INVALID]
    assert not Beneficiary.objects.exists()


def test_the_service_normalises_then_checks_the_postal_code(make_user):
    instructor = make_user(Role.INSTRUCTOR)
    with pytest.raises(ValidationError) as refused:
        services.beneficiary_create(
            user=instructor, legal_name="X", name_with_article="X", postal_code="5910"
        )
    assert refused.value.message_dict["postal_code"] == [POSTAL_CODE_INVALID]
    created = services.beneficiary_create(
        user=instructor, legal_name="Y", name_with_article="Y", postal_code="59 000"
    )
    assert created.postal_code == "59000"
