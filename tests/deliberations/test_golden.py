"""Golden test: after load_demo, deliberation 21 B 0110 reads as the reference document."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from deliberations.management.commands.render_deliberation import UNKNOWN_NUMBER

from .conftest import normalise

REFERENCE = (
    Path(settings.BASE_DIR).parent / "shared" / "reference" / "deliberation-21B0110-apes-2021.txt"
)
START, END = "Dans la continuité", "Acte certifié exécutoire au 02/04/2021"


def excerpt(text: str) -> str:
    text = normalise(text)
    return text[text.index(START) : text.index(END) + len(END)]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def render(*args) -> str:
    out = io.StringIO()
    call_command("render_deliberation", *args, stdout=out)
    return out.getvalue()


def test_demo_deliberation_reads_as_the_reference(demo):
    # The only difference tolerated: the reference's missing space in « 2021; ».
    expected = excerpt(REFERENCE.read_text(encoding="utf-8")).replace("2021;", "2021 ;")
    assert excerpt(render("21 B 0110", "--format", "txt")) == expected


def test_html_output_holds_the_same_sentences(demo):
    html = render("21 B 0110", "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "Séance du vendredi 2 avril 2021" in html
    assert "Délibération DU BUREAU" in html
    assert "pour un montant total de 240\u00a0400\u00a0euros" in html
    assert "Acte certifié exécutoire au 02/04/2021" in html


def test_output_to_a_file(demo, tmp_path):
    target = tmp_path / "x.txt"
    render("21 B 0110", "--output", str(target))
    assert START in target.read_text(encoding="utf-8")


def test_unknown_number_is_one_french_line(db):
    with pytest.raises(CommandError) as refused:
        render("21 B 9999")
    assert str(refused.value) == UNKNOWN_NUMBER.format(number="21 B 9999")
    assert "\n" not in str(refused.value)


def test_demo_votes_the_subsidies_by_adopting_the_deliberations(demo):
    from deliberations.models import Deliberation
    from subventions.enums import SubsidyStatus

    VOTED_OR_LATER = (SubsidyStatus.VOTED, SubsidyStatus.PAID, SubsidyStatus.CLOSED)
    for deliberation in Deliberation.objects.all():
        assert deliberation.status == "adoptee"
        assert deliberation.executory_date is not None
        # Voted; the 2020 file has since been paid and closed (pilotage.demo).
        assert all(s.status in VOTED_OR_LATER for s in deliberation.subsidies.all())
    old = Deliberation.objects.get(number__startswith="20 B")
    assert "démonstration" in old.note
