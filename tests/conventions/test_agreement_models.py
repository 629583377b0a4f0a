"""Agreement models: constraints, the frozen signed document, immutable template versions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conventions.enums import AgreementStatus
from conventions.models import Agreement, AgreementArticle, AgreementTemplate
from conventions.models.agreements import DOCUMENT_FROZEN
from tests.conventions.factories import (
    AgreementArticleFactory,
    AgreementFactory,
    AgreementTemplateFactory,
    AmendmentFactory,
)

pytestmark = pytest.mark.django_db


def test_one_active_version_per_template_name():
    AgreementTemplateFactory(name="Modèle", version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementTemplateFactory(name="Modèle", version=2)
    AgreementTemplateFactory(name="Modèle", version=2, is_active=False)


def test_period_must_not_end_before_it_starts():
    agreement = AgreementFactory.build(
        start_date=datetime.date(2021, 12, 31), end_date=datetime.date(2021, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        agreement.clean()
    assert "fin de la période" in str(error.value)


def test_a_signed_status_needs_the_pdf_and_its_hash():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.IN_FORCE)


def test_signed_by_both_is_what_open_data_reads():
    both = AgreementFactory(signed_by_both=True)
    AgreementFactory(in_force=True)
    AgreementFactory(ready=True)
    assert list(Agreement.objects.signed_by_both()) == [both]
    assert both.is_signed_by_both and both.is_frozen
    assert both.subsidy.agreement == both


def test_signed_agreement_refused_by_clean_and_by_the_database():
    agreement = AgreementFactory(in_force=True)
    agreement.end_date = datetime.date(2022, 12, 31)
    with pytest.raises(ValidationError) as error:
        agreement.clean()
    assert str(error.value.messages[0]).startswith(DOCUMENT_FROZEN.split("(")[0])
    for change in (
        {"end_date": datetime.date(2022, 12, 31)},
        {"signed_pdf_sha256": "0" * 64},
        {"status": AgreementStatus.DRAFT},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Agreement.objects.filter(pk=agreement.pk).update(**change)
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.end_date == datetime.date(2021, 12, 31)
    assert stored.signed_pdf_sha256 == agreement.signed_pdf_sha256


def test_the_beneficiary_may_sign_after_the_authority():
    agreement = AgreementFactory(in_force=True)
    Agreement.objects.filter(pk=agreement.pk).update(
        beneficiary_signed_on=datetime.date(2021, 5, 10), status=AgreementStatus.CLOSED
    )
    assert Agreement.objects.signed_by_both().get() == agreement


def test_a_template_version_never_changes_in_the_database():
    article = AgreementArticleFactory()
    template = article.template
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementTemplate.objects.filter(pk=template.pk).update(visas="Vu rien.")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementArticle.objects.filter(pk=article.pk).update(body="Autre texte.")
    AgreementTemplate.objects.filter(pk=template.pk).update(is_active=False)


def test_no_article_is_added_to_a_version_in_use():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementArticleFactory(template=agreement.template)


def test_amendment_numbers_are_unique_per_agreement():
    amendment = AmendmentFactory(number=1)
    assert amendment.reference == f"{amendment.agreement.number}-A1"
    with pytest.raises(IntegrityError), transaction.atomic():
        AmendmentFactory(agreement=amendment.agreement, number=1)
