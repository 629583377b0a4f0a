"""Amendments from a versioned template (issue 12, item 4): « Avenant à une convention »
has its own visas and articles, edited as new versions like the agreement template; an
amendment keeps the version it was generated from, and one prepared before the amendment
templates keeps its fixed text."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from conventions import rendering, services, signatures, templating
from conventions.enums import TemplateKind
from conventions.models import AgreementTemplate, Amendment
from conventions.models.templates import AMENDMENT_TEMPLATE_NAME
from subventions.enums import Role
from tests.conventions.agreements import BENEFICIARY_SIGNED_ON, agreement_for, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(make_user):
    return {
        "secretariat": make_user(Role.ASSEMBLY_SECRETARIAT),
        "signatory": make_user(Role.SIGNATORY),
        "head": make_user(Role.HEAD_OF_SERVICE),
    }


@pytest.fixture
def in_force(users):
    agreement = agreement_for(users["secretariat"])
    return signatures.document_sign_paper(
        document=agreement,
        user=users["signatory"],
        scan=scan(),
        signed_on=datetime.date(2021, 5, 3),
        beneficiary_signed_on=BENEFICIARY_SIGNED_ON,
    )


def page_text(amendment) -> str:
    template = (
        rendering.AMENDMENT_TEMPLATE_PDF if amendment.template_id else rendering.AMENDMENT_PDF
    )
    page = render_to_string(template, rendering.amendment_html_context(amendment))
    page = re.sub(r"<[^>]+>", " ", html.unescape(page))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


def test_the_default_amendment_template_is_installed_and_valid():
    template = AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME)
    assert template.kind == TemplateKind.AMENDMENT and template.version == 1
    articles = list(template.articles.values_list("position", "heading", "body"))
    assert [heading for _p, heading, _b in articles] == [
        "Objet de l'avenant",
        "Modifications",
        "Autres stipulations",
    ]
    templating.check_template(
        title=template.title,
        visas=template.visas,
        preamble=template.preamble,
        articles=articles,
        kind=TemplateKind.AMENDMENT,
    )
    with pytest.raises(ValidationError):  # an agreement template knows no « amendment »
        templating.check_template(title=template.title, visas="", preamble="", articles=articles)


def test_an_amendment_is_written_from_its_template(users, in_force):
    amendment = services.amendment_create(
        agreement=in_force,
        user=users["secretariat"],
        reason="Extension du programme à un sixième axe.",
        amount_change=Decimal("5000"),
        new_end_date=datetime.date(2022, 6, 30),
    )
    assert amendment.template == AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME)
    text = page_text(amendment)
    number = in_force.number
    assert f"Avenant n° 1 à la convention n° {number}" in text
    assert f"Vu la convention n° {number} signée le 3 mai 2021, notamment son article 9 ;" in text
    assert "Article 1 — Objet de l'avenant Extension du programme à un sixième axe." in text
    assert (
        "Le montant de la subvention est augmenté de cinq mille euros (5 000 €) et porté à "
        "quarante mille euros (40 000 €)."
    ) in text
    assert "La période de validité de la convention est portée au 30 juin 2022." in text
    assert f"Les autres stipulations de la convention n° {number} demeurent inchangées." in text
    assert "représentée par son Président, Damien Castelain" in text
    assert rendering.build_pdf(amendment).content.startswith(b"%PDF-")


def test_a_new_version_applies_to_new_amendments_only(users, in_force):
    first = services.amendment_create(
        agreement=in_force,
        user=users["secretariat"],
        reason="Premier avenant.",
        amount_change=Decimal("1000"),
    )
    active = AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME)
    articles = [(a.heading, a.body) for a in active.articles.all()]
    articles[2] = ("Autres stipulations", "Le reste de la convention ne change pas.")
    new = services.agreement_template_new_version(
        user=users["head"],
        base=active,
        title=active.title,
        visas=active.visas,
        preamble=active.preamble,
        articles=articles,
        change_note="Article 3 simplifié.",
    )
    assert new.kind == TemplateKind.AMENDMENT and new.version == 2
    assert new.dated_visas.count() == active.dated_visas.count()
    assert "Les autres stipulations" in page_text(first)  # keeps its version

    signatures.document_record_beneficiary_signature(
        document=first, user=users["secretariat"], signed_on=datetime.date(2021, 6, 1)
    )
    signatures.document_sign_paper(
        document=first, user=users["signatory"], scan=scan(), signed_on=datetime.date(2021, 6, 2)
    )
    second = services.amendment_create(
        agreement=in_force,
        user=users["secretariat"],
        reason="Second avenant.",
        amount_change=Decimal("1000"),
    )
    assert second.template == new
    assert "Le reste de la convention ne change pas." in page_text(second)


def test_an_amendment_template_refuses_unknown_variables_in_french(users):
    active = AgreementTemplate.active(AMENDMENT_TEMPLATE_NAME)
    with pytest.raises(ValidationError) as error:
        services.agreement_template_new_version(
            user=users["head"],
            base=active,
            title=active.title,
            visas="",
            preamble="",
            articles=[("Objet", "{{ amendment.raison }}")],
        )
    assert "variable inconnue « amendment.raison »" in " ".join(error.value.messages)


def test_an_amendment_prepared_before_the_templates_keeps_its_fixed_text(users, in_force):
    amendment = services.amendment_create(
        agreement=in_force,
        user=users["secretariat"],
        reason="Ancien avenant.",
        amount_change=Decimal("1000"),
    )
    Amendment.objects.filter(pk=amendment.pk).update(template=None)
    amendment.refresh_from_db()
    text = page_text(amendment)
    assert f"Avenant n° 1 à la convention n° {in_force.number}" in text
    assert "Article 3 — Autres stipulations" in text
    assert rendering.build_pdf(amendment).content.startswith(b"%PDF-")


def test_the_sample_amendment_context_has_the_shape_of_a_real_one(users, in_force):
    amendment = services.amendment_create(
        agreement=in_force,
        user=users["secretariat"],
        reason="Forme.",
        amount_change=Decimal("1000"),
    )

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value else []
        return None

    real = rendering.amendment_context(amendment)
    assert shape(real) == shape(templating.sample_context(TemplateKind.AMENDMENT))
