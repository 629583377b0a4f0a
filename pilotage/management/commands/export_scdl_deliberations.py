"""python manage.py export_scdl_deliberations [--output FILE] [--base-url URL]

The published acts in SCDL « Délibérations » (one CSV row per act). Every row is checked
against the table schema first: an invalid row is reported with the act's number and the
reason, and nothing is written (exit status 1).
"""

from django.core.management.base import CommandError

from core.grammar import plural
from core.management.base import FrenchCommand, write_output
from pilotage.opendata import deliberations as scdl
from subventions.models import Authority

NO_AUTHORITY = "Aucune collectivité n'est enregistrée : rien à publier."
INVALID_ROWS = "{count} : rien n'a été écrit."
WRITTEN = "{count} : {destination}"


class Command(FrenchCommand):
    help = "Exporte les délibérations publiées au format SCDL « Délibérations » (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="fichier à écrire (par défaut : sortie standard)")
        parser.add_argument(
            "--base-url",
            default="",
            help="adresse publique du site (ex. https://subventions.exemple.fr), pour DELIB_URL",
        )

    def handle(self, *args, output, base_url, **options):
        authority = Authority.current()
        if authority is None:
            raise CommandError(NO_AUTHORITY)
        rows, invalid = [], 0
        for number, row, errors in scdl.checked_rows(authority, base_url=base_url):
            if errors:
                invalid += 1
                self.stderr.write(f"{number} : " + " ".join(errors))
            rows.append(row)
        if invalid:
            raise CommandError(
                INVALID_ROWS.format(count=plural(invalid, "ligne invalide", "lignes invalides"))
            )
        content = "".join(scdl.csv_lines(rows))
        if output:
            write_output(output, content)
        else:
            self.stdout.write(content, ending="")
        self.stderr.write(
            WRITTEN.format(
                count=plural(len(rows), "délibération écrite", "délibérations écrites"),
                destination=output or "sortie standard",
            )
        )
