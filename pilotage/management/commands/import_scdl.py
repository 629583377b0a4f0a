"""python manage.py import_scdl FILE [--dry-run] [--partial] [--policy-area LABEL]
[--user USERNAME]

Brings an authority's earlier SCDL « subventions » file in: each line's beneficiary is
found by SIRET then RNA, or created; its subsidy is created historical and closed (see
pilotage.opendata.importing). Prints what became of every line (created, already
imported, rejected with the reasons) with its line number. Without --partial it is all or
nothing: one rejected line and nothing is saved (exit 1). --dry-run saves nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from core.grammar import plural
from core.management.base import FrenchCommand
from pilotage.opendata import importing
from subventions import services
from subventions.models import PolicyArea

NO_FILE = "Fichier introuvable : {path}."
NO_USER = "Utilisateur inconnu : « {username} »."
FILE_REJECTED = "Fichier rejeté : rien n'a été enregistré."
LINES_REJECTED = "{rows} : rien n'a été enregistré (--partial pour importer les lignes valides)."
DRY_RUN = "Simulation (--dry-run) : rien n'a été enregistré."
# Who the imported files' history names when no --user is given: an account that cannot
# log in, created once.
IMPORT_USERNAME = "import-scdl"


def import_user(username: str | None):
    user_model = get_user_model()
    if username:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            raise CommandError(NO_USER.format(username=username))
        return user
    user, created = user_model.objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"first_name": "Import", "last_name": "SCDL", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class Command(FrenchCommand):
    help = "Importe un fichier SCDL subventions (CSV) : subventions historiques soldées."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV au format SCDL subventions 2.1.1")
        parser.add_argument(
            "--dry-run", action="store_true", help="tout vérifier sans rien enregistrer"
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="enregistrer les lignes valides même si d'autres sont rejetées",
        )
        parser.add_argument(
            "--policy-area",
            default=importing.DEFAULT_POLICY_AREA,
            help=f"politique publique des dossiers importés (« {importing.DEFAULT_POLICY_AREA} »"
            " par défaut, créée au besoin)",
        )
        parser.add_argument(
            "--user", help=f"compte signant l'historique (par défaut « {IMPORT_USERNAME} »)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(NO_FILE.format(path=path))
        with transaction.atomic():
            user = import_user(options["user"])
            label = options["policy_area"]
            policy_area = PolicyArea.objects.filter(label=label).first()
            policy_area = policy_area or services.policy_area_create(label=label, user=user)
            report = importing.import_file(
                path,
                user=user,
                policy_area=policy_area,
                partial=options["partial"],
                dry_run=options["dry_run"],
            )
            if not report.saved:
                transaction.set_rollback(True)

        for error in report.file_errors:
            self.stdout.write(error)
        for line in report.lines:
            self.stdout.write(str(line))
        self.stdout.write(report.summary())
        if report.file_errors:
            raise CommandError(FILE_REJECTED)
        if report.rejected and not options["partial"]:
            raise CommandError(
                LINES_REJECTED.format(
                    rows=plural(report.rejected, "ligne rejetée", "lignes rejetées")
                )
            )
        if options["dry_run"]:
            self.stdout.write(DRY_RUN)
