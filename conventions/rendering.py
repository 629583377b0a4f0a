"""The agreement and amendment documents: one plain context, the template's text, a PDF.

`agreement_context` is the only place that reads the data for the template's articles
(plain values only: the legal department's text never reaches a model). The layout
around the articles — header, parties, « Fait à … », signature blocks — lives in
templates/conventions/agreement/pdf/. Once the authority has signed, the signed PDF is
served as kept, byte for byte, and nothing is rendered again.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.pdf import element_box, render_document, write_archival_pdf
from deliberations.models import Deliberation
from deliberations.selectors import granting_deliberation
from subventions import selectors as subventions_selectors
from subventions.enums import PaymentTerms
from subventions.models import Authority, CoFunding, FinancialReport, Subsidy
from subventions.models.beneficiaries import REPUBLICAN_COMMITMENT_FROM
from subventions.models.money import report_due_date

from . import templating
from .models import Agreement, AgreementTemplate, Amendment

AGREEMENT_PDF = "conventions/agreement/pdf/agreement.html"
AMENDMENT_PDF = "conventions/agreement/pdf/amendment.html"
AMENDMENT_TEMPLATE_PDF = "conventions/agreement/pdf/amendment_from_template.html"
# The element the authority's visible electronic signature is drawn in.
SIGNATURE_BOX_ID = "authority-signature-box"
BENEFICIARY_BOX_ID = "beneficiary-signature-box"


def _instalments_from_schedule(subsidy: Subsidy) -> list[dict] | None:
    """The subsidy's payment schedule (subventions' PaymentInstalment), when it has one."""
    rows = [
        {
            "position": instalment.position,
            "label": instalment.label,
            "amount": instalment.amount,
            "condition": instalment.get_condition_display(),
            "due_date": instalment.due_date,
        }
        for instalment in subsidy.instalments.order_by("position")
    ]
    return rows or None


def instalments_context(subsidy: Subsidy, amount: Decimal) -> list[dict]:
    """Article 4's schedule: the subsidy's instalments, or else the single payment at
    signature that its payment terms imply. The one place to switch between the two."""
    rows = _instalments_from_schedule(subsidy)
    if rows:
        return rows
    label = (
        "Versement unique"
        if subsidy.payment_terms == PaymentTerms.SINGLE
        else "Versement à la signature"
    )
    return [
        {
            "position": 1,
            "label": label,
            "amount": amount,
            "condition": "À la signature de la convention",
            "due_date": None,
        }
    ]


def _party(name, name_with_article, siret, address, postal_code, city) -> dict:
    return {
        "name": name,
        "name_with_article": name_with_article,
        "siret": siret,
        "address": address,
        "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
        "postal_code": postal_code,
        "city": city,
    }


def _group(value: str, size: int = 4) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def _granting(agreement: Agreement) -> tuple[Deliberation | None, Authority | None]:
    """The deliberation that granted the agreement's subsidy and the authority that grants:
    the one of the session that voted it, else the default authority. Read once per
    document (each is a query or two)."""
    deliberation = granting_deliberation(agreement.subsidy_id)
    if deliberation is not None and deliberation.session is not None:
        return deliberation, deliberation.session.authority_or_default
    return deliberation, Authority.current()


def document_authority(document: Agreement | Amendment) -> Authority | None:
    """The authority that grants: the one of the session that voted the subsidy, else
    the default authority."""
    agreement = document.agreement if isinstance(document, Amendment) else document
    return _granting(agreement)[1]


def _body_name(session, authority: Authority | None) -> str:
    """`session.body_name`, with its authority already read."""
    return authority.body_name(session.body) if authority else f"le {session.get_body_display()}"


_DESIGNATED = {("m", "s"): "dénommé", ("f", "s"): "dénommée"}
_DESIGNATED |= {("m", "p"): "dénommés", ("f", "p"): "dénommées"}


def _authority_words(authority: Authority, signatory: dict) -> dict:
    """How the documents name the authority and whoever signs for it."""
    executive_signs = signatory["title"] == authority.president_title
    feminine = authority.president_gender == "f"
    return {
        "kind": authority.kind,
        "executive": authority.executive,
        "executive_title": authority.president_title,
        "executive_gender": authority.president_gender,
        "name_gender": authority.name_gender,
        "name_number": authority.name_number,
        "designated": _DESIGNATED[(authority.name_gender, authority.name_number)],
        "represented": "représentés"
        if authority.name_number == "p"
        else ("représentée" if authority.name_gender == "f" else "représenté"),
        # « représentée par sa Maire, Anne Martin » when the executive signs herself;
        # « représentée par Jean Dupont, Vice-président » when someone else signs.
        "represented_by": (
            f"{authority.executive_possessive}, {signatory['name']}"
            if executive_signs
            else f"{signatory['name']}, {signatory['title']}"
        ),
        "empowered": "habilitée" if executive_signs and feminine else "habilité",
    }


@dataclass(frozen=True)
class SubsidyReads:
    """What an agreement's document reads of its subsidy besides the subsidy itself."""

    report_due_on: datetime.date | None  # its financial report's due date, if any
    has_cofundings: bool


