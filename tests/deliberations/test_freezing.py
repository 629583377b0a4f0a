"""After adoption nothing of the deliberation, nor its subsidies' amounts, changes:
not through a service, a form, the admin, nor QuerySet.update() (database triggers)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deliberations import services
from deliberations.models import Deliberation, DeliberationSubsidy
from subventions import services as subsidy_services
from subventions.models import Subsidy

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(make_subsidy, make_deliberation, secretariat):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    return deliberation


def unchanged(deliberation: Deliberation) -> dict:
    return {
        field.name: field.value_from_object(deliberation)
        for field in Deliberation._meta.concrete_fields
    }


def test_service_refuses_editing_an_adopted_deliberation(adopted, secretariat):
    before = unchanged(adopted)
    with pytest.raises(ValidationError) as refused:
        services.deliberation_update(deliberation=adopted, user=secretariat, context="Changé.")
    assert "n'est plus possible" in refused.value.messages[0]
    adopted.refresh_from_db()
    assert unchanged(adopted) == before


def test_model_form_refuses_editing_an_adopted_deliberation(adopted):
    class Form(forms.ModelForm):
        class Meta:
            model = Deliberation
            fields = ["title", "context"]

    form = Form(data={"title": "Autre titre", "context": "Changé."}, instance=adopted)
    assert not form.is_valid()
    assert "elle ne peut plus être modifiée" in form.errors["__all__"][0]


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Autre titre"},
        {"status": "brouillon"},
        {"number": "21 B 0999"},
        {"votes_for": 3},
        {"text": "Autre texte"},
        {"pdf_sha256": "0" * 64},
    ],
)
def test_queryset_update_of_an_adopted_deliberation_is_refused(adopted, change):
    before = unchanged(adopted)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=adopted.pk).update(**change)
    adopted.refresh_from_db()
    assert unchanged(adopted) == before


def test_executory_date_is_set_once_even_by_update(adopted):
    Deliberation.objects.filter(pk=adopted.pk).update(executory_date=datetime.date(2021, 4, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.filter(pk=adopted.pk).update(executory_date=datetime.date(2021, 4, 9))


@pytest.mark.parametrize("field", ["amount_requested", "amount_proposed", "amount_awarded"])
def test_queryset_update_of_an_adopted_subsidys_amount_is_refused(adopted, field):
    subsidy = adopted.subsidies.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=subsidy.pk).update(**{field: Decimal("1")})
    subsidy.refresh_from_db()
    assert getattr(subsidy, field) == Decimal("35000")


def test_subsidy_service_refuses_changing_the_amount(adopted, make_user):
    subsidy = adopted.subsidies.get()
    with pytest.raises(ValidationError):
        subsidy_services.subsidy_update(subsidy=subsidy, amount_awarded=Decimal("1"))
    subsidy.refresh_from_db()
    assert subsidy.amount_awarded == Decimal("35000")


def test_other_subsidy_fields_still_change(adopted):
    subsidy = adopted.subsidies.get()
    Subsidy.objects.filter(pk=subsidy.pk).update(purpose="Objet précisé")
    subsidy.refresh_from_db()
    assert subsidy.purpose == "Objet précisé"


def test_subsidies_of_an_adopted_deliberation_do_not_change(adopted, make_subsidy):
    other = make_subsidy()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliberationSubsidy.objects.create(deliberation=adopted, subsidy=other)
    with pytest.raises(ValidationError), transaction.atomic():
        adopted.subsidies.remove(adopted.subsidies.get())
    with pytest.raises(ValidationError), transaction.atomic():
        DeliberationSubsidy.objects.filter(deliberation=adopted).delete()
    assert adopted.subsidies.count() == 1


def test_an_adopted_deliberation_is_not_deleted(adopted):
    with pytest.raises(ValidationError), transaction.atomic():
        Deliberation.objects.filter(pk=adopted.pk).delete()
    assert Deliberation.objects.filter(pk=adopted.pk).exists()


def test_the_frozen_pdf_is_served_as_it_was(adopted, secretariat):
    from deliberations import rendering

    stored = adopted.pdf.open("rb").read()
    adopted.pdf.close()
    assert rendering.render_pdf(adopted) == stored
    Subsidy.objects.filter(pk=adopted.subsidies.get().pk).update(purpose="Objet changé")
    assert rendering.render_pdf(adopted) == stored
    assert "Objet changé" not in rendering.render_text(adopted)


def test_a_tampered_pdf_is_refused(adopted):
    from deliberations import rendering

    with open(adopted.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ValidationError):
        rendering.render_pdf(adopted)
