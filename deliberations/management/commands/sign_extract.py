"""python manage.py sign_extract "21 B 0110" --p12 FILE --password-env VAR [--user NAME]
[--output FILE]: sign the register extract of an adopted act with the authority's
certificate (as sign_agreement does for an agreement)."""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.management.base import FrenchCommand, write_output
from deliberations import extract, selectors

UNKNOWN_NUMBER = "Aucune délibération ne porte le numéro « {number} »."
CANNOT_READ = "Impossible de lire « {path} »."
NO_PASSWORD = "La variable d'environnement {name} (mot de passe du certificat) est vide."
UNKNOWN_USER = "Aucun compte « {username} »."
SIGNED = "Extrait signé : délibération {number}, SHA-256 {sha256}."


class Command(FrenchCommand):
    help = "Signe l'extrait du registre d'une délibération adoptée (PAdES, certificat .p12)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Numéro de la délibération, par exemple « 21 B 0110 ».")
        parser.add_argument("--p12", required=True, help="Le certificat de la collectivité.")
        parser.add_argument(
            "--password-env",
            required=True,
            help="Le nom de la variable d'environnement qui contient son mot de passe.",
        )
        parser.add_argument("--user", default="", help="Le compte qui signe (Secrétariat).")
        parser.add_argument("--output", help="Écrire aussi l'extrait signé dans ce fichier.")

    def handle(self, *args, number, p12, password_env, user, output, **options):
        deliberation = selectors.deliberation_by_number(number)
        if deliberation is None:
            raise CommandError(UNKNOWN_NUMBER.format(number=number))
        try:
            certificate = Path(p12).read_bytes()
        except OSError as error:
            raise CommandError(CANNOT_READ.format(path=p12)) from error
        password = os.environ.get(password_env, "")
        if not password:
            raise CommandError(NO_PASSWORD.format(name=password_env))
        users = get_user_model().objects
        account = (
            users.filter(username=user).first()
            if user
            else users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if account is None:
            raise CommandError(UNKNOWN_USER.format(username=user or "superutilisateur"))
        try:
            deliberation = extract.deliberation_sign_extract(
                deliberation=deliberation, user=account, p12=certificate, password=password
            )
            if output:
                write_output(output, extract.extract_bytes(deliberation))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            SIGNED.format(number=deliberation.number, sha256=deliberation.extract_sha256)
        )
