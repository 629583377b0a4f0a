"""python manage.py send_reminders [--dry-run] [--today YYYY-MM-DD] — for cron.

Celery beat runs the same through the task subventions.tasks.send_reminders.
"""

import datetime

from core.management.base import BAD_DATE, FrenchCommand, option_date
from subventions import reminders
from subventions.enums import ReminderKind

BAD_TODAY = BAD_DATE.replace("{option}", "--today")


def parse_today(value: str | None) -> datetime.date | None:
    return option_date(value, "--today")


class Command(FrenchCommand):
    help = (
        "Relance par courriel les bénéficiaires dont le compte rendu financier est attendu "
        "sous 30 jours ou en retard, et adresse à chaque instructeur un récapitulatif."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Affiche les envois sans rien envoyer."
        )
        parser.add_argument(
            "--today", help="Jour de référence (AAAA-MM-JJ) ; défaut : aujourd'hui."
        )

    def handle(self, *args, dry_run=False, today=None, **options):
        day = parse_today(today)
        sent, unreachable = reminders.send_reminders(today=day, dry_run=dry_run)
        for reminder in sent:
            if reminder.kind == ReminderKind.BENEFICIARY:
                label = "Relance à envoyer" if dry_run else "Relance envoyée"
            else:
                label = "Récapitulatif à envoyer" if dry_run else "Récapitulatif envoyé"
            self.stdout.write(f"{label} : {reminders.describe(reminder)}")
        for line in unreachable:
            self.stderr.write(f"Sans destinataire : {line}")
        self.stdout.write(summary(len(sent), dry_run=dry_run))


def summary(count: int, *, dry_run: bool) -> str:
    """« Aucun courriel envoyé. », « 1 courriel envoyé. », « 2 courriels envoyés. »"""
    if dry_run:
        done = "à envoyer (simulation : rien n'est envoyé)"
        return f"{count or 'Aucun'} courriel{'s' if count > 1 else ''} {done}."
    if not count:
        return "Aucun courriel envoyé."
    return f"{count} courriel{'s' if count > 1 else ''} envoyé{'s' if count > 1 else ''}."
