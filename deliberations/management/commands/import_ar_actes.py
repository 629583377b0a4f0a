"""python manage.py import_ar_actes FILE: record the prefecture's acknowledgment (@CTES)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.formatting import short_date
from core.management.base import FrenchCommand
from deliberations import actes

CANNOT_READ = "Impossible de lire « {path} »."
UNKNOWN_USER = "Aucun compte « {username} »."
RECORDED = "Accusé de réception enregistré : délibération {number}, reçue le {date}, ID {act_id}."


class Command(FrenchCommand):
    help = (
        "Enregistre l'accusé de réception de la préfecture (XML actes:ARActe) : date de "
        "réception et identifiant de l'acte."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Le fichier XML de l'accusé de réception.")
        parser.add_argument(
            "--user",
            default="",
            help="Le compte qui enregistre (Secrétariat des assemblées) ; par défaut, le "
            "premier superutilisateur.",
        )

    def handle(self, *args, file, user, **options):
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(CANNOT_READ.format(path=file)) from error
        users = get_user_model().objects
        account = (
            users.filter(username=user).first()
            if user
            else users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if account is None:
            raise CommandError(UNKNOWN_USER.format(username=user or "superutilisateur"))
        try:
            deliberation = actes.import_acknowledgment(content, user=account)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            RECORDED.format(
                number=deliberation.number,
                date=short_date(deliberation.prefecture_received_on),
                act_id=deliberation.prefecture_act_id,
            )
        )
