"""python manage.py load_demo — the reference deliberation's case, through the services."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.management.base import FrenchCommand
from pilotage import demo

DEMO_REFUSED_WITHOUT_DEBUG = (
    "Refusé : load_demo crée des comptes de démonstration au mot de passe connu ; "
    "il ne s'exécute que lorsque DEBUG est activé."
)


class Command(FrenchCommand):
    help = "Charge les données de démonstration (APES 2021, délibération 21 B 0110)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(DEMO_REFUSED_WITHOUT_DEBUG)
        try:
            loaded = demo.load()
        except ValidationError as error:
            raise CommandError(f"Données de démonstration refusées : {error}") from error
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"  Dossiers : {loaded['subsidy_2020']} ; {loaded['subsidy_2021']}")
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe : « {demo.DEMO_PASSWORD} ») :")
        for username, first_name, last_name, role in demo.DEMO_USERS:
            label = role or "Administrateur (tous les droits)"
            self.stdout.write(f"  {username:<12} {first_name} {last_name} — {label}")
        self.stdout.write("Espace association (/association/) :")
        for username, _email, first_name, last_name, role in demo.portail.ACCOUNTS:
            self.stdout.write(f"  {username:<12} {first_name} {last_name} — {role}")
