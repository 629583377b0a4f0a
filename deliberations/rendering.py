"""The deliberation text in three outputs (plain text, HTML, PDF), from one plain context.

`deliberation_context` is the only place that reads the data; the legal prose lives in
templates/deliberations/document/ (shared sentences under sentences/, included by both
the text and the HTML body) and templates/conventions/pdf/. Once the deliberation is
voted, its stored text, HTML and PDF are served instead of being rendered again.
"""

import re
from collections import OrderedDict
from decimal import Decimal

from django.template.loader import render_to_string

from core.formatting import typography, typography_html
from core.pdf import render_to_pdf
from subventions.models import Authority, Subsidy

from . import selectors
from .enums import DeliberationStatus
from .models import Deliberation

TEXT_TEMPLATE = "deliberations/document/document.txt"
HTML_TEMPLATE = "deliberations/document/document.html"
PAGE_TEMPLATE = "deliberations/document/page.html"
PDF_TEMPLATE = "deliberations/pdf/deliberation.html"
CERTIFICATE_TEXT = "deliberations/document/sentences/certificate.txt"

FINANCING_SAME, FINANCING_UP, FINANCING_DOWN, FINANCING_FIRST = "same", "up", "down", "first"


def _cofunding_entries(subsidy: Subsidy) -> list[dict]:
    """The co-funding plan as the sentence names it: one entry per partner, summed over
    its lines; a line with several partners is one entry of its own."""
    entries: OrderedDict = OrderedDict()
    for line in subsidy.cofundings.all():
        partners = [link.partner for link in line.partner_links.all()]
        if len(partners) == 1:
            key = ("partner", partners[0].pk)
            entry = entries.setdefault(
                key,
                {
                    "name": partners[0].name_with_article,
                    "partners": [],
                    "amount": Decimal("0"),
                    "lines": 0,
                    "total": False,
                },
            )
        else:
            entry = entries.setdefault(
                ("line", line.pk),
                {
                    "name": line.group_label,
                    "partners": [partner.name_with_article for partner in partners],
                    "amount": Decimal("0"),
                    "lines": 0,
                    "total": False,
                },
            )
        entry["amount"] += line.amount
        entry["lines"] += 1
        entry["total"] = entry["total"] or line.is_total or entry["lines"] > 1
    return list(entries.values())


def _financing_change(subsidy: Subsidy, previous: Subsidy | None) -> tuple[str, Decimal | None]:
    if previous is None or previous.amount is None:
        return FINANCING_FIRST, None
    difference = subsidy.amount - previous.amount
    if difference > 0:
        return FINANCING_UP, difference
    if difference < 0:
        return FINANCING_DOWN, -difference
    return FINANCING_SAME, Decimal("0")


def _subsidy_context(subsidy: Subsidy) -> dict:
    beneficiary = subsidy.beneficiary
    previous = subsidy.previous_subsidy
    change, difference = _financing_change(subsidy, previous)
    return {
        # A grammar.Name: « à l'APES », « aux Jardins … », and verbs that agree with it.
        "beneficiary": beneficiary.grammatical_name,
        "beneficiary_name": str(beneficiary),
        "legal_form": beneficiary.legal_form,
        "year": subsidy.year,
        "object": subsidy.purpose,
        "amount": subsidy.amount,
        "section": subsidy.get_section_display().lower(),
        "requires_agreement": subsidy.requires_agreement,
        "change": change,
        "difference": difference,
        "previous_year": previous.year if previous else None,
        "projected_budget": subsidy.projected_budget,
        "budget_share": subsidy.budget_share,
        "axes": [
            {"position": axis.position, "title": axis.title, "description": axis.description}
            for axis in subsidy.axes.all()
        ],
        "cofundings": _cofunding_entries(subsidy),
    }


