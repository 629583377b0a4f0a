"""The SCDL « Délibérations » format: one row per published act (adopted, then published
online or displayed), with the columns and constraints of the table schema beside this
module (scdl-deliberations.schema.json, written from the published description of the
schema; the tests validate the export against it with frictionless).

The rows are checked against that same schema before anything is written (required
columns, patterns, dates, non-negative integers), so the file and its checks cannot drift
apart.
"""

import csv
import datetime
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch
from django.urls import reverse

from deliberations.act_views import published_acts
from deliberations.models import ActClassification, DeliberationSubsidy
from subventions.models import Authority

SCHEMA_PATH = Path(__file__).with_name("scdl-deliberations.schema.json")
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
COLUMNS = tuple(field["name"] for field in SCHEMA["fields"])
# What « the budget » is called in the act's text (« crédits inscrits au budget général »).
BUDGET_NAME = "Budget général"
FILENAME = "deliberations-{siret}-scdl.csv"

FIELD_REQUIRED = "{column} est obligatoire."
FIELD_PATTERN = "{column} « {value} » ne respecte pas le format attendu."
FIELD_DATE = "{column} « {value} » n'est pas une date AAAA-MM-JJ."
FIELD_INTEGER = "{column} « {value} » n'est pas un entier positif ou nul."
FIELD_URI = "{column} « {value} » n'est pas une adresse web."


def acts():
    """The published acts, with their classification and subsidies (the attendance sheet
    is read per act: a session's summary is one query)."""
    return (
        published_acts()
        .select_related("classification", "session__authority")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=DeliberationSubsidy.objects.select_related("subsidy"),
            ),
        )
    )


def _matiere(classification: ActClassification | None, labels: dict[str, str]):
    """(« 7.5 », « Finances locales/Subventions »): the subject at level 2."""
    if classification is None:
        return "", ""
    levels = classification.levels
    if len(levels) < 2:
        return "", ""
    level1, level2 = levels[0], ".".join(levels[:2])
    return level2, f"{labels.get(level1, '')}/{labels.get(level2, '')}"


def _count(value) -> str:
    return "" if value is None else str(value)


def _votes(deliberation) -> dict[str, str]:
    """The vote's figures; from the attendance sheet when the session has one."""
    summary = deliberation.session.attendance_summary()
    if not summary.in_office:
        summary = None  # no attendance sheet: the act was voted before the register was kept
    in_office = summary.in_office if summary else None
    voters = None
    if summary:
        voters = max(summary.voters - len(deliberation.non_participant_names), 0)
    if deliberation.unanimous:
        votes_for, against, abstentions = voters, 0, 0
    else:
        votes_for = deliberation.votes_for
        against, abstentions = deliberation.votes_against, deliberation.abstentions
        if voters is None and votes_for is not None:
            voters = votes_for + (against or 0) + (abstentions or 0)
    return {
        "VOTE_EFFECTIF": _count(in_office),
        "VOTE_REEL": _count(voters),
        "VOTE_POUR": _count(votes_for),
        "VOTE_CONTRE": _count(against),
        "VOTE_ABSTENTION": _count(abstentions),
    }


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def build_row(deliberation, authority: Authority, *, labels: dict[str, str], base_url: str):
    """The SCDL row of one act (every value a string, "" when unknown)."""
    code, name = _matiere(deliberation.classification, labels)
    years = [link.subsidy.year for link in deliberation.links.all()]
    amounts = [link.subsidy.amount or Decimal("0") for link in deliberation.links.all()]
    url = ""
    if base_url:
        path = reverse(
            "deliberations:public_act_detail", args=[deliberation.number.replace(" ", "")]
        )
        url = base_url.rstrip("/") + path
    return {
        "COLL_NOM": authority.name,
        "COLL_SIRET": authority.siret,
        "DELIB_ID": deliberation.number,
        "DELIB_DATE": _iso(deliberation.session.date),
        "DELIB_MATIERE_CODE": code,
        "DELIB_MATIERE_NOM": name,
        "DELIB_OBJET": " ".join(deliberation.title.split()),
        "BUDGET_ANNEE": str(max(years)) if years else "",
        "BUDGET_NOM": BUDGET_NAME if any(amounts) else "",
        "PREF_ID": deliberation.prefecture_act_id,
        "PREF_DATE": _iso(deliberation.prefecture_received_on),
        **_votes(deliberation),
        "DELIB_URL": url,
    }


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def row_errors(row: dict[str, str]) -> list[str]:
    """What the table schema refuses in a row, in French."""
    errors = []
    for field in SCHEMA["fields"]:
        column, value = field["name"], row[field["name"]]
        constraints = field.get("constraints", {})
        if not value:
            if constraints.get("required"):
                errors.append(FIELD_REQUIRED.format(column=column))
            continue
        pattern = constraints.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            errors.append(FIELD_PATTERN.format(column=column, value=value))
        if field["type"] == "date":
            try:
                ok = bool(_DATE.match(value)) and bool(datetime.date.fromisoformat(value))
            except ValueError:
                ok = False
            if not ok:
                errors.append(FIELD_DATE.format(column=column, value=value))
        elif field["type"] == "integer" and not value.isdigit():
            errors.append(FIELD_INTEGER.format(column=column, value=value))
        elif field.get("format") == "uri" and not re.match(r"^https?://\S+$", value):
            errors.append(FIELD_URI.format(column=column, value=value))
    return errors


def checked_rows(authority: Authority, *, base_url: str = "") -> Iterator[tuple[str, dict, list]]:
    """(number, row, errors) for every published act, each in the name of its session's
    authority (`authority`, the default one, for a session that names none)."""
    labels = dict(ActClassification.objects.values_list("code", "label"))
    for deliberation in acts():
        own = deliberation.session.authority if deliberation.session.authority_id else authority
        row = build_row(deliberation, own, labels=labels, base_url=base_url)
        yield deliberation.number, row, row_errors(row)


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """UTF-8 CSV, comma separated, header first."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([row[column] for column in COLUMNS])