def _subsidy_reads(agreement: Agreement) -> SubsidyReads:
    """Reads, in one query, the agreement's subsidy with its beneficiary and the agreement's
    template (when the caller has not read them already), its report's due date and
    whether it has co-funding lines. What the caller has read is kept as it is."""
    report = FinancialReport.objects.filter(subsidy=OuterRef("pk")).values("due_date")[:1]
    subsidies = Subsidy.objects.annotate(
        report_due_on=Subquery(report),
        has_cofundings=Exists(CoFunding.objects.filter(subsidy=OuterRef("pk"))),
    )
    if Agreement.subsidy.is_cached(agreement):
        subsidy = agreement.subsidy
        row = subsidies.filter(pk=subsidy.pk).values("report_due_on", "has_cofundings").get()
        return SubsidyReads(row["report_due_on"], row["has_cofundings"])
    subsidy = subsidies.select_related("beneficiary", "agreement__template").get(
        pk=agreement.subsidy_id
    )
    stored = getattr(subsidy, "agreement", None)  # None while the agreement is not saved
    template_read = stored is not None and stored.template_id == agreement.template_id
    agreement.subsidy = subsidy  # the subsidy's `agreement` is now the caller's instance
    if template_read and not Agreement.template.is_cached(agreement):
        agreement.template = stored.template
    return SubsidyReads(subsidy.report_due_on, subsidy.has_cofundings)


def agreement_context(agreement: Agreement, *, granting=None, reads=None) -> dict:
    """Everything an agreement template may show, as plain values (no model instances).
    `granting`, `reads`: what `_granting(agreement)` and `_subsidy_reads(agreement)`
    return, when the caller has them already."""
    reads = reads or _subsidy_reads(agreement)
    subsidy = agreement.subsidy
    beneficiary = subsidy.beneficiary
    deliberation, authority = granting or _granting(agreement)
    session = deliberation.session if deliberation else None
    body_name = _body_name(session, authority) if session else ""
    signing = signatories(agreement, authority=authority)
    request_date = subsidy.received_on or agreement.start_date
    amount = subsidy.amount_awarded if subsidy.amount_awarded is not None else subsidy.amount
    return {
        "number": agreement.number,
        "year": subsidy.year,
        "title": subsidy.title,
        "object": subsidy.purpose,
        "authority": {
            **_party(
                authority.name,
                authority.name_with_article,
                authority.siret,
                authority.address,
                authority.postal_code,
                authority.city,
            ),
            "legal_name": authority.name,
            "president_name": authority.president_name,
            "president_title": authority.president_title,
            "seat_city": authority.seat_city,
            "administrative_court": authority.administrative_court,
            **_authority_words(authority, signing["authority"]),
        },
        "beneficiary": {
            **_party(
                str(beneficiary),
                # A grammar.Name (str() is the name as stored): the filters accord, prep_de,
                # prep_a and que read its gender and number.
                beneficiary.grammatical_name,
                beneficiary.siret,
                beneficiary.address,
                beneficiary.postal_code,
                beneficiary.city,
            ),
            "legal_name": beneficiary.legal_name,
            "short_name": beneficiary.short_name,
            "legal_form": beneficiary.get_legal_form_display(),
            "rna": beneficiary.rna,
            "representative_name": beneficiary.representative_name,
            "representative_title": beneficiary.representative_title,
            "iban": _group(beneficiary.iban),
            "bic": beneficiary.bic,
            "republican_commitment_date": beneficiary.republican_commitment_date,
        },
        "deliberation": {
            "number": deliberation.number if deliberation else "",
            # « Bureau », « Commission permanente »; with its article for « de »: body_name.
            "body": Authority.without_article(body_name) if session else "",
            "body_name": body_name,
            "session_date": session.date if session else None,
            "executory_date": deliberation.executory_date if deliberation else None,
            "title": deliberation.title if deliberation else "",
        },
        "signatories": signing,
        "amount": amount,
        "projected_budget": subsidy.projected_budget,
        "budget_share": subsidy.budget_share,
        "section": subsidy.get_section_display().lower(),
        "payment_terms": subsidy.get_payment_terms_display(),
        "instalments": instalments_context(subsidy, amount),
        "axes": [
            {"position": axis.position, "title": axis.title, "description": axis.description}
            for axis in subsidy.axes.all()
        ],
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        # The date the dated visas are chosen by: the request's, else the period's start.
        "request_date": request_date,
        "republican_commitment": request_date >= REPUBLICAN_COMMITMENT_FROM,
        # The report's own due date (conventions.services.record_financed_until keeps it
        # at the agreement's last year); a file without its report yet, from the period.
        "report_due_date": reads.report_due_on or report_due_date(agreement.end_date.year),
        "threshold": settings.AGREEMENT_THRESHOLD,
    }