def deliberation_context(deliberation: Deliberation) -> dict:
    """Everything the deliberation templates show, as plain values (no model instances)."""
    subsidies = selectors.deliberation_subsidies(deliberation)
    single = len(subsidies) == 1
    # Each beneficiary's financing paragraph, as a single-subsidy deliberation writes it,
    # also comes before the table of a deliberation granting several subsidies.
    rows = [_subsidy_context(subsidy) for subsidy in subsidies]
    session = deliberation.session
    authority = session.authority_or_default if session else Authority.current()
    body = session.body if session else ""
    sections = list(dict.fromkeys(row["section"] for row in rows))
    decisions = ["support", "grant"]
    if any(row["requires_agreement"] for row in rows):
        decisions.append("sign")
    decisions.append("charge")
    status = deliberation.status
    return {
        "number": deliberation.number,
        "body": body,
        "body_label": session.get_body_display() if session else "",
        "body_name": session.body_name if session else "",
        "deciding_body": authority.body_deciding(body) if authority else "l'assemblée",
        "executive": authority.executive if authority else "l'exécutif",
        "session_date": session.date if session else None,
        "policy_area": deliberation.policy_area.label,
        "title": deliberation.title,
        "preamble": deliberation.preamble,
        "context": deliberation.context,
        "partnership_description": deliberation.partnership_description,
        "previous_year_activity": deliberation.previous_year_activity,
        "axes_introduction": deliberation.axes_introduction,
        "authority": authority.name_with_article if authority else "la collectivité",
        "single": single,
        "subsidy": rows[0] if single else None,
        "subsidies": rows,
        "year": max((row["year"] for row in rows), default=None),
        "total": sum((row["amount"] or Decimal("0") for row in rows), Decimal("0")),
        "budget_sections": sections,
        "decisions": decisions,
        "vote": {
            "voted": status in (DeliberationStatus.ADOPTED, DeliberationStatus.REJECTED),
            "adopted": status == DeliberationStatus.ADOPTED,
            "unanimous": deliberation.unanimous,
            "votes_for": deliberation.votes_for,
            "votes_against": deliberation.votes_against,
            "abstentions": deliberation.abstentions,
            "non_participants": deliberation.non_participant_names,
        },
        "executory_date": deliberation.executory_date,
    }


_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


def _tidy(text: str) -> str:
    """Template tags leave blank lines and trailing spaces: at most one blank line."""
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def build_text(context: dict) -> str:
    return typography(_tidy(render_to_string(TEXT_TEMPLATE, context)))


def build_html(context: dict) -> str:
    return typography_html(render_to_string(HTML_TEMPLATE, context))


def _certificate(deliberation: Deliberation) -> dict:
    return {"executory_date": deliberation.executory_date}


def render_text(deliberation: Deliberation) -> str:
    """The plain text: frozen once voted, then certified executory when it is."""
    if deliberation.is_frozen and deliberation.text:
        body = deliberation.text
    else:
        body = build_text(deliberation_context(deliberation))
    certificate = render_to_string(CERTIFICATE_TEXT, _certificate(deliberation)).strip()
    return body + (f"\n{certificate}\n" if certificate else "")


def _page_context(deliberation: Deliberation, body_html: str) -> dict:
    session = deliberation.session
    return {
        "number": deliberation.number,
        "body_label": session.get_body_display() if session else "",
        "body_name": session.body_name if session else "",
        "session_date": session.date if session else None,
        "policy_area": deliberation.policy_area.label,
        "title": deliberation.title,
        "body_html": body_html,
        **_certificate(deliberation),
    }


def render_html_body(deliberation: Deliberation) -> str:
    """The HTML body (no header): frozen once voted, else generated now (admin preview)."""
    if deliberation.is_frozen and deliberation.html:
        return deliberation.html
    return build_html(deliberation_context(deliberation))


def render_html(deliberation: Deliberation) -> str:
    """A standalone HTML page of the deliberation."""
    context = _page_context(deliberation, render_html_body(deliberation))
    return typography_html(render_to_string(PAGE_TEMPLATE, context))


def build_pdf(deliberation: Deliberation, body_html: str) -> bytes:
    """The PDF/A of a deliberation around the given HTML body (frozen or freshly built)."""
    return render_to_pdf(PDF_TEMPLATE, _page_context(deliberation, body_html), archival=True)


def render_pdf(deliberation: Deliberation) -> bytes:
    """The PDF: the stored one, byte for byte, once voted; otherwise built now."""
    if deliberation.is_frozen and deliberation.pdf:
        return deliberation.frozen_pdf_bytes()
    return build_pdf(deliberation, render_html_body(deliberation))
