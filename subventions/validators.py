"""Identifier checks (SIRET, RNA, IBAN, BIC) with python-stdnum, French messages."""

import re

from django.core.exceptions import ValidationError
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret

SIRET_INVALID = "Le SIRET doit comporter 14 chiffres et respecter la clé de contrôle (Luhn)."
RNA_INVALID = "Le numéro RNA doit être la lettre W suivie de 9 chiffres (ex. W595012345)."
IBAN_INVALID = "L'IBAN est invalide (longueur ou clé de contrôle)."
BIC_INVALID = "Le BIC est invalide : 8 ou 11 caractères (ex. CCOPFRPPXXX)."

RNA_PATTERN = r"^W[0-9]{9}$"


def compact_siret(value: str) -> str:
    return siret.compact(value or "")


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except StdnumError as error:
        raise ValidationError(SIRET_INVALID, code="siret") from error


def validate_rna(value: str) -> None:
    if not re.fullmatch(RNA_PATTERN, value or ""):
        raise ValidationError(RNA_INVALID, code="rna")


def compact_iban(value: str) -> str:
    return iban.compact(value or "")


def validate_iban(value: str) -> None:
    try:
        iban.validate(value)
    except StdnumError as error:
        raise ValidationError(IBAN_INVALID, code="iban") from error


def compact_bic(value: str) -> str:
    return bic.compact(value or "")


def validate_bic(value: str) -> None:
    try:
        bic.validate(value)
    except StdnumError as error:
        raise ValidationError(BIC_INVALID, code="bic") from error
