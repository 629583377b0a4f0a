"""python manage.py render_agreement REFERENCE [--output FILE]

REFERENCE: the agreement's number (CONV-2021-0001), an amendment's (CONV-2021-0001-A1) or
the subsidy's reference (SUB-2021-0001). Writes the current PDF: the signed one, byte for
byte, once the authority has signed; otherwise generated now.
"""

from pathlib import Path

from django.core.management.base import CommandError

from conventions import rendering, selectors
from core.management.base import FrenchCommand, write_output

UNKNOWN_REFERENCE = "Aucune convention ni aucun avenant ne correspond à « {reference} »."


class Command(FrenchCommand):
    help = "Écrit le PDF d'une convention ou d'un avenant (le PDF signé une fois signé)."

    def add_arguments(self, parser):
        parser.add_argument(
            "reference", help="CONV-2021-0001, CONV-2021-0001-A1 ou la référence du dossier."
        )
        parser.add_argument("--output", help="Fichier PDF à écrire (par défaut : NUMÉRO.pdf).")

    def handle(self, *args, reference, output, **options):
        document = selectors.agreement_by_reference(reference)
        if document is None:
            raise CommandError(UNKNOWN_REFERENCE.format(reference=reference))
        name = getattr(document, "reference", None) or document.number
        path = Path(output or f"{name}.pdf")
        write_output(path, rendering.render_pdf(document))
        self.stdout.write(f"{path}")
