"""Identifier checks: SIRET, RNA, IBAN, BIC (issue 2, Acceptance)."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.fr import siret

from subventions import validators
from subventions.models import Beneficiary
from tests.subventions.factories import BeneficiaryFactory, luhn_siret

MEL_SIRET = "20009320100016"
IBAN = "FR7630006000011234567890189"


def beneficiary(**fields) -> Beneficiary:
    return Beneficiary(legal_name="Association test", name_with_article="l'association", **fields)


def field_errors(instance, field: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict.get(field, [])


def test_factory_sirets_are_valid_and_distinct():
    numbers = [luhn_siret(n) for n in range(50)]
    assert all(siret.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)


def test_siret_with_valid_luhn_key_accepted():
    validators.validate_siret(MEL_SIRET)


@pytest.mark.parametrize("value", ["20009320100017", "2000932010001", "2000932010001A", ""])
def test_siret_with_wrong_key_or_length_refused(value):
    with pytest.raises(ValidationError) as caught:
        validators.validate_siret(value)
    assert caught.value.messages == [validators.SIRET_INVALID]


@pytest.mark.django_db
def test_beneficiary_with_valid_siret_passes_full_clean():
    candidate = beneficiary(siret=MEL_SIRET)
    candidate.full_clean()
    assert candidate.siret == MEL_SIRET


@pytest.mark.django_db
def test_beneficiary_with_wrong_siret_key_refused_on_siret():
    assert field_errors(beneficiary(siret="20009320100017"), "siret") == [validators.SIRET_INVALID]


def test_rna_w_and_nine_digits_accepted():
    validators.validate_rna("W595012345")


@pytest.mark.parametrize("value", ["W12345", "X123456789", "W5950123456", "W59501234A", ""])
def test_malformed_rna_refused(value):
    with pytest.raises(ValidationError) as caught:
        validators.validate_rna(value)
    assert caught.value.messages == [validators.RNA_INVALID]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["W12345", "X123456789"])
def test_beneficiary_with_malformed_rna_refused_on_rna(value):
    assert field_errors(beneficiary(rna=value), "rna") == [validators.RNA_INVALID]


def test_iban_with_valid_check_digits_accepted():
    validators.validate_iban(IBAN)


@pytest.mark.parametrize("value", ["FR7630006000011234567890188", "FR7630006000011234567890", "X"])
def test_iban_with_wrong_check_digit_or_length_refused(value):
    with pytest.raises(ValidationError) as caught:
        validators.validate_iban(value)
    assert caught.value.messages == [validators.IBAN_INVALID]


@pytest.mark.django_db
def test_beneficiary_with_wrong_iban_refused_on_iban():
    errors = field_errors(beneficiary(iban="FR7630006000011234567890188"), "iban")
    assert errors == [validators.IBAN_INVALID]


@pytest.mark.parametrize("value", ["CCOPFRPPXXX", "AGRIFRPP"])
def test_bic_of_8_or_11_characters_accepted(value):
    validators.validate_bic(value)


@pytest.mark.parametrize("value", ["CCOPFRPPXX", "CCOP12PPXXX", "CCOP"])
def test_malformed_bic_refused(value):
    with pytest.raises(ValidationError) as caught:
        validators.validate_bic(value)
    assert caught.value.messages == [validators.BIC_INVALID]


@pytest.mark.django_db
def test_beneficiary_with_wrong_bic_refused_on_bic():
    assert field_errors(beneficiary(bic="CCOP12PPXXX"), "bic") == [validators.BIC_INVALID]


@pytest.mark.django_db
def test_clean_stores_iban_compact_and_upper_case():
    candidate = beneficiary(iban="fr76 3000 6000 0112 3456 7890 189")
    candidate.full_clean()
    assert candidate.iban == IBAN


@pytest.mark.django_db
def test_clean_stores_spaced_siret_and_bic_compact():
    candidate = beneficiary(siret="200 093 201 00016", bic="CCOP FRPP XXX")
    candidate.full_clean()
    assert (candidate.siret, candidate.bic) == (MEL_SIRET, "CCOPFRPPXXX")


@pytest.mark.django_db
def test_clean_accepts_lower_case_rna_and_stores_it_upper_case():
    candidate = beneficiary(rna=" w595012345 ")
    candidate.full_clean()
    assert candidate.rna == "W595012345"


@pytest.mark.django_db
def test_two_beneficiaries_may_both_have_no_siret():
    BeneficiaryFactory(siret="")
    candidate = beneficiary(siret="")
    candidate.full_clean()
