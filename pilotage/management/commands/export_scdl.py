"""python manage.py export_scdl [--year Y] [--since DATE] [--until DATE] [--format csv|json]
[--output FILE] [--all] [--skip-invalid]

The essential data of the agreements in SCDL « subventions » 2.1.1 (décret 2017-779):
one row per subsidy whose agreement both parties signed; with --all, also each voted
subsidy without one. Every row is checked before anything is written: an invalid row is
reported with the subsidy's reference and the reason, and the command then writes nothing
and exits 1, unless --skip-invalid leaves those rows out.

The rows are written to a temporary file as they are read (memory stays flat), which
then replaces --output (atomic_output: the temporary file is in the same folder) or is
copied to the standard output, only once all are valid.
"""

import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from core.grammar import by_count, plural
from core.management.base import FrenchCommand, atomic_output, option_date, option_year
from pilotage.opendata import scdl
from subventions.models import Authority

BAD_FORMAT = "Format inconnu : « {value} » (csv ou json)."
BAD_RANGE = "--since ({since}) est postérieure à --until ({until})."
NO_AUTHORITY = "Aucune collectivité attribuante n'est enregistrée : rien à publier."
INVALID_ROWS = "{rows} : rien n'a été écrit (--skip-invalid pour les écarter)."
COPY_BLOCK = 1 << 16


class Command(FrenchCommand):
    help = "Exporte les données essentielles des conventions au format SCDL subventions 2.1.1."

    def add_arguments(self, parser):
        parser.add_argument("--year", help="exercice des subventions (ex. 2021)")
        parser.add_argument("--since", help="conventions datées de ce jour ou après (AAAA-MM-JJ)")
        parser.add_argument("--until", help="conventions datées de ce jour ou avant (AAAA-MM-JJ)")
        parser.add_argument("--format", default="csv", help="csv (par défaut) ou json")
        parser.add_argument("--output", help="fichier à écrire (par défaut : sortie standard)")
        parser.add_argument(
            "--all",
            action="store_true",
            help="aussi les subventions votées sans convention signée (datées de la séance)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="écarter les lignes invalides (signalées) au lieu de tout refuser",
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        if fmt not in scdl.FORMATS:
            raise CommandError(BAD_FORMAT.format(value=fmt))
        year = option_year(options["year"], "--year")
        since = option_date(options["since"], "--since")
        until = option_date(options["until"], "--until")
        if since and until and since > until:
            raise CommandError(BAD_RANGE.format(since=since, until=until))
        output = Path(options["output"]) if options["output"] else None
        authority = Authority.current()
        if authority is None:
            raise CommandError(NO_AUTHORITY)

        subsidies = scdl.publishable(
            include_unsigned=options["all"], year=year, since=since, until=until
        )
        if output is not None:
            # An error in the block (invalid rows included) leaves --output untouched.
            with atomic_output(output, "w", encoding="utf-8", newline="") as spool:
                written, invalid = self._write(spool, fmt, subsidies, authority, options)
                self._refuse_invalid(invalid, options)
        else:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
                written, invalid = self._write(spool, fmt, subsidies, authority, options)
                self._refuse_invalid(invalid, options)
                spool.seek(0)
                while block := spool.read(COPY_BLOCK):
                    self.stdout.write(block, ending="")
        # Messages go to the error output: without --output, the standard output is the data.
        skipped = f", {plural(invalid, 'écartée', 'écartées')}" if invalid else ""
        destination = output or "sortie standard"
        self.stderr.write(
            f"{plural(written, 'ligne')} SCDL {scdl.VERSION} {by_count(written, 'écrite')}"
            f"{skipped} : {destination}"
        )

    @staticmethod
    def _refuse_invalid(invalid: int, options) -> None:
        if invalid and not options["skip_invalid"]:
            raise CommandError(
                INVALID_ROWS.format(rows=plural(invalid, "ligne invalide", "lignes invalides"))
            )

    def _write(self, spool, fmt, subsidies, authority, options) -> tuple[int, int]:
        """Write the valid rows to `spool`; report the invalid ones. (written, invalid)."""
        counts = {"written": 0, "invalid": 0}

        def rows():
            for reference, row, errors in scdl.checked_rows(subsidies, authority):
                if errors:
                    counts["invalid"] += 1
                    self.stderr.write(f"{reference} : " + " ".join(errors))
                    continue
                counts["written"] += 1
                yield row

        for chunk in scdl.stream(fmt, rows()):
            spool.write(chunk)
        return counts["written"], counts["invalid"]
