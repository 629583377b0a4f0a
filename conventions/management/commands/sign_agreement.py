"""python manage.py sign_agreement REFERENCE --p12 FILE --password-env VAR [--user NAME]

Signs the agreement (or amendment) for the authority as PAdES, in the visible field of the
authority's signature block. The user must hold the Signataire role; without --user, the
only active user holding it signs.
"""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from conventions import selectors, signatures
from core.files import read_local_file
from core.management.base import FrenchCommand
from subventions.enums import Role

from .render_agreement import UNKNOWN_REFERENCE

P12_NOT_FOUND = "Certificat introuvable : {path}."
PASSWORD_ENV_MISSING = "La variable d'environnement {var} n'est pas définie."
UNKNOWN_USER = "Aucun utilisateur actif « {username} »."
WHICH_SIGNATORY = "Précisez --user : {count} utilisateurs actifs ont le rôle Signataire."


class Command(FrenchCommand):
    help = "Signe électroniquement (PAdES) une convention ou un avenant pour la collectivité."

    def add_arguments(self, parser):
        parser.add_argument("reference")
        parser.add_argument("--p12", required=True, help="Certificat et clé (PKCS#12).")
        parser.add_argument(
            "--password-env", required=True, help="Variable contenant le mot de passe."
        )
        parser.add_argument("--user", help="Identifiant du signataire (rôle Signataire).")
        parser.add_argument(
            "--confirm-reason",
            default="",
            help="Motif qui confirme une signature malgré un avertissement (période achevée "
            "depuis plus d'un an) ; gardé au journal.",
        )

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(UNKNOWN_USER.format(username=username))
            return user
        signatories = list(users.filter(groups__name=Role.SIGNATORY))
        if len(signatories) != 1:
            raise CommandError(WHICH_SIGNATORY.format(count=len(signatories)))
        return signatories[0]

    def handle(self, *args, reference, p12, password_env, user, confirm_reason, **options):
        document = selectors.agreement_by_reference(reference)
        if document is None:
            raise CommandError(UNKNOWN_REFERENCE.format(reference=reference))
        path = Path(p12)
        if not path.is_file():
            raise CommandError(P12_NOT_FOUND.format(path=path))
        password = os.environ.get(password_env)
        if password is None:
            raise CommandError(PASSWORD_ENV_MISSING.format(var=password_env))
        try:
            document = signatures.document_sign_electronic(
                document=document,
                user=self._user(user),
                p12=read_local_file(path),
                password=password,
                confirmed=bool(confirm_reason.strip()),
                reason=confirm_reason,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{document} signée pour la collectivité ; SHA-256 {document.signed_pdf_sha256}."
        )
