"""Factories of the agreement models, one trait per state of an agreement.

Traits set fields directly: they build fixtures, they do not exercise the signing rules
(tests/conventions/test_agreement_services.py does, through the services).
"""

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from conventions.enums import AgreementStatus, SignatureMethod
from conventions.models import Agreement, AgreementArticle, AgreementTemplate, Amendment
from subventions.models import Subsidy
from tests.subventions.factories import SubsidyFactory

PDF = b"%PDF-1.7\n% test double\n"


class AgreementTemplateFactory(DjangoModelFactory):
    class Meta:
        model = AgreementTemplate

    name = factory.Sequence(lambda n: f"Modèle {n}")
    title = "Convention d'objectifs"
    visas = "Vu la loi n° 2000-321 du 12 avril 2000, notamment son article 10 ;"
    preamble = "Il a été convenu ce qui suit."


class AgreementArticleFactory(DjangoModelFactory):
    class Meta:
        model = AgreementArticle

    template = factory.SubFactory(AgreementTemplateFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = "Objet"
    body = "La subvention s'élève à {{ amount|euros }}."


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    class Params:
        ready = factory.Trait(status=AgreementStatus.READY)
        in_force = factory.Trait(
            status=AgreementStatus.IN_FORCE,
            authority_signed_on=datetime.date(2021, 5, 3),
            signature_method=SignatureMethod.PAPER,
            signed_pdf=factory.LazyFunction(lambda: ContentFile(PDF, name="signee.pdf")),
            signed_pdf_sha256=hashlib.sha256(PDF).hexdigest(),
        )
        signed_by_both = factory.Trait(
            in_force=True, beneficiary_signed_on=datetime.date(2021, 4, 20)
        )

    number = factory.Sequence(lambda n: f"CONV-2021-{n + 1:04d}")
    subsidy = factory.SubFactory(SubsidyFactory, voted=True)
    template = factory.SubFactory(AgreementTemplateFactory)
    start_date = datetime.date(2021, 1, 1)
    end_date = datetime.date(2021, 12, 31)
    status = AgreementStatus.DRAFT

    @factory.post_generation
    def signed_on_the_file(agreement, create, extracted, **kwargs):
        """Signed by both parties: the date written on its file, as conventions does."""
        if create and agreement.is_signed_by_both:
            day = max(agreement.authority_signed_on, agreement.beneficiary_signed_on)
            Subsidy.objects.filter(pk=agreement.subsidy_id).update(agreement_signed_on=day)


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    agreement = factory.SubFactory(AgreementFactory, signed_by_both=True)
    number = factory.Sequence(lambda n: n + 1)
    reason = "Complément pour une action nouvelle."
    amount_change = 5000
