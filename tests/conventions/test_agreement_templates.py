"""Agreement templates: the restricted language checked at save, versions in the admin."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from conventions import (
    rendering as agreement_rendering,
)
from conventions import (
    services as agreement_services,
)
from conventions import (
    signatures,
    templating,
)
from conventions.models import AgreementTemplate
from conventions.models.templates import DEFAULT_TEMPLATE_NAME
from subventions.enums import Role
from tests.conventions.agreements import agreement_for, scan

pytestmark = pytest.mark.django_db


def test_the_default_template_is_installed_and_valid():
    template = AgreementTemplate.active()
    assert template.name == DEFAULT_TEMPLATE_NAME and template.version > 1
    assert AgreementTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME, version=1).visas
    articles = list(template.articles.values_list("position", "heading", "body"))
    assert [a[1] for a in articles][:3] == ["Objet", "Durée", "Montant de la subvention"]
    assert len(articles) == 11
    templating.check_template(
        title=template.title, visas=template.visas, preamble=template.preamble, articles=articles
    )
    visas = " ".join(template.dated_visas.values_list("text", flat=True))
    for reference in ("loi n° 2000-321 du 12 avril 2000", "décret n° 2001-495 du 6 juin 2001"):
        assert reference in visas
    for visa in template.dated_visas.all():
        visa.full_clean()  # each one renders with an agreement's context
    assert "Cerfa n° 15059" in articles[4][2]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Texte.\n{% load static %}",
            "Article 3, ligne 2 : la balise « {% load %} » n'est pas permise.",
        ),
        ("{% include 'x.html' %}", "la balise « {% include %} »"),
        ("Un montant de {{ montant }}.", "Article 3, ligne 1 : variable inconnue « montant »."),
        (
            "\n\n{{ beneficiary.iban_typo }}",
            "Article 3, ligne 3 : variable inconnue « beneficiary.iban_typo ».",
        ),
        ("{% if subvention %}x{% endif %}", "variable inconnue « subvention »"),
        ("{{ budget_share|default:inconnu }}", "variable inconnue « inconnu »"),
        ("{% for axis in axes %}{{ axis.titre }}{% endfor %}", "variable inconnue « axis.titre »"),
        ("{% if %}", "Article 3, ligne 1 : erreur de syntaxe"),
    ],
)
def test_a_bad_article_is_refused_with_its_line(source, expected):
    assert expected in " ".join(templating.source_errors(source, "Article 3"))


def test_loop_variables_and_french_filters_are_known():
    source = (
        "{% for axis in axes %}{{ forloop.counter }} {{ axis.title }}{% endfor %} "
        "{{ amount|amount_in_words }} {{ budget_share|percent }} "
        "{{ beneficiary.name_with_article|prep_a }}"
    )
    assert templating.source_errors(source, "Article 1") == []


def test_the_sample_context_has_the_shape_of_a_real_one(make_user):
    agreement = agreement_for(make_user(Role.ASSEMBLY_SECRETARIAT))
    real, sample = agreement_rendering.agreement_context(agreement), templating.sample_context()

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value else []
        return None

    assert shape(real) == shape(sample)


def test_new_version_refused_for_load_or_unknown_variable_and_nothing_created(make_user):
    user = make_user(Role.HEAD_OF_SERVICE)
    active = AgreementTemplate.active()
    versions = AgreementTemplate.objects.count()
    for body, message in [
        ("{% load static %}", "n'est pas permise"),
        ("{{ inconnue }}", "variable inconnue « inconnue »"),
    ]:
        with pytest.raises(Exception) as error:
            agreement_services.agreement_template_new_version(
                user=user,
                base=active,
                title=active.title,
                visas=active.visas,
                preamble=active.preamble,
                articles=[("Objet", body)],
            )
        assert message in " ".join(error.value.messages)
    assert AgreementTemplate.objects.count() == versions
    assert AgreementTemplate.active() == active


def _admin_post(active, **changes) -> dict:
    articles = list(active.articles.all())
    data = {
        "name": active.name,
        "title": active.title,
        "visas": active.visas,
        "preamble": active.preamble,
        "change_note": "Article 6 précisé.",
        "articles-TOTAL_FORMS": str(len(articles)),
        "articles-INITIAL_FORMS": str(len(articles)),
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
    }
    visas = list(active.dated_visas.all())
    data.update(
        {
            "dated_visas-TOTAL_FORMS": str(len(visas)),
            "dated_visas-INITIAL_FORMS": str(len(visas)),
            "dated_visas-MIN_NUM_FORMS": "0",
            "dated_visas-MAX_NUM_FORMS": "1000",
        }
    )
    for index, visa in enumerate(visas):
        data.update(
            {
                f"dated_visas-{index}-id": str(visa.pk),
                f"dated_visas-{index}-template": str(active.pk),
                f"dated_visas-{index}-position": str(visa.position),
                f"dated_visas-{index}-text": visa.text,
                f"dated_visas-{index}-applies_from": str(visa.applies_from or ""),
                f"dated_visas-{index}-applies_until": str(visa.applies_until or ""),
                f"dated_visas-{index}-authority_kind": visa.authority_kind,
            }
        )
    for index, article in enumerate(articles):
        data.update(
            {
                f"articles-{index}-id": str(article.pk),
                f"articles-{index}-template": str(active.pk),
                f"articles-{index}-position": str(article.position),
                f"articles-{index}-heading": article.heading,
                f"articles-{index}-body": article.body,
            }
        )
    data.update(changes)
    return data


def test_editing_the_template_in_the_admin_creates_a_version_and_keeps_signed_bytes(
    client, make_user
):
    secretariat, signatory = make_user(Role.ASSEMBLY_SECRETARIAT), make_user(Role.SIGNATORY)
    agreement = agreement_for(secretariat)
    signatures.document_sign_paper(
        document=agreement,
        user=signatory,
        scan=scan(),
        signed_on=datetime.date(2021, 5, 3),
        beneficiary_signed_on=datetime.date(2021, 4, 20),
    )
    agreement.refresh_from_db()
    signed_bytes = agreement_rendering.render_pdf(agreement)
    sha256 = agreement.signed_pdf_sha256
    generated_sha256 = agreement.generated_pdf_sha256

    active = AgreementTemplate.active()
    old_body = active.articles.get(position=6).body
    client.force_login(make_user(Role.HEAD_OF_SERVICE))
    url = reverse("admin:conventions_agreementtemplate_change", args=[active.pk])
    response = client.post(
        url, _admin_post(active, **{"articles-5-body": "Nouvelle clause de communication."})
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    new = AgreementTemplate.active()
    assert new.version == active.version + 1 and new.pk != active.pk
    assert list(new.dated_visas.values_list("text", "applies_from", "authority_kind")) == list(
        active.dated_visas.values_list("text", "applies_from", "authority_kind")
    )
    assert new.articles.get(position=6).body == "Nouvelle clause de communication."
    assert new.articles.count() == 11
    active.refresh_from_db()
    assert not active.is_active
    assert active.articles.get(position=6).body == old_body

    agreement.refresh_from_db()
    assert agreement.template_id == active.pk
    assert agreement.signed_pdf_sha256 == sha256
    assert agreement.generated_pdf_sha256 == generated_sha256
    assert agreement_rendering.render_pdf(agreement) == signed_bytes
    assert hashlib.sha256(signed_bytes).hexdigest() == sha256


def test_the_admin_refuses_load_and_unknown_variables_in_french(client, make_user):
    active = AgreementTemplate.active()
    versions = AgreementTemplate.objects.count()
    client.force_login(make_user(Role.HEAD_OF_SERVICE))
    url = reverse("admin:conventions_agreementtemplate_change", args=[active.pk])
    for body, message in [
        (
            "{% load static %}Texte",
            "Article 2, ligne 1 : la balise « {% load %} » n&#x27;est pas permise.",
        ),
        ("Texte\n{{ montant_total }}", "Article 2, ligne 2 : variable inconnue « montant_total »."),
    ]:
        response = client.post(url, _admin_post(active, **{"articles-1-body": body}))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert AgreementTemplate.objects.count() == versions
