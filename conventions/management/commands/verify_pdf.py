"""python manage.py verify_pdf FILE — each electronic signature: intact or not, signer, time.

Exit status 1 when a signature is not intact, when the file holds none, or when it is
not a readable PDF.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from conventions import signing
from core.files import read_local_file
from core.management.base import FrenchCommand

FILE_NOT_FOUND = "Fichier introuvable : {path}."
NOT_INTACT = "Au moins une signature n'est pas intacte."


class Command(FrenchCommand):
    help = "Vérifie les signatures électroniques (PAdES) d'un PDF."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Le PDF à vérifier.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(FILE_NOT_FOUND.format(path=path))
        try:
            reports = signing.verify_pdf(read_local_file(path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not reports:
            raise CommandError(signing.NO_SIGNATURE)
        for report in reports:
            self.stdout.write(report.summary())
        if not all(report.ok for report in reports):
            raise CommandError(NOT_INTACT)