def signatories(document: Agreement | Amendment, *, authority=None) -> dict:
    """Who signs for each party: as recorded on the document, else the representatives.
    `authority`: the document's (document_authority), when the caller has it already."""
    agreement = document.agreement if isinstance(document, Amendment) else document
    authority = authority or document_authority(document)
    beneficiary = agreement.subsidy.beneficiary
    return {
        "authority": {
            "name": document.authority_signatory_name or authority.president_name,
            "title": document.authority_signatory_title or authority.president_title,
        },
        "beneficiary": {
            "name": document.beneficiary_signatory_name or beneficiary.representative_name,
            "title": document.beneficiary_signatory_title or beneficiary.representative_title,
        },
    }


_BLOCKS = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> str:
    """Rendered article text → HTML: blank lines part paragraphs, « - » lines make a list,
    a block starting with a tag (a table) is kept as written."""
    html = []
    for block in _BLOCKS.split(text.strip()):
        block = block.strip()
        if not block:
            continue
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if block.startswith("<"):
            html.append(block)
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{line[2:]}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            prose = [line for line in lines if not line.startswith("- ")]
            items = [line[2:] for line in lines if line.startswith("- ")]
            html.append(f"<p>{'<br>'.join(prose)}</p>")
            if items:
                html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    return "".join(html)


def template_visas(template: AgreementTemplate, context: dict) -> list[str]:
    """The visas the agreement cites, rendered: the version's dated visas that apply to the
    request's date and the authority's kind (a 2021 request does not cite the contrat
    d'engagement républicain of 2022); a version without dated visas, its visas text."""
    rows = list(template.dated_visas.all())
    if rows:
        on, kind = context["request_date"], context["authority"]["kind"]
        sources = [row.text for row in rows if row.applies_to(on, kind)]
    else:
        sources = [template.visas]
    lines = []
    for source in sources:
        rendered = templating.render(source, context)
        lines += [line.strip() for line in rendered.splitlines() if line.strip()]
    return lines


def template_parts(template: AgreementTemplate, context: dict) -> dict:
    """The template version rendered with `context`: title, visas, preamble, articles."""
    visas = template_visas(template, context)
    return {
        "title": templating.render(template.title, context),
        "visas": [mark_safe(line) for line in visas],
        "preamble": mark_safe(paragraphs(templating.render(template.preamble, context))),
        "articles": [
            {
                "position": article.position,
                "heading": mark_safe(templating.render(article.heading, context)),
                "html": mark_safe(paragraphs(templating.render(article.body, context))),
            }
            for article in template.articles.all()
        ],
    }


def _logo_url(authority: Authority) -> str:
    return authority.logo.url if authority and authority.logo else ""


