"""python manage.py export_actes "21 B 0110" [--output FILE]: the @CTES transmission archive."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.management.base import FrenchCommand, write_output
from deliberations import actes, selectors

UNKNOWN_NUMBER = "Aucune délibération ne porte le numéro « {number} »."
WRITTEN = "Archive écrite : {path} ({count} fichiers)."


class Command(FrenchCommand):
    help = (
        "Produit l'archive de transmission @CTES (tar.gz) d'une délibération adoptée : "
        "métadonnées XML, acte et annexes."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="Numéro de la délibération, par exemple « 21 B 0110 ».")
        parser.add_argument(
            "--output", help="Fichier à écrire (par défaut, le nom attendu par la plateforme)."
        )

    def handle(self, *args, number, output, **options):
        deliberation = selectors.deliberation_by_number(number)
        if deliberation is None:
            raise CommandError(UNKNOWN_NUMBER.format(number=number))
        try:
            transmission = actes.transmission(deliberation)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        path = output or transmission.name
        write_output(path, transmission.archive())
        self.stdout.write(WRITTEN.format(path=path, count=len(transmission.files)))
