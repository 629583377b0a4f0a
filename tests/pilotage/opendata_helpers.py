"""Helpers of the open data tests: published files built with the factories, the official
schema and examples read from shared/, a frictionless validation with the schema's
custom checks."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from frictionless import Resource, Schema
from stdnum.fr import siret

from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from subventions.models import Subsidy
from tests.conventions.factories import AgreementFactory
from tests.subventions.factories import PaymentFactory, SubsidyFactory

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference"
SCHEMA_PATH = REFERENCE / "scdl-subventions-2.1.1.schema.json"
EXAMPLES = REFERENCE / "scdl-subventions-2.1.1-examples"
VALID_EXAMPLE = EXAMPLES / "exemple_valide.csv"
CELL_ERRORS_EXAMPLE = EXAMPLES / "exemple_invalide_erreurs_cellules.csv"
COLUMN_ERRORS_EXAMPLE = EXAMPLES / "exemple_invalide_erreurs_colonnes.csv"


def schema_descriptor() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def granted(subsidy, *, number: str, session_date=datetime.date(2021, 4, 2)) -> Deliberation:
    """An adopted, executory Bureau deliberation `number` granting `subsidy` (rows only)."""
    session, _ = Session.objects.get_or_create(
        body=Body.BUREAU, date=session_date, time=datetime.time(14)
    )
    deliberation = Deliberation.objects.create(
        number=number, session=session, policy_area=subsidy.policy_area, title=subsidy.title
    )
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
    # Adopted in one UPDATE: the freezing triggers act on rows already adopted.
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=DeliberationStatus.ADOPTED, executory_date=session_date, voted_at=timezone.now()
    )
    # What deliberations writes on the file it grants (Subsidy.executory_on).
    Subsidy.objects.filter(pk=subsidy.pk).update(executory_on=session_date)
    return deliberation


def published_subsidy(n: int = 1, *, payments=(), **fields):
    """A voted subsidy, granted by deliberation « 21 B 0{n:03d} », whose agreement both
    parties signed (the authority on 3 May 2021), with the payments (date, amount) given."""
    fields.setdefault("amount_requested", Decimal("35000"))
    subsidy = SubsidyFactory(voted=True, **fields)
    granted(subsidy, number=f"21 B {n:04d}")
    AgreementFactory(subsidy=subsidy, signed_by_both=True, number=f"CONV-TEST-{n:04d}")
    for date, amount in payments:
        PaymentFactory(subsidy=subsidy, date=date, amount=Decimal(amount))
    return subsidy


def custom_check_errors(content: bytes, descriptor: dict) -> list[str]:
    """The schema's custom checks (validata's), which frictionless does not run."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    errors = []
    for check in descriptor["custom_checks"]:
        params = check["params"]
        for number, row in enumerate(rows, start=2):
            if check["name"] == "french-siret-value":
                value = row[params["column"]]
                if value and not siret.is_valid(value):
                    errors.append(f"ligne {number} : {params['column']} {value} invalide")
            elif check["name"] == "one-of-required":
                if not row[params["column1"]] and not row[params["column2"]]:
                    errors.append(f"ligne {number} : ni {params['column1']} ni {params['column2']}")
            else:
                raise AssertionError(f"contrôle personnalisé non mis en œuvre : {check['name']}")
    return errors


def schema_errors(content: bytes, fmt: str = "csv") -> list[str]:
    """Every error frictionless finds against the official schema, plus its custom checks."""
    descriptor = schema_descriptor()
    schema = Schema.from_descriptor(descriptor)
    if fmt == "json":
        records = json.loads(content.decode("utf-8"))
        header = list(schema.field_names)
        data = [header] + [[record[name] for name in header] for record in records]
        resource = Resource(data=data, schema=schema)
        csv_content = io.StringIO()
        csv.writer(csv_content, lineterminator="\n").writerows(data)
        content = csv_content.getvalue().encode("utf-8")
    else:
        resource = Resource(data=content, format="csv", encoding="utf-8", schema=schema)
    report = resource.validate()
    errors = [error.message for task in report.tasks for error in task.errors]
    return errors + custom_check_errors(content, descriptor)