def _page_context(document: Agreement | Amendment, context: dict, *, authority=None) -> dict:
    authority = authority or document_authority(document)
    return {
        "document": {
            "number": context["number"],
            "signed_on": document.authority_signed_on,
            "seat_city": authority.seat_city,
        },
        "context": context,
        "logo_url": _logo_url(authority),
        "signature_box_id": SIGNATURE_BOX_ID,
        "beneficiary_box_id": BENEFICIARY_BOX_ID,
    }


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    # Where the authority's signature goes: page index (from 0) and (x1, y1, x2, y2) in
    # PDF points from the bottom-left corner, as pyHanko expects.
    signature_page: int
    signature_box: tuple[int, int, int, int]
    # Where the beneficiary's sealed signature goes (signed online), when the layout has
    # a place for it; else None.
    beneficiary_page: int | None = None
    beneficiary_box: tuple[int, int, int, int] | None = None


def _signature_box(document) -> tuple[int, tuple[int, int, int, int]]:
    """The signature element in WeasyPrint's layout, in PDF points."""
    return element_box(document, SIGNATURE_BOX_ID)


def _render(template_name: str, page_context: dict) -> RenderedPdf:
    document = render_document(template_name, page_context)
    page, box = _signature_box(document)
    try:
        beneficiary_page, beneficiary_box = element_box(document, BENEFICIARY_BOX_ID)
    except LookupError:
        beneficiary_page, beneficiary_box = None, None
    return RenderedPdf(write_archival_pdf(document), page, box, beneficiary_page, beneficiary_box)


def agreement_html_context(agreement: Agreement) -> dict:
    granting, reads = _granting(agreement), _subsidy_reads(agreement)
    context = agreement_context(agreement, granting=granting, reads=reads)
    subsidy = agreement.subsidy
    authority = granting[1]
    return {
        **_page_context(agreement, context, authority=authority),
        "parts": template_parts(agreement.template, context),
        # The co-funding plan of the request, word for word, as an annex (issue 16); a
        # file without co-funding has none.
        "funding_plan": (
            subventions_selectors.funding_plan(subsidy, authority.name_with_article)
            if reads.has_cofundings
            else []
        ),
        "projected_budget": subsidy.projected_budget,
    }


def build_agreement_pdf(agreement: Agreement) -> RenderedPdf:
    """The agreement's PDF generated now, with where its authority signature goes."""
    return _render(AGREEMENT_PDF, agreement_html_context(agreement))


def amendment_context(amendment: Amendment) -> dict:
    """Everything an amendment template may show: the agreement's context, its number and
    signatories replaced by the amendment's, plus `agreement` and `amendment` (plain
    values)."""
    agreement = amendment.agreement
    context = agreement_context(agreement)
    context["number"] = amendment.reference
    context["signatories"] = signatories(amendment)
    authority = document_authority(amendment)
    context["authority"].update(_authority_words(authority, context["signatories"]["authority"]))
    # What the file is granted before this amendment: awarded + the amendments signed.
    current = agreement.subsidy.granted_amount
    context["agreement"] = {
        "number": agreement.number,
        "signed_on": agreement.authority_signed_on,
    }
    context["amendment"] = {
        "number": amendment.number,
        "reason": amendment.reason,
        "amount_change": amendment.amount_change,
        "amount_change_abs": abs(amendment.amount_change),
        "new_amount": current + amendment.amount_change,
        "new_end_date": amendment.new_end_date,
    }
    return context


def amendment_html_context(amendment: Amendment) -> dict:
    context = amendment_context(amendment)
    page = {
        **_page_context(amendment, context),
        "agreement": context["agreement"],
        "amendment": {
            **context["amendment"],
            "reason": mark_safe(paragraphs(conditional_escape(amendment.reason))),
        },
    }
    if amendment.template_id:
        page["parts"] = template_parts(amendment.template, context)
    return page


def build_amendment_pdf(amendment: Amendment) -> RenderedPdf:
    """From its template version; an amendment prepared before the amendment templates
    keeps the fixed text it was written with."""
    template = AMENDMENT_TEMPLATE_PDF if amendment.template_id else AMENDMENT_PDF
    return _render(template, amendment_html_context(amendment))


def build_pdf(document: Agreement | Amendment) -> RenderedPdf:
    if isinstance(document, Amendment):
        return build_amendment_pdf(document)
    return build_agreement_pdf(document)


def render_pdf(document: Agreement | Amendment) -> bytes:
    """The current PDF: the signed one, as kept, once the authority has signed; else built."""
    if document.is_frozen and document.signed_pdf:
        return document.frozen_pdf_bytes()
    return build_pdf(document).content
