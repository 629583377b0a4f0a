"""python manage.py create_demo_certificate [--output FILE] [--password-env VAR] [--name NAME]

A self-signed signing certificate for development and the demo, as a PKCS#12 file.
Refused when DEBUG is off, unless settings.SUBVENTIONS_ALLOW_DEMO_CERTIFICATE is True;
its certificates are marked, and signing refuses them under the same condition.
"""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from conventions import signing
from core.management.base import FrenchCommand, write_output
from subventions.models import Authority

DEFAULT_PASSWORD = "demo"
PASSWORD_ENV_MISSING = "La variable d'environnement {var} n'est pas définie."


class Command(FrenchCommand):
    help = "Crée un certificat de signature autosigné (démonstration uniquement)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="certificat-demo.p12",
            help="Fichier PKCS#12 à écrire, lisible par son seul propriétaire "
            "(par défaut : certificat-demo.p12).",
        )
        parser.add_argument(
            "--password-env",
            help="Variable d'environnement contenant le mot de passe (par défaut : « demo »).",
        )
        parser.add_argument("--name", help="Nom du signataire (par défaut : le président).")

    def handle(self, *args, output, password_env, name, **options):
        if password_env:
            password = os.environ.get(password_env)
            if password is None:
                raise CommandError(PASSWORD_ENV_MISSING.format(var=password_env))
        else:
            password = DEFAULT_PASSWORD
        authority = Authority.current()
        try:
            content = signing.create_demo_certificate(
                common_name=name or (authority.president_name if authority else "Signataire"),
                organisation=authority.name if authority else "Collectivité",
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        # The file holds the private key: readable by its owner only.
        write_output(output, content, private=True)
        self.stdout.write(f"Certificat de démonstration écrit dans {output}.")
