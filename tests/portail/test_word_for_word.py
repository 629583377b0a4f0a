"""Issue 16's acceptance: the request's action axes and co-funding plan, typed by the
association, appear word for word in the generated deliberation and agreement."""

import datetime
import re

import pytest
from django.utils import timezone

from conventions import rendering as agreement_rendering
from conventions import services as agreement_services
from deliberations import rendering as deliberation_rendering
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions.enums import Role, SubsidyStatus
from subventions.models import Application, Authority, Subsidy
from tests.pdftext import pdf_pages_text
from tests.subventions.factories import AuthorityFactory, BudgetLineFactory, PolicyAreaFactory

from .helpers import AXES, FUNDERS, fill

pytestmark = pytest.mark.django_db
EXECUTORY = datetime.date(2026, 4, 2)


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


def granted(subsidy: Subsidy) -> Deliberation:
    """The file proposed, voted and granted by an adopted, executory act (as written on
    the rows by the deliberations app; its own tests exercise the vote)."""
    Subsidy.objects.filter(pk=subsidy.pk).update(
        status=SubsidyStatus.VOTED,
        amount_proposed=subsidy.amount_requested,
        amount_awarded=subsidy.amount_requested,
        budget_line=BudgetLineFactory(year=subsidy.year),
        executory_on=EXECUTORY,
    )
    deliberation = Deliberation.objects.create(policy_area=subsidy.policy_area, title=subsidy.title)
    DeliberationSubsidy.objects.create(deliberation=deliberation, subsidy=subsidy)
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=DeliberationStatus.ADOPTED, executory_date=EXECUTORY, voted_at=timezone.now()
    )
    deliberation.refresh_from_db()
    return deliberation


def test_axes_and_co_funding_plan_word_for_word(client, account, association, make_user):
    if Authority.current() is None:
        AuthorityFactory()
    client.force_login(account)
    client.post(f"/association/associations/{association.pk}/demande/", {"year": 2026})
    application = Application.objects.get()
    fill(client, application, PolicyAreaFactory())
    assert client.post(f"/association/demandes/{application.pk}/deposer/").status_code == 302
    application.refresh_from_db()
    subsidy = application.subsidy

    deliberation = granted(subsidy)
    deliberation_text = normalise(deliberation_rendering.render_text(deliberation))
    agreement = agreement_services.agreement_create(
        subsidy=Subsidy.objects.get(pk=subsidy.pk), user=make_user(Role.ASSEMBLY_SECRETARIAT)
    )
    agreement_text = normalise(
        " ".join(pdf_pages_text(agreement_rendering.build_pdf(agreement).content))
    )
    for text in (deliberation_text, agreement_text):
        for title, _description in AXES:
            assert normalise(title) in text
        for _kind, name, amount in FUNDERS:
            # « auprès de la Région … et du Département … »: the name after its article
            assert normalise(re.sub(r"^(le |la |les |l')", "", name)) in text, text
            assert normalise(amount) in text
