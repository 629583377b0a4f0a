"""export_scdl: the SCDL « subventions » 2.1.1 rows, checked before anything is written."""

import csv
import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn
from stdnum.fr import siret

from pilotage.opendata import scdl
from subventions.enums import AidNature, PaymentTerms
from tests.pilotage.opendata_helpers import (
    granted,
    published_subsidy,
    schema_descriptor,
    schema_errors,
)
from tests.subventions.factories import AuthorityFactory, BeneficiaryFactory, SubsidyFactory

pytestmark = pytest.mark.django_db


def export(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_scdl", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def authority():
    return AuthorityFactory()


def test_columns_are_the_schema_fields_in_order():
    assert list(scdl.COLUMNS) == [field["name"] for field in schema_descriptor()["fields"]]


def test_required_columns_and_enums_are_the_schema_ones():
    fields = {field["name"]: field for field in schema_descriptor()["fields"]}
    required = {
        name for name, field in fields.items() if field.get("constraints", {}).get("required")
    }
    assert required == scdl.REQUIRED
    assert list(scdl.NATURES) == fields["nature"]["constraints"]["enum"]
    assert scdl.PERIOD_PATTERN.pattern == fields["datesPeriodeVersement"]["constraints"]["pattern"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Programme d'actions 2021", "Programme d'actions 2021"),
        ("  Deux   espaces\net une ligne ", "Deux espaces et une ligne"),
    ],
)
def test_short_objects_are_kept_on_one_line(text, expected):
    assert scdl.cut_object(text) == expected


def test_long_object_is_cut_after_a_whole_word():
    text = ("animation territoriale " * 20).strip()
    cut = scdl.cut_object(text)
    assert len(cut) <= 256
    assert cut.endswith("territoriale…") or cut.endswith("animation…")
    assert not cut[:-1].endswith(" ")
    assert text.startswith(cut[:-1])


def test_exported_row_holds_each_column(authority):
    subsidy = published_subsidy(
        1,
        payments=[(datetime.date(2021, 5, 10), "20000"), (datetime.date(2021, 11, 11), "15000")],
        payment_terms=PaymentTerms.STAGGERED,
        eu_notification=True,
    )
    out, err = export()
    [row] = csv_rows(out)
    beneficiary = subsidy.beneficiary
    assert row == {
        "nomAttribuant": "Métropole Européenne de Lille",
        "idAttribuant": "20009320100016",
        "dateConvention": "2021-05-03",
        "referenceDecision": "21 B 0001",
        "nomBeneficiaire": beneficiary.legal_name,
        "idBeneficiaire": beneficiary.siret,
        "rnaBeneficiaire": beneficiary.rna,
        "objet": "Programme d'actions 2021",
        "montant": "35000.00",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2021-05-10/2021-11-11",
        "idRAE": "",
        "notificationUE": "oui",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
    assert "1 ligne SCDL 2.1.1 écrite" in err


def test_one_payment_is_a_date_and_no_payment_the_agreement_period(authority):
    published_subsidy(1, payments=[(datetime.date(2021, 5, 10), "35000")])
    published_subsidy(2)
    rows = csv_rows(export()[0])
    assert [row["datesPeriodeVersement"] for row in rows] == [
        "2021-05-10",
        "2021-01-01/2021-12-31",
    ]


def test_csv_is_utf8_comma_separated_as_the_official_example(authority, tmp_path):
    published_subsidy(1, purpose='Festival « Été », "Nuits" et ateliers')
    target = tmp_path / "subventions.csv"
    export("--output", str(target))
    content = target.read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf")  # no BOM, as the example
    assert b"\r\n" not in content
    lines = content.decode("utf-8").splitlines()
    assert lines[0] == ",".join(scdl.COLUMNS)
    assert '"Festival « Été », ""Nuits"" et ateliers"' in lines[1]


def test_only_agreements_signed_by_both_parties_without_all(authority):
    published_subsidy(1)
    unsigned = SubsidyFactory(voted=True, year=2021)
    granted(unsigned, number="21 B 0002", session_date=datetime.date(2021, 6, 4))
    SubsidyFactory(voted=True)  # voted without a deliberation of ours: never published

    assert len(csv_rows(export()[0])) == 1
    rows = csv_rows(export("--all")[0])
    assert [(row["dateConvention"], row["referenceDecision"]) for row in rows] == [
        ("2021-05-03", "21 B 0001"),
        ("2021-06-04", "21 B 0002"),
    ]


def test_year_since_and_until_filter_the_rows(authority):
    published_subsidy(1)
    published_subsidy(2, year=2022)
    assert len(csv_rows(export("--year", "2022")[0])) == 1
    assert len(csv_rows(export("--since", "2021-05-03", "--until", "2021-05-03")[0])) == 2
    assert csv_rows(export("--since", "2021-05-04")[0]) == []


def test_json_holds_the_same_rows(authority):
    published_subsidy(1)
    out, _ = export("--format", "json")
    [record] = json.loads(out)
    assert list(record) == list(scdl.COLUMNS)
    assert record["montant"] == "35000.00"
    assert schema_errors(out.encode(), "json") == []


def test_an_invalid_row_is_reported_and_nothing_is_written(authority, tmp_path):
    published_subsidy(1)
    anonymous = BeneficiaryFactory(siret="", rna="")
    bad = published_subsidy(2, beneficiary=anonymous)
    folder = tmp_path / "export"
    folder.mkdir()
    target = folder / "subventions.csv"
    with pytest.raises(CommandError, match="1 ligne"):
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("export_scdl", "--output", str(target), stdout=stdout, stderr=stderr)
    assert f"{bad.reference} : {scdl.NO_IDENTIFIER}" in stderr.getvalue()
    assert not target.exists()
    assert list(folder.iterdir()) == []  # no temporary file left either

    out, err = export("--skip-invalid")
    assert len(csv_rows(out)) == 1
    assert bad.reference in err
    assert "1 écartée" in err


def test_a_siret_failing_its_key_is_refused(authority):
    beneficiary = BeneficiaryFactory()
    type(beneficiary).objects.filter(pk=beneficiary.pk).update(siret="41985000300008")
    subsidy = published_subsidy(1, beneficiary=beneficiary)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("export_scdl", stdout=io.StringIO(), stderr=stderr)
    message = scdl.NOT_SIRET.format(column="idBeneficiaire", value="41985000300008")
    assert f"{subsidy.reference} : {message}" in stderr.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Format inconnu : « xml » (csv ou json)."),
        (["--since", "2021-13-01"], "Date invalide pour --since : « 2021-13-01 »"),
        (["--until", "demain"], "Date invalide pour --until : « demain »"),
        (["--year", "deux mille"], "Exercice invalide pour --year"),
        (["--since", "2021-06-01", "--until", "2021-01-01"], "est postérieure à --until"),
    ],
)
def test_bad_arguments_say_why_in_one_french_line(authority, args, message):
    with pytest.raises(CommandError) as raised:
        export(*args)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_without_authority_nothing_is_exported():
    with pytest.raises(CommandError, match="Aucune collectivité"):
        export()


