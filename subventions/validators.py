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

POSTAL_CODE_INVALID = (
    "Le code postal compte 5 chiffres et commence par un numéro de département : "
    "01 à 95 (20 pour la Corse), 971 à 978, 980 ou 984 à 988 (par exemple « 59000 »)."
)

RNA_PATTERN = r"^W[0-9]{9}$"
# Metropolitan départements 01–95 (Corsica, 2A and 2B, keeps 20xxx), overseas 971–978,
# Monaco 980, TAAF 984, Wallis-et-Futuna 986, Polynésie 987, Nouvelle-Calédonie 988.
POSTAL_CODE_PATTERN = r"^((0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|97[1-8][0-9]{2}|98[04678][0-9]{2})$"


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


def compact_postal_code(value: str) -> str:
    """« 59 000 » as typed → « 59000 »."""
    return "".join((value or "").split())


def validate_postal_code(value: str) -> None:
    if not re.fullmatch(POSTAL_CODE_PATTERN, value or ""):
        raise ValidationError(POSTAL_CODE_INVALID, code="postal_code")
