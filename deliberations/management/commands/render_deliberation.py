"""python manage.py render_deliberation "21 B 0110" --format txt|html|pdf [--output FILE]"""

import sys

from django.core.management.base import CommandError

from core.management.base import FrenchCommand, write_output
from deliberations import rendering, selectors

UNKNOWN_NUMBER = "Aucune délibération ne porte le numéro « {number} »."
PDF_NEEDS_OUTPUT = "Le format pdf s'écrit dans un fichier : précisez --output FICHIER."


class Command(FrenchCommand):
    help = "Produit le texte d'une délibération (texte brut, HTML ou PDF) à partir de son numéro."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Numéro de la délibération, par exemple « 21 B 0110 ».")
        parser.add_argument("--format", choices=["txt", "html", "pdf"], default="txt")
        parser.add_argument("--output", help="Fichier à écrire (sortie standard par défaut).")

    def handle(self, *args, number, format, output, **options):
        deliberation = selectors.deliberation_by_number(number)
        if deliberation is None:
            raise CommandError(UNKNOWN_NUMBER.format(number=number))
        if format == "pdf":
            if not output:
                raise CommandError(PDF_NEEDS_OUTPUT)
            write_output(output, rendering.render_pdf(deliberation))
            return
        text = (
            rendering.render_text(deliberation)
            if format == "txt"
            else rendering.render_html(deliberation)
        )
        if output:
            write_output(output, text)
        else:
            # Written as is: BaseCommand's stdout wrapper would add a line ending.
            self.stdout.write(text, ending="")
            if self.stdout._out is sys.stdout:
                sys.stdout.flush()