def test_row_checks_follow_the_schema():
    row = {
        "nomAttribuant": "Ville",
        "idAttribuant": "21860194600000",
        "dateConvention": "05/12/2016",
        "nomBeneficiaire": "Asso",
        "rnaBeneficiaire": "W3222",
        "objet": "x" * 257,
        "montant": "100000,1",
        "nature": "aide en numéraire,aide en nature",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2017-06-27_2018-06-27",
        "idRAE": "123456",
        "notificationUE": "yes",
        "pourcentageSubvention": "100",
    }
    errors = " ".join(scdl.row_errors(row))
    for expected in (
        "idAttribuant : « 21860194600000 »",
        "rnaBeneficiaire : « W3222 »",
        "dateConvention : « 05/12/2016 »",
        "objet : 257 caractères, 256 au plus.",
        "montant : « 100000,1 »",
        "nature : « aide en numéraire,aide en nature »",
        "datesPeriodeVersement : « 2017-06-27_2018-06-27 »",
        "idRAE : 6 caractères, 5 au plus.",
        "notificationUE : « yes »",
        "pourcentageSubvention : 100 hors de l'intervalle",
    ):
        assert expected in errors
    assert (
        scdl.row_errors({"idBeneficiaire": "", "rnaBeneficiaire": ""}).count(scdl.NO_IDENTIFIER)
        == 1
    )


