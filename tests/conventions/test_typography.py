"""Typography of the generated PDFs (DESIGN.md §8): no-break spaces before « : » and « ; »,
no page with a lone line or two, one font family, every font embedded.

pdftotext turns every no-break space into a plain one, so the spaces are read from the
PDF's own text (tests/pdftext.py); pdftotext counts the lines of each page's body.
"""

import re
import subprocess

import pytest

from conventions import rendering as agreement_rendering
from conventions.models import Agreement
from deliberations import rendering as deliberation_rendering
from deliberations.models import Deliberation
from tests.pdftext import pdf_fonts, pdf_pages_text

pytestmark = pytest.mark.django_db
# Real PDFs here (the deliberation tests' conftest replaces them with a test double).
REAL_PDF = True

NO_BREAK = "\u00a0\u202f"
# A colon or semicolon after a space that is not a no-break one.
BREAKABLE_BEFORE = re.compile(rf"[^\S{NO_BREAK}][:;]|^[:;]", re.M)
# The body of an A4 page in points, without the running header and footer.
BODY = ["-r", "72", "-x", "0", "-y", "85", "-W", "595", "-H", "690"]
STYLES = re.compile(r"-(Bold|Oblique|Italic|BoldOblique|BoldItalic)$")


def body_lines_per_page(content: bytes, tmp_path) -> list[int]:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])
    counts = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), *BODY, "-layout", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        counts.append(sum(1 for line in text.splitlines() if line.strip()))
    return counts


def families(content: bytes) -> set[str]:
    return {STYLES.sub("", name.split("+")[-1]) for name, _embedded in pdf_fonts(content)}


def check_typography(content: bytes, tmp_path):
    pages = pdf_pages_text(content)
    text = "\n".join(pages)
    assert text.count(":") >= 5 and text.count(";") >= 3  # the check has something to check
    assert BREAKABLE_BEFORE.findall(text) == []
    assert all(embedded for _name, embedded in pdf_fonts(content))
    assert families(content) == {"DejaVu-Sans"}
    lines = body_lines_per_page(content, tmp_path)
    assert len(lines) >= 2
    assert min(lines) >= 5, lines
    return text


def test_the_deliberation_and_agreement_pdfs_follow_french_typography(demo, tmp_path):
    deliberation = Deliberation.objects.get(number="21 B 0110")
    content = deliberation_rendering.build_pdf(
        deliberation, deliberation_rendering.render_html_body(deliberation)
    )
    text = check_typography(content, tmp_path)
    assert "Résultat du vote\u00a0: ADOPTÉ À L'UNANIMITÉ" in text
    assert "Axe 1\u00a0: Appui aux porteurs" in text
    assert "21\u00a0B\u00a00110" in text  # the number never breaks

    agreement = Agreement.objects.get(subsidy=demo)
    text = check_typography(agreement_rendering.build_pdf(agreement).content, tmp_path)
    assert "n°\u00a02000-321" in text
    assert "35\u00a0000\u00a0€" in text
    assert "«\u00a0l'APES\u00a0»" in text
