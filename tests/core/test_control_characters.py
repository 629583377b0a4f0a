"""Control characters (issue 14, item 7): refused at input with a French message (model
text fields, so staff forms, the admin and the services; the SCDL import), and a value
already stored with one never breaks an export."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from core import text
from subventions.enums import Role
from subventions.models import Beneficiary
from tests.pilotage.opendata_helpers import VALID_EXAMPLE
from tests.subventions.factories import BeneficiaryFactory, SubsidyFactory

pytestmark = pytest.mark.django_db

BELL = "Association\x07 du quartier"
REFUSAL = text.CONTROL_CHARACTER.format(code="U+0007")


def test_a_model_text_field_refuses_a_control_character():
    beneficiary = BeneficiaryFactory.build(legal_name=BELL)
    with pytest.raises(ValidationError) as refused:
        beneficiary.full_clean()
    assert refused.value.message_dict["legal_name"] == [REFUSAL]


def test_line_breaks_and_tabs_stay_allowed_in_a_stored_text():
    BeneficiaryFactory.build(address="1 rue Exemple\r\n59000 Lille\tFrance").full_clean()


def test_the_staff_form_refuses_it_in_french_and_saves_nothing(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(
        reverse("subventions:beneficiary_create"),
        {"legal_name": BELL, "name_with_article": "l'association", "legal_form": "association"},
    )
    assert response.status_code == 200
    assert REFUSAL.replace("'", "&#x27;") in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_the_admin_refuses_it_in_french(client, make_user):
    client.force_login(make_user(is_superuser=True))
    beneficiary = BeneficiaryFactory()
    url = reverse("admin:subventions_beneficiary_change", args=[beneficiary.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(legal_name=BELL, _save="Enregistrer")
    response = client.post(url, data)
    assert response.status_code == 200
    assert REFUSAL.replace("'", "&#x27;") in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.legal_name != BELL


def test_the_scdl_import_rejects_the_line_with_the_column(tmp_path):
    rows = list(csv.reader(io.StringIO(VALID_EXAMPLE.read_text(encoding="utf-8"))))[:2]
    rows[1][rows[0].index("nomBeneficiaire")] = BELL
    path = tmp_path / "cloche.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    out = io.StringIO()
    with pytest.raises(CommandError):  # the line is rejected: nothing is saved
        call_command("import_scdl", str(path), stdout=out, stderr=io.StringIO())
    assert "nomBeneficiaire : caractère de contrôle invisible (U+0007)" in out.getvalue()
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize("export", ["subventions:beneficiary_export", "subventions:subsidy_export"])
def test_a_control_character_stored_by_a_raw_write_never_breaks_the_xlsx(client, make_user, export):
    subsidy = SubsidyFactory()
    Beneficiary.objects.filter(pk=subsidy.beneficiary_id).update(legal_name=BELL)
    client.force_login(make_user(Role.READER))
    response = client.get(reverse(export, args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "Association du quartier" in values
    assert client.get(reverse(export, args=["csv"])).status_code == 200