def test_export_of_the_demo_validates_against_the_official_schema(settings):
    """The acceptance check: frictionless and the schema's custom checks, no error."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    # The demo agreement may not be signed yet: one built here gives the main mode rows.
    published_subsidy(
        1,
        payments=[(datetime.date(2021, 6, 1), "12000"), (datetime.date(2021, 9, 1), "23000")],
        nature=AidNature.IN_KIND,
    )
    for args in ([], ["--all"]):
        for fmt in ("csv", "json"):
            out, _ = export("--format", fmt, *args)
            assert out.count("20009320100016") >= 1
            assert schema_errors(out.encode("utf-8"), fmt) == [], (args, fmt)
    rows = csv_rows(export("--all")[0])
    apes = [row for row in rows if row["idBeneficiaire"] == "41985000300007"]
    assert {row["referenceDecision"] for row in apes} >= {"21 B 0110", "20 B 0042"}
    assert all(row["montant"] == "35000.00" for row in apes)


def test_the_official_examples_are_judged_as_the_schema_says():
    """The helper itself: the valid example passes, the invalid ones do not."""
    from tests.pilotage.opendata_helpers import (
        CELL_ERRORS_EXAMPLE,
        COLUMN_ERRORS_EXAMPLE,
        VALID_EXAMPLE,
    )

    assert schema_errors(VALID_EXAMPLE.read_bytes()) == []
    assert schema_errors(CELL_ERRORS_EXAMPLE.read_bytes())
    assert schema_errors(COLUMN_ERRORS_EXAMPLE.read_bytes())


def test_amounts_keep_their_cents(authority):
    published_subsidy(1, amount_requested=Decimal("47800.20"))
    [row] = csv_rows(export()[0])
    assert row["montant"] == "47800.20"


def _keyed(body: str) -> str:
    """`body` followed by the digit that makes its Luhn sum a multiple of ten."""
    return next(body + key for key in "0123456789" if luhn.is_valid(body + key))


def test_siret_check_judges_as_python_stdnum():
    """The export's own SIRET check (written for speed) says what stdnum says: random
    numbers, numbers whose SIREN and SIRET keys are right, La Poste's establishments (sum
    of digits, no Luhn key) and its head office."""
    generator = random.Random(13)

    def digits(count: int) -> str:
        return "".join(generator.choice("0123456789") for _ in range(count))

    candidates = ["35600000000048", "35600000000049"]
    candidates += [f"356000000{digits(4)}{key}" for key in "0123456789"]
    candidates += [digits(14) for _ in range(2000)]
    candidates += [_keyed(_keyed(digits(8)) + digits(4)) for _ in range(500)]
    candidates += [_keyed(digits(8)) + digits(5) for _ in range(500)]
    assert 500 <= sum(siret.is_valid(value) for value in candidates) < len(candidates)
    for value in candidates:
        assert scdl.is_siret(value) is siret.is_valid(value), value
    # Not 14 ASCII digits: refused, as stdnum refuses them.
    for value in ("", "7328293200007", "732829320000740", "73282932000074 ", "١٢٣٤٥٦٧٨٩٠١٢٣٤"):
        assert scdl.is_siret(value) is False


def test_the_csv_streams_in_chunks_with_the_text_of_one_line_per_row():
    """The streamed CSV is `csv_lines` word for word, sent CHUNK_ROWS rows at a time: the
    first chunk leaves before the later rows are read."""
    read = []

    def rows():
        for n in range(1_234):
            read.append(n)
            yield tuple(f"{column} {n} « ligne »" for column in scdl.COLUMNS)

    chunks = scdl.stream("csv", rows())
    first = next(chunks)
    assert len(read) == scdl.CHUNK_ROWS
    assert first.startswith(",".join(scdl.COLUMNS) + "\n")
    text = first + "".join(chunks)
    assert text == "".join(scdl.csv_lines(rows()))
    assert len(list(scdl.stream("csv", rows()))) == 3
    assert "".join(scdl.stream("csv", [])) == ",".join(scdl.COLUMNS) + "\n"


# Cells the csv module quotes, or treats apart, and plain ones.
HOSTILE_CELLS = [
    "",
    "texte simple",
    "virgule, dedans",
    'guillemet " dedans',
    '"entre guillemets"',
    "retour\nà la ligne",
    "retour chariot\r",
    "\r\n",
    " espaces autour ",
    "point-virgule ; et tabulation\t",
    "séparateur de ligne \u2028 unicode",
    "'=1+1",
    "‘apostrophes’ et « guillemets »",
    ",",
    '"',
]


def test_the_csv_chunks_are_what_the_csv_module_writes_whatever_the_cells():
    """The plain rows are joined by str.join, the others written by the csv module: the
    text is the module's, byte for byte, for random rows of hostile and plain cells."""
    generator = random.Random(2026)
    rows = [
        tuple(generator.choice(HOSTILE_CELLS) for _column in scdl.COLUMNS) for _ in range(3_000)
    ]
    rows += [tuple(f"cellule {n}" for n in range(len(scdl.COLUMNS)))] * 600
    generator.shuffle(rows)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(scdl.COLUMNS)
    writer.writerows(rows)
    assert "".join(scdl.csv_chunks(rows)) == expected.getvalue()


def test_an_empty_row_misses_exactly_the_required_columns():
    errors = scdl.row_errors({})
    missing = {column for column in scdl.COLUMNS if scdl.MISSING.format(column=column) in errors}
    assert missing == scdl.REQUIRED
    assert scdl.NO_IDENTIFIER in errors


def test_a_row_is_judged_on_the_cells_it_writes():
    """The export checks its cells as written (a padded RNA would be in the file); a
    reader's row is checked without the spaces around its cells, as a CSV reader sees them."""
    row = dict.fromkeys(scdl.COLUMNS, "")
    row.update(
        nomAttribuant="Métropole",
        idAttribuant="20009320100016",
        dateConvention="2021-05-03",
        nomBeneficiaire="Asso",
        rnaBeneficiaire=" W595000123",
        objet="Objet",
        montant="35000.00",
        nature="aide en numéraire",
        conditionsVersement="unique",
        datesPeriodeVersement="2021-06-01",
        notificationUE="non",
        pourcentageSubvention="1.00",
    )
    assert scdl.row_errors(row) == []
    cells = tuple(row[column] for column in scdl.COLUMNS)
    assert scdl.cell_errors(cells) == [scdl.NOT_RNA.format(value=" W595000123")]
