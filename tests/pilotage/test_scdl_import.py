"""import_scdl: the official examples, all or nothing, --partial, --dry-run, matching."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.models import TransitionLog
from pilotage.opendata import importing
from subventions.enums import AidNature, PaymentTerms, SubsidyStatus
from subventions.models import Beneficiary, PolicyArea, Subsidy
from tests.pilotage.opendata_helpers import (
    CELL_ERRORS_EXAMPLE,
    COLUMN_ERRORS_EXAMPLE,
    VALID_EXAMPLE,
)
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def run(path, *args) -> str:
    stdout = io.StringIO()
    call_command("import_scdl", str(path), *args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def run_refused(path, *args) -> tuple[str, str]:
    stdout = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_scdl", str(path), *args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue(), str(raised.value)


def saved_nothing():
    return not Subsidy.objects.exists() and not Beneficiary.objects.exists()


def test_the_valid_example_imports_every_row():
    report = run(VALID_EXAMPLE)
    assert Subsidy.objects.count() == 29
    assert "29 lignes lues, 29 créées" in report
    assert "0 rejetée" in report
    for line in range(2, 31):
        assert f"ligne {line} : créée SUB-2017-" in report
    # Historical and closed, with where they come from.
    assert set(Subsidy.objects.values_list("status", flat=True)) == {SubsidyStatus.CLOSED}
    assert set(Subsidy.objects.values_list("policy_area__label", flat=True)) == {
        importing.DEFAULT_POLICY_AREA
    }
    transition = TransitionLog.objects.get(subsidy__beneficiary__siret="52499120500013")
    assert transition.action == importing.IMPORT_ACTION
    assert transition.to_status == SubsidyStatus.CLOSED
    assert transition.user.username == "import-scdl"
    assert transition.comment.startswith("import SCDL exemple_valide.csv, ligne 2 — ")
    assert "convention du 2015-07-07" in transition.comment
    # Line 2: 99 786,57 € shared, 5 % to this beneficiary; staggered payments in 2017.
    first = transition.target
    assert first.amount_awarded == Decimal("4989.33")
    assert first.year == 2017
    assert first.payment_terms == PaymentTerms.STAGGERED
    assert first.beneficiary.rna == "W333216789"
    assert first.beneficiary.legal_name == "CEA DU PERSONNEL DE LA VILLE D'ANTIBES JUAN-LES-PINS"
    mixed = Subsidy.objects.get(beneficiary__siret="79281457600015")
    assert mixed.nature == AidNature.CASH
    assert "nature « aide en numéraire;aide en nature »" in mixed.transitions.get().comment
    assert mixed.eu_notification is True
    assert mixed.history.first().history_user.username == "import-scdl"


def test_the_cell_errors_example_is_rejected_line_by_line_and_nothing_saved():
    report, error = run_refused(CELL_ERRORS_EXAMPLE)
    assert "29 lignes rejetées : rien n'a été enregistré" in error
    assert saved_nothing()
    assert not PolicyArea.objects.exists()
    lines = {int(line.split()[1]): line for line in report.splitlines() if line.startswith("ligne")}
    assert sorted(lines) == list(range(2, 31))
    assert all(": rejetée — " in line for line in lines.values())
    assert "pourcentageSubvention : 100 hors de l'intervalle 0.01 à 1." in lines[2]
    assert "dateConvention : « 05/12/2016 » n'est pas une date AAAA-MM-JJ." in lines[5]
    assert "rnaBeneficiaire : « W3222 »" in lines[5]
    assert "montant : « 100000,1 »" in lines[6]
    assert "notificationUE : « no »" in lines[6]
    assert "idAttribuant : « 218601946 »" in lines[7]
    assert "datesPeriodeVersement : « 2017-06-27_2018-06-27 »" in lines[8]
    assert "ni SIRET ni numéro RNA" in lines[9]
    assert "montant : valeur obligatoire absente." in lines[10]
    assert "nature : « aide en numéraire,aide en nature »" in lines[16]


def test_the_column_errors_example_is_rejected_as_a_file():
    report, error = run_refused(COLUMN_ERRORS_EXAMPLE)
    assert error == importing_file_rejected()
    assert "Colonne inconnue du schéma SCDL 2.1.1 : « NOM_Beneficiaire »." in report
    assert "Colonne obligatoire absente : « nomBeneficiaire »." in report
    assert "« nomAttribuant » doit précéder « idAttribuant »" in report
    assert saved_nothing()


def importing_file_rejected():
    from pilotage.management.commands.import_scdl import FILE_REJECTED

    return FILE_REJECTED


@pytest.fixture
def mixed_file(tmp_path):
    """Lines 2–4 of the valid example, then line 5 of the cell errors example."""
    with open(VALID_EXAMPLE, encoding="utf-8") as handle:
        valid = list(csv.reader(handle))
    with open(CELL_ERRORS_EXAMPLE, encoding="utf-8") as handle:
        invalid = list(csv.reader(handle))
    path = tmp_path / "melange.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(valid[0])
        writer.writerows(valid[1:4])
        writer.writerow(invalid[4] + [""])  # the valid file has the 16th column
    return path


def test_without_partial_one_bad_line_saves_nothing(mixed_file):
    report, error = run_refused(mixed_file)
    assert "1 ligne rejetée" in error
    assert "ligne 5 : rejetée — " in report
    assert "3 créées" in report  # what would have been created
    assert saved_nothing()


def test_partial_saves_the_good_lines(mixed_file):
    report = run(mixed_file, "--partial")
    assert Subsidy.objects.count() == 3
    assert "ligne 5 : rejetée — " in report
    assert "3 créées" in report and "1 rejetée" in report


def test_dry_run_saves_nothing():
    report = run(VALID_EXAMPLE, "--dry-run")
    assert "29 créées" in report
    assert "Simulation (--dry-run) : rien n'a été enregistré." in report
    assert saved_nothing()
    assert not PolicyArea.objects.exists()


def test_beneficiaries_are_matched_by_siret_then_rna(tmp_path):
    by_siret = BeneficiaryFactory(siret="52499120500013", rna="")
    by_rna = BeneficiaryFactory(siret="", rna="W322216459")
    report = run(VALID_EXAMPLE, "--policy-area", "SPORT")
    assert "ligne 2 : créée SUB-2017-0001 (bénéficiaire retrouvé par SIRET)" in report
    assert "ligne 3 : créée SUB-2017-0002 (bénéficiaire retrouvé par RNA)" in report
    assert "(bénéficiaires : 27 créés, 1 retrouvé par SIRET, 1 retrouvé par RNA)" in report
    assert by_siret.subsidies.get().policy_area.label == "SPORT"
    assert by_rna.subsidies.count() == 1
    assert Beneficiary.objects.count() == 29


def test_importing_twice_creates_nothing_more():
    run(VALID_EXAMPLE)
    report = run(VALID_EXAMPLE)
    assert Subsidy.objects.count() == 29
    assert "29 déjà importées" in report
    assert "ligne 2 : déjà importée SUB-2017-0001" in report


def test_a_file_with_semicolons_is_refused(tmp_path):
    path = tmp_path / "pointvirgule.csv"
    path.write_text("nomAttribuant;idAttribuant\nMEL;20009320100016\n", encoding="utf-8")
    report, _ = run_refused(path)
    assert importing.NOT_COMMA in report


def test_a_missing_file_is_said(tmp_path):
    _, error = run_refused(tmp_path / "absent.csv")
    assert error.startswith("Fichier introuvable")
