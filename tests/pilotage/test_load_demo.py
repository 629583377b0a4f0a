"""load_demo: the reference case, idempotent, refused without DEBUG."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from pilotage.management.commands.load_demo import DEMO_REFUSED_WITHOUT_DEBUG
from subventions.enums import InstalmentCondition, ReportStatus, SubsidyStatus
from subventions.models import Beneficiary, Subsidy


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("subventions", "conventions", "auth")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_demo_holds_the_reference_case(demo):
    apes = Beneficiary.objects.get(short_name="APES")
    subsidy = Subsidy.objects.get(beneficiary=apes, year=2021)
    assert subsidy.axes.count() == 5
    assert subsidy.cofundings.count() == 4
    assert subsidy.amount_awarded == Decimal("35000")
    assert subsidy.projected_budget == Decimal("753091")
    assert subsidy.budget_share == Decimal("4.6")
    assert subsidy.requires_agreement
    assert subsidy.previous_subsidy.year == 2020
    assert subsidy.previous_subsidy.amount_awarded == Decimal("35000")
    titles = list(subsidy.axes.values_list("title", flat=True))
    assert titles[0] == "Appui aux porteurs métropolitains et soutien aux actions territoriales"
    assert titles[4] == "Dynamique autour de la production locale"
    grouped = subsidy.cofundings.get(group_label="d'autres collectivités locales")
    assert grouped.partner_names == (
        "Valenciennes Métropole, Communauté urbaine d'Arras, les 7 vallées Montreuillois Ternois"
    )
    assert sum(line.amount for line in subsidy.cofundings.all()) == Decimal("589325")


@pytest.mark.django_db
def test_demo_files_went_through_the_lifecycle(demo):
    subsidy = Subsidy.objects.get(year=2020)
    assert subsidy.status == SubsidyStatus.CLOSED
    actions = list(subsidy.transitions.values_list("action", "user__username"))
    assert actions == [
        ("submit", "instructeur"),
        ("propose", "responsable"),
        ("vote", "secretariat"),
        ("sign_agreement", "signataire"),
        ("mark_paid", "finances"),
        ("close", "finances"),
    ]


@pytest.mark.django_db
def test_demo_2020_paid_in_full_and_its_report_approved(demo):
    subsidy = Subsidy.objects.with_money().get(year=2020)
    payment = subsidy.payments.get()
    assert (payment.mandate_number, payment.amount) == ("2020-004512", Decimal("35000"))
    assert payment.instalment == subsidy.instalments.get()
    assert (subsidy.paid_net, subsidy.remaining_amount) == (Decimal("35000"), Decimal("0"))
    report = subsidy.financial_report
    assert report.status == ReportStatus.APPROVED
    with report.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_demo_2021_has_its_schedule_and_expects_its_report(demo):
    subsidy = Subsidy.objects.get(year=2021)
    assert subsidy.status == SubsidyStatus.VOTED
    assert list(subsidy.instalments.values_list("amount", "condition")) == [
        (Decimal("35000"), InstalmentCondition.ON_SIGNATURE)
    ]
    assert not subsidy.payments.exists()
    report = subsidy.financial_report
    assert (report.status, report.due_date) == (ReportStatus.EXPECTED, datetime.date(2022, 6, 30))


@pytest.mark.django_db
def test_load_demo_twice_leaves_the_same_row_counts(demo, settings):
    before = row_counts()
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    assert row_counts() == before


@pytest.mark.django_db
def test_load_demo_prints_the_logins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("instructeur", "responsable", "secretariat", "finances", "signataire"):
        assert username in out
    assert "mot de passe" in out


@pytest.mark.django_db
def test_load_demo_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("load_demo")
    assert str(refused.value) == DEMO_REFUSED_WITHOUT_DEBUG
    assert not Subsidy.objects.exists()
    assert not Beneficiary.objects.exists()
