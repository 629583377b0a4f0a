"""send_reminders: who is reminded, once a day, in French; the demo case of June 2022."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from subventions import tasks
from subventions.enums import ReminderKind, ReportStatus
from subventions.management.commands.send_reminders import BAD_TODAY
from subventions.models import FinancialReport, ReminderLog, Subsidy
from tests.subventions.factories import BeneficiaryFactory, FinancialReportFactory, SubsidyFactory

NBSP = "\u00a0"


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_on_15_june_2022_reminds_apes_and_its_instructor_once(demo):
    out = run("--today", "2022-06-15")

    assert len(mail.outbox) == 2
    to_apes, digest = mail.outbox
    assert to_apes.to == ["contact@apes-hdf.example"]
    assert to_apes.subject == "Compte rendu financier de votre subvention à transmettre"
    reference_2021 = Subsidy.objects.get(year=2021).reference
    reference_2020 = Subsidy.objects.get(year=2020).reference  # closed: not reminded
    assert reference_2021 in to_apes.body
    assert reference_2020 not in to_apes.body
    assert "À transmettre au plus tard le 30 juin 2022" in to_apes.body
    assert f"Montant attribué{NBSP}: 35{NBSP}000{NBSP}€ (exercice 2021)" in to_apes.body
    assert "l&#x27;" not in to_apes.body  # plain text is not HTML-escaped
    html, mimetype = to_apes.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>30 juin 2022</strong>" in html
    # One report: the singular.
    assert "que le compte rendu financier (formulaire Cerfa n°\u00a015059) de la subvention " in (
        to_apes.body
    )
    assert "suivante est attendu prochainement" in to_apes.body
    assert "Ce compte rendu est dû dans les six mois" in to_apes.body

    assert digest.to == ["instructeur@mel.example"]
    assert digest.subject == "Comptes rendus financiers à suivre au 15 juin 2022"
    assert "attendu le 30 juin 2022" in digest.body
    assert "Acteurs Pour une Economie Solidaire" in digest.body
    assert digest.alternatives[0][1] == "text/html"

    assert out.splitlines()[0].startswith("Relance envoyée : contact@apes-hdf.example")
    assert out.splitlines()[1].startswith("Récapitulatif envoyé : instructeur@mel.example")
    assert "2 courriels envoyés." in out
    assert ReminderLog.objects.filter(sent_on=datetime.date(2022, 6, 15)).count() == 2

    # The same day again: nothing more.
    out = run("--today", "2022-06-15")
    assert len(mail.outbox) == 2
    assert out.strip() == "Aucun courriel envoyé."

    # The next day, once more (overdue from 1 July: « Relance »).
    run("--today", "2022-07-01")
    assert len(mail.outbox) == 4
    assert mail.outbox[2].subject == (
        "Relance : compte rendu financier de votre subvention en retard"
    )
    assert "en retard" in mail.outbox[2].body


@pytest.mark.django_db
def test_nothing_is_due_more_than_30_days_ahead(demo):
    assert run("--today", "2022-05-30").strip() == "Aucun courriel envoyé."
    run("--today", "2022-05-31")
    assert len(mail.outbox) == 2
    assert not mail.outbox[0].subject.startswith("Relance")


@pytest.mark.django_db
def test_dry_run_lists_without_sending_nor_logging(demo):
    out = run("--dry-run", "--today", "2022-06-15")
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert "Relance à envoyer : contact@apes-hdf.example" in out
    assert "Récapitulatif à envoyer : instructeur@mel.example" in out
    assert "2 courriels à envoyer (simulation : rien n'est envoyé)." in out


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["15/06/2022", "2022-02-30", "demain"])
def test_a_bad_today_is_one_french_line(value):
    with pytest.raises(CommandError) as refused:
        run("--today", value)
    assert str(refused.value) == BAD_TODAY.format(value=value)
    assert "\n" not in str(refused.value)
    assert mail.outbox == []


@pytest.mark.django_db
def test_one_email_per_beneficiary_and_one_digest_per_instructor(make_user):
    instructor = make_user(email="ines@mel.example", first_name="Inès", last_name="Dupont")
    association = BeneficiaryFactory(email="asso@example.org")
    for year in (2020, 2021):
        FinancialReportFactory(
            subsidy=SubsidyFactory(
                voted=True, year=year, beneficiary=association, instructor=instructor
            )
        )
    silent = BeneficiaryFactory(email="")
    FinancialReportFactory(
        subsidy=SubsidyFactory(voted=True, year=2021, beneficiary=silent, instructor=instructor)
    )
    # Received, or not due within 30 days: no reminder.
    FinancialReportFactory(
        received=True, subsidy=SubsidyFactory(voted=True, year=2021, instructor=instructor)
    )
    FinancialReportFactory(subsidy=SubsidyFactory(voted=True, year=2022, instructor=instructor))

    out = io.StringIO()
    err = io.StringIO()
    call_command("send_reminders", "--today", "2022-06-15", stdout=out, stderr=err)

    assert [message.to for message in mail.outbox] == [["asso@example.org"], ["ines@mel.example"]]
    to_association, digest = mail.outbox
    assert to_association.subject.startswith("Relance")  # the 2020 report is overdue
    assert to_association.body.count("À transmettre au plus tard le") == 2
    # Two reports: the sentences speak of them in the plural.
    assert to_association.subject == (
        "Relance : comptes rendus financiers de vos subventions en retard"
    )
    assert "reçu les comptes rendus financiers des subventions suivantes, dont" in (
        to_association.body
    )
    assert "Ces comptes rendus sont dus dans les six mois" in to_association.body
    assert "Ces comptes rendus sont dus" in to_association.alternatives[0][0]
    assert digest.body.startswith("Bonjour Inès Dupont,")
    assert digest.body.count("attendu le") == 3
    assert "pas de courriel de contact" in digest.body
    assert f"{silent} n'a pas de courriel de contact" in err.getvalue()
    logged = ReminderLog.objects.values_list("kind", flat=True)
    assert sorted(logged) == [ReminderKind.BENEFICIARY] * 2 + [ReminderKind.INSTRUCTOR_DIGEST]


@pytest.mark.django_db
def test_a_report_received_since_yesterday_is_not_reminded(demo):
    FinancialReport.objects.filter(status=ReportStatus.EXPECTED).update(
        status=ReportStatus.RECEIVED, received_on=datetime.date(2022, 6, 1)
    )
    assert run("--today", "2022-06-15").strip() == "Aucun courriel envoyé."


@pytest.mark.django_db
def test_the_celery_task_sends_the_same(demo):
    assert tasks.send_reminders.delay(today="2022-06-15").get() == 2
    assert len(mail.outbox) == 2
    assert tasks.send_reminders.delay(today="2022-06-15").get() == 0
