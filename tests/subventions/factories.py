"""Factories of the subsidies app, one trait per lifecycle state of a subsidy.

Traits set the status directly: they build fixtures, they do not exercise the workflow
(tests/subventions/test_workflow.py does, through the services).
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from stdnum import luhn

from core.grammar import de
from subventions.enums import (
    BudgetSection,
    CoFundingStatus,
    InstalmentCondition,
    LegalForm,
    PartnerKind,
    ReportStatus,
    SubsidyStatus,
)
from subventions.models import (
    ActionAxis,
    Authority,
    Beneficiary,
    BudgetLine,
    Clawback,
    CoFunding,
    CoFundingPartner,
    FinancialReport,
    FundingPartner,
    Payment,
    PaymentInstalment,
    PolicyArea,
    Subsidy,
)


def luhn_siret(n: int) -> str:
    """The n-th valid SIRET: a Luhn-valid SIREN followed by a Luhn-valid establishment."""
    siren = f"{30000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Authority

    name = "Métropole Européenne de Lille"
    name_with_article = "la MEL"
    siret = "20009320100016"
    address = "2, boulevard des Cités Unies\nCS 70043"
    postal_code = "59040"
    city = "Lille"
    president_name = "Damien Castelain"
    president_title = "Président"
    seat_city = "Lille"
    administrative_court = "Tribunal administratif de Lille"


class PolicyAreaFactory(DjangoModelFactory):
    class Meta:
        model = PolicyArea

    label = factory.Sequence(lambda n: f"POLITIQUE PUBLIQUE {n}")


class BeneficiaryFactory(DjangoModelFactory):
    class Meta:
        model = Beneficiary

    legal_name = factory.Sequence(lambda n: f"Association numéro {n}")
    short_name = factory.Sequence(lambda n: f"ASSO{n}")
    name_with_article = factory.LazyAttribute(lambda o: f"l'{o.short_name}")
    legal_form = LegalForm.ASSOCIATION
    siret = factory.Sequence(luhn_siret)
    rna = factory.Sequence(lambda n: f"W59{n:07d}")
    address = "10, rue de Paris"
    postal_code = "59000"
    city = "Lille"
    representative_name = "Camille Martin"
    representative_title = "Présidente"


class FundingPartnerFactory(DjangoModelFactory):
    class Meta:
        model = FundingPartner

    name_with_article = factory.Sequence(lambda n: f"la Région numéro {n}")
    kind = PartnerKind.REGION


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    year = 2021
    label = factory.Sequence(lambda n: f"Subventions aux associations {n}")
    section = BudgetSection.OPERATING
    chapter = "65"
    article = "6574"
    amount_voted = Decimal("1000000")


class SubsidyFactory(DjangoModelFactory):
    class Meta:
        model = Subsidy

    class Params:
        under_review = factory.Trait(status=SubsidyStatus.UNDER_REVIEW)
        proposed = factory.Trait(
            status=SubsidyStatus.PROPOSED,
            amount_proposed=factory.SelfAttribute("amount_requested"),
            budget_line=factory.SubFactory(BudgetLineFactory, year=factory.SelfAttribute("..year")),
        )
        voted = factory.Trait(
            proposed=True,
            status=SubsidyStatus.VOTED,
            amount_awarded=factory.SelfAttribute("amount_proposed"),
        )
        rejected = factory.Trait(proposed=True, status=SubsidyStatus.REJECTED)
        agreement_signed = factory.Trait(voted=True, status=SubsidyStatus.AGREEMENT_SIGNED)
        paid = factory.Trait(agreement_signed=True, status=SubsidyStatus.PAID)
        closed = factory.Trait(paid=True, status=SubsidyStatus.CLOSED)
        withdrawn = factory.Trait(status=SubsidyStatus.WITHDRAWN)

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    year = 2021
    policy_area = factory.SubFactory(PolicyAreaFactory)
    received_on = datetime.date(2021, 1, 15)
    title = factory.LazyAttribute(
        lambda o: f"Soutien au programme d'actions {o.year} {de(o.beneficiary.grammatical_name)}"
    )
    purpose = factory.LazyAttribute(lambda o: f"Programme d'actions {o.year}")
    amount_requested = Decimal("35000")
    projected_budget = Decimal("753091")
    status = SubsidyStatus.DRAFT


class ActionAxisFactory(DjangoModelFactory):
    class Meta:
        model = ActionAxis

    subsidy = factory.SubFactory(SubsidyFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe de travail {n}")
    description = "Description de l'axe."


class CoFundingFactory(DjangoModelFactory):
    """A co-funding line; `partners=[...]` names its partners in order (one new by default)."""

    class Meta:
        model = CoFunding
        skip_postgeneration_save = True

    subsidy = factory.SubFactory(SubsidyFactory)
    position = 1
    amount = Decimal("10000")
    status = CoFundingStatus.REQUESTED

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if not create:
            return
        partners = extracted if extracted is not None else [FundingPartnerFactory()]
        for position, partner in enumerate(partners, start=1):
            CoFundingPartner.objects.create(cofunding=self, partner=partner, position=position)


class PaymentInstalmentFactory(DjangoModelFactory):
    class Meta:
        model = PaymentInstalment

    subsidy = factory.SubFactory(SubsidyFactory, voted=True)
    position = 1
    label = "Versement unique à la signature"
    amount = factory.LazyAttribute(lambda o: o.subsidy.amount_awarded)
    condition = InstalmentCondition.ON_SIGNATURE


class PaymentFactory(DjangoModelFactory):
    """A payment row as stored (no rule checked: services.payment_create checks them)."""

    class Meta:
        model = Payment

    subsidy = factory.SubFactory(SubsidyFactory, voted=True)
    date = datetime.date(2021, 5, 3)
    amount = Decimal("1000")
    mandate_number = factory.Sequence(lambda n: f"2021-{n:06d}")


class ClawbackFactory(DjangoModelFactory):
    class Meta:
        model = Clawback

    subsidy = factory.SubFactory(SubsidyFactory, paid=True)
    amount = Decimal("500")
    reason = "Action non réalisée en totalité."
    date = datetime.date(2022, 9, 1)
    recovery_order = factory.Sequence(lambda n: f"TR-2022-{n:04d}")


class FinancialReportFactory(DjangoModelFactory):
    class Meta:
        model = FinancialReport

    class Params:
        received = factory.Trait(
            status=ReportStatus.RECEIVED, received_on=datetime.date(2022, 3, 15)
        )
        approved = factory.Trait(received=True, status=ReportStatus.APPROVED)

    subsidy = factory.SubFactory(SubsidyFactory, voted=True)
    status = ReportStatus.EXPECTED
