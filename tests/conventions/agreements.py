"""Helpers of the agreement tests: a voted subsidy granted by a deliberation, an agreement."""

import datetime
import functools

from django.core.files.base import ContentFile
from django.utils import timezone

from conventions import services as agreement_services
from conventions import signatures
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions.models import Authority, Subsidy
from tests.subventions.factories import ActionAxisFactory, AuthorityFactory, SubsidyFactory

EXECUTORY = datetime.date(2021, 4, 2)


def granted_subsidy(*, executory=EXECUTORY, session=None, **fields):
    """A voted 35 000 € file, granted by an adopted deliberation (executory or not yet),
    voted in `session` if given."""
    if Authority.current() is None:
        AuthorityFactory()
    fields.setdefault("voted", True)
    subsidy = SubsidyFactory(**fields)
    for position in (1, 2):
        ActionAxisFactory(subsidy=subsidy, position=position)
    deliberation = Deliberation.objects.create(
        policy_area=subsidy.policy_area, title=subsidy.title, session=session
    )
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
    # Adopted in one UPDATE: the freezing triggers act on rows already adopted.
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=DeliberationStatus.ADOPTED, executory_date=executory, voted_at=timezone.now()
    )
    # What deliberations writes on the file it grants (Subsidy.executory_on).
    Subsidy.objects.filter(pk=subsidy.pk).update(executory_on=executory)
    return subsidy


BENEFICIARY_SIGNED_ON = datetime.date(2021, 4, 20)


def agreement_for(preparer, **fields):
    return agreement_services.agreement_create(subsidy=granted_subsidy(**fields), user=preparer)


def countersigned(preparer, document=None, **fields):
    """An agreement (the one given, or a new one) the beneficiary has signed: the
    authority, which signs last, may sign it."""
    document = document or agreement_for(preparer, **fields)
    return signatures.document_record_beneficiary_signature(
        document=document, user=preparer, signed_on=BENEFICIARY_SIGNED_ON
    )


@functools.cache
def pdf_bytes() -> bytes:
    """A real one-page PDF, made once per run (the scan of a signed original)."""
    from weasyprint import HTML

    return HTML(string="<p>Convention signée (numérisation)</p>").write_pdf()


def scan(content: bytes | None = None, name: str = "scan.pdf") -> ContentFile:
    return ContentFile(pdf_bytes() if content is None else content, name=name)
