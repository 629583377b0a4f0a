"""Creating and editing beneficiaries and files in the staff pages.

Bad input in every form: a French error on the field, and nothing saved. No lost update:
the second of two concurrent saves is refused and the first person's change stays.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.forms import AMOUNT_INVALID, AmountField
from subventions import forms as subsidy_forms
from subventions import services
from subventions.enums import Role, SubsidyStatus
from subventions.forms import SUBSIDY_FIELDS
from subventions.models import ActionAxis, Beneficiary, CoFunding, Subsidy
from subventions.validators import SIRET_INVALID
from tests.subventions.factories import (
    ActionAxisFactory,
    BeneficiaryFactory,
    BudgetLineFactory,
    CoFundingFactory,
    FundingPartnerFactory,
    PolicyAreaFactory,
    SubsidyFactory,
    luhn_siret,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor_client(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR, first_name="Inès", last_name="Martin"))
    return client


def errors_of(response, field: str, form: str = "form") -> list[str]:
    return list(response.context[form].errors.get(field, []))


def beneficiary_data(**overrides) -> dict:
    data = {
        "legal_name": "Maison des associations de Roubaix",
        "short_name": "MDA",
        "name_with_article": "la Maison des associations",
        "legal_form": "association",
        "siret": luhn_siret(901),
        "rna": "W591234567",
        "postal_code": "59100",
        "city": "Roubaix",
        "version": "",
    }
    data.update(overrides)
    return data


def form_data(form) -> dict:
    """What a browser posts for an unbound form: its initial values."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None or field.disabled:
            continue
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            continue
        data[form.add_prefix(name)] = (
            str(value).replace(".", ",") if isinstance(value, Decimal) else value
        )
    return data


def page_data(response) -> dict:
    """Everything the edit page would post back unchanged: form and both formsets."""
    context = response.context
    data = form_data(context["form"])
    for formset in (context["axes"], context["cofundings"]):
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def two_people(make_user, first_role, second_role) -> tuple[Client, Client]:
    """Two browsers: Paul's, and another person's."""
    paul, other = Client(), Client()
    paul.force_login(make_user(first_role, first_name="Paul"))
    other.force_login(make_user(second_role))
    return paul, other


# Beneficiaries


def test_creating_a_beneficiary(instructor_client):
    response = instructor_client.post(reverse("subventions:beneficiary_create"), beneficiary_data())
    beneficiary = Beneficiary.objects.get(short_name="MDA")
    assert response.status_code == 302
    assert response["Location"] == reverse("subventions:beneficiary_detail", args=[beneficiary.pk])
    assert beneficiary.history.latest().history_user.first_name == "Inès"


@pytest.mark.parametrize(
    ("name_with_article", "gender", "number", "message"),
    [
        ("la Maison des associations", "", "", "La fiche de la Maison des associations"),
        ("les Jardins partagés", "", "", "La fiche des Jardins partagés"),
        ("le Hameau des arts", "", "", "La fiche du Hameau des arts"),
        ("l'Harmonie de Wattrelos", "", "", "La fiche de l'Harmonie de Wattrelos"),
        ("Hockey Club lillois", "m", "s", "La fiche de Hockey Club lillois"),
    ],
)
def test_the_saved_message_names_the_beneficiary_with_its_article(
    instructor_client, name_with_article, gender, number, message
):
    data = beneficiary_data(
        name_with_article=name_with_article, grammatical_gender=gender, grammatical_number=number
    )
    response = instructor_client.post(reverse("subventions:beneficiary_create"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"{message} est enregistrée."]
    beneficiary = Beneficiary.objects.get()
    # Left blank, the gender and number are guessed; chosen, they are kept.
    assert beneficiary.grammatical_gender and beneficiary.grammatical_number


def test_a_wrong_siret_is_refused_on_its_field_and_nothing_is_saved(instructor_client):
    response = instructor_client.post(
        reverse("subventions:beneficiary_create"), beneficiary_data(siret="12345678901234")
    )
    assert response.status_code == 200
    assert errors_of(response, "siret") == [SIRET_INVALID]
    assert "La fiche n'est pas enregistrée" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_editing_a_beneficiary_with_bad_input_changes_nothing(instructor_client):
    beneficiary = BeneficiaryFactory(city="Lille")
    url = reverse("subventions:beneficiary_update", args=[beneficiary.pk])
    data = form_data(instructor_client.get(url).context["form"])
    data.update(city="Tourcoing", email="pas-un-courriel", legal_name="")
    response = instructor_client.post(url, data)
    assert errors_of(response, "email") == ["Saisissez une adresse de courriel valide."]
    assert errors_of(response, "legal_name") == ["Ce champ est obligatoire."]
    beneficiary.refresh_from_db()
    assert beneficiary.city == "Lille"


def test_a_duplicate_siret_is_said_on_the_field(instructor_client):
    other = BeneficiaryFactory()
    response = instructor_client.post(
        reverse("subventions:beneficiary_create"), beneficiary_data(siret=other.siret)
    )
    assert errors_of(response, "siret") == ["Un bénéficiaire porte déjà ce SIRET."]
    assert Beneficiary.objects.count() == 1


def test_no_lost_update_on_a_beneficiary(make_user):
    beneficiary = BeneficiaryFactory(city="Lille", phone="")
    url = reverse("subventions:beneficiary_update", args=[beneficiary.pk])
    paul, other = two_people(make_user, Role.INSTRUCTOR, Role.HEAD_OF_SERVICE)
    first_data = form_data(paul.get(url).context["form"])
    second_data = form_data(other.get(url).context["form"])

    first_data["city"] = "Roubaix"
    assert paul.post(url, first_data).status_code == 302

    second_data["phone"] = "03 20 00 00 00"
    response = other.post(url, second_data)
    assert response.status_code == 409
    message = [str(m) for m in response.context["messages"]][0]
    assert message.startswith(f"La fiche de l'{beneficiary.short_name} a été modifiée par Paul")
    assert "pendant que vous la modifiiez" in message
    assert "vos changements n'ont pas été enregistrés" in message
    beneficiary.refresh_from_db()
    assert beneficiary.city == "Roubaix"  # the first person's change stays
    assert beneficiary.phone == ""
    # The page now carries the stored version: saving again goes through.
    retry = form_data(response.context["form"])
    retry["phone"] = "03 20 00 00 00"
    assert other.post(url, retry).status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.city, beneficiary.phone) == ("Roubaix", "03 20 00 00 00")


# Subsidy files


@pytest.fixture
def refs():
    return {
        "beneficiary": BeneficiaryFactory(),
        "policy_area": PolicyAreaFactory(),
        "line": BudgetLineFactory(year=2021),
        "partners": [FundingPartnerFactory(), FundingPartnerFactory()],
    }


def subsidy_post(refs, **overrides) -> dict:
    data = {
        "version": "",
        "beneficiary": refs["beneficiary"].pk,
        "year": "2021",
        "policy_area": refs["policy_area"].pk,
        "received_on": "2021-01-15",
        "title": "Soutien au programme 2021",
        "purpose": "Programme d'actions 2021",
        "section": "fonctionnement",
        "nature": "aide en numéraire",
        "amount_requested": "35 000",
        "amount_proposed": "",
        "projected_budget": "753 091",
        "budget_line": refs["line"].pk,
        "payment_terms": "unique",
        "axes-TOTAL_FORMS": "2",
        "axes-INITIAL_FORMS": "0",
        "axes-0-position": "2",
        "axes-0-title": "Commande publique",
        "axes-1-position": "1",
        "axes-1-title": "Accompagnement",
        "axes-1-description": "Des porteurs de projets.",
        "cofinancements-TOTAL_FORMS": "1",
        "cofinancements-INITIAL_FORMS": "0",
        "cofinancements-0-partners": [p.pk for p in refs["partners"]],
        "cofinancements-0-group_label": "d'autres collectivités",
        "cofinancements-0-amount": "39 350",
        "cofinancements-0-status": "sollicite",
    }
    data.update(overrides)
    return data


def test_creating_a_file_with_two_axes_and_one_cofunding_line(instructor_client, refs):
    response = instructor_client.post(reverse("subventions:subsidy_create"), subsidy_post(refs))
    subsidy = Subsidy.objects.get()
    assert response["Location"] == reverse("subventions:subsidy_detail", args=[subsidy.pk])
    assert subsidy.amount_requested == Decimal("35000")
    assert subsidy.projected_budget == Decimal("753091")
    assert subsidy.status == SubsidyStatus.DRAFT
    assert [(a.position, a.title) for a in subsidy.axes.all()] == [
        (1, "Accompagnement"),
        (2, "Commande publique"),
    ]
    line = subsidy.cofundings.get()
    assert line.amount == Decimal("39350")
    assert [link.partner for link in line.partner_links.all()] == refs["partners"]


def test_a_file_with_bad_input_shows_french_errors_and_saves_nothing(instructor_client, refs):
    data = subsidy_post(
        refs, amount_requested="trente-cinq mille", title="", **{"axes-0-title": ""}
    )
    data["axes-0-description"] = "Sans titre"
    response = instructor_client.post(reverse("subventions:subsidy_create"), data)
    assert response.status_code == 200
    assert errors_of(response, "amount_requested") == [AMOUNT_INVALID]
    assert errors_of(response, "title") == ["Ce champ est obligatoire."]
    assert response.context["axes"].forms[0].errors["title"] == ["Ce champ est obligatoire."]
    assert not Subsidy.objects.exists()
    assert not ActionAxis.objects.exists()


def test_the_funding_plan_is_checked_on_the_amount_of_the_line(instructor_client, refs):
    data = subsidy_post(refs, **{"cofinancements-0-amount": "720 000"})
    response = instructor_client.post(reverse("subventions:subsidy_create"), data)
    line_errors = response.context["cofundings"].forms[0].errors["amount"]
    assert line_errors == [
        "Les cofinancements (720\u00a0000\u00a0€) et le montant de la collectivité "
        "(35\u00a0000\u00a0€) dépassent le budget prévisionnel de la structure "
        "(753\u00a0091\u00a0€)."
    ]
    assert not Subsidy.objects.exists()
    assert not CoFunding.objects.exists()


def test_a_cofunding_line_names_a_partner(instructor_client, refs):
    data = subsidy_post(refs, **{"cofinancements-0-partners": []})
    response = instructor_client.post(reverse("subventions:subsidy_create"), data)
    assert response.context["cofundings"].forms[0].errors["partners"] == [
        "Ce champ est obligatoire."
    ]
    assert not Subsidy.objects.exists()


def test_a_budget_line_of_another_year_is_refused_on_its_field(instructor_client, refs):
    data = subsidy_post(refs, budget_line=BudgetLineFactory(year=2020).pk)
    response = instructor_client.post(reverse("subventions:subsidy_create"), data)
    assert errors_of(response, "budget_line") == [
        "La ligne de crédits doit appartenir à l'exercice 2021."
    ]
    assert not Subsidy.objects.exists()


@pytest.fixture
def stored_file(refs):
    subsidy = services.subsidy_create(
        user=None,
        beneficiary=refs["beneficiary"],
        year=2021,
        policy_area=refs["policy_area"],
        title="Soutien 2021",
        purpose="Programme 2021",
        amount_requested=Decimal("35000"),
        projected_budget=Decimal("753091"),
        axes=[services.AxisData("Premier"), services.AxisData("Deuxième")],
        cofundings=[
            services.CoFundingData(partners=refs["partners"], amount=Decimal("10000")),
            services.CoFundingData(partners=refs["partners"][:1], amount=Decimal("5000")),
        ],
    )
    return subsidy


def test_editing_a_file_reorders_axes_and_keeps_partner_order(instructor_client, stored_file, refs):
    url = reverse("subventions:subsidy_update", args=[stored_file.pk])
    data = page_data(instructor_client.get(url))
    first, second = refs["partners"]
    data.update(
        {
            "title": "Soutien 2021 revu",
            "axes-0-position": "2",  # « Premier » becomes the second axis
            "axes-1-position": "1",
            "axes-2-title": "Troisième",
            "axes-2-position": "3",
            "cofinancements-0-partners": [second.pk, first.pk],
            "cofinancements-1-DELETE": "on",
            "cofinancements-2-partners": [second.pk],
            "cofinancements-2-amount": "1 234,50",
            "cofinancements-2-status": "obtenu",
        }
    )
    response = instructor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    stored_file.refresh_from_db()
    assert stored_file.title == "Soutien 2021 revu"
    assert [a.title for a in stored_file.axes.all()] == ["Deuxième", "Premier", "Troisième"]
    lines = list(stored_file.cofundings.all())
    assert [line.amount for line in lines] == [Decimal("10000"), Decimal("1234.50")]
    # Partners already on the line keep their order, whatever the select posts.
    assert [link.partner for link in lines[0].partner_links.all()] == [first, second]


def test_editing_a_file_with_bad_input_changes_nothing(instructor_client, stored_file):
    url = reverse("subventions:subsidy_update", args=[stored_file.pk])
    data = page_data(instructor_client.get(url))
    data.update({"title": "Changé", "amount_requested": "-5", "axes-0-title": "Changé aussi"})
    response = instructor_client.post(url, data)
    assert errors_of(response, "amount_requested") == ["Le montant ne peut pas être négatif."]
    stored_file.refresh_from_db()
    assert stored_file.title == "Soutien 2021"
    assert stored_file.amount_requested == Decimal("35000")
    assert stored_file.axes.first().title == "Premier"


def test_a_voted_file_shows_its_frozen_fields_read_only(instructor_client):
    subsidy = SubsidyFactory(voted=True)
    ActionAxisFactory(subsidy=subsidy)
    CoFundingFactory(subsidy=subsidy)
    url = reverse("subventions:subsidy_update", args=[subsidy.pk])
    response = instructor_client.get(url)
    form = response.context["form"]
    for name in Subsidy.FROZEN_AFTER_VOTE:
        if name in SUBSIDY_FIELDS:
            assert form.fields[name].disabled, name
    assert subsidy_forms.FROZEN_HELP in response.content.decode()
    data = page_data(response)
    data.update({"amount_requested": "99 999", "purpose": "Objet précisé"})
    assert instructor_client.post(url, data).status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.amount_requested == Decimal("35000")  # a disabled field ignores the post
    assert subsidy.purpose == "Objet précisé"


def test_no_lost_update_on_a_file(make_user, stored_file):
    url = reverse("subventions:subsidy_update", args=[stored_file.pk])
    paul, other = two_people(make_user, Role.INSTRUCTOR, Role.INSTRUCTOR)
    first_data = page_data(paul.get(url))
    second_data = page_data(other.get(url))

    first_data["amount_requested"] = "30 000"
    assert paul.post(url, first_data).status_code == 302

    second_data["title"] = "Titre du second"
    response = other.post(url, second_data)
    assert response.status_code == 409
    assert "a été modifié par Paul" in [str(m) for m in response.context["messages"]][0]
    stored_file.refresh_from_db()
    assert stored_file.amount_requested == Decimal("30000")
    assert stored_file.title == "Soutien 2021"


def test_a_lifecycle_action_in_between_also_refuses_the_stale_form(client, make_user, stored_file):
    url = reverse("subventions:subsidy_update", args=[stored_file.pk])
    instructor = make_user(Role.INSTRUCTOR)
    client.force_login(instructor)
    data = page_data(client.get(url))
    services.subsidy_transition(subsidy=stored_file, action="submit", user=instructor)
    data["title"] = "Trop tard"
    assert client.post(url, data).status_code == 409
    stored_file.refresh_from_db()
    assert stored_file.title == "Soutien 2021"


def test_french_amounts_are_read(refs):
    field = AmountField()
    assert field.clean("1 234,50") == Decimal("1234.50")
    assert field.clean("35\u00a0000 €") == Decimal("35000")
    assert field.clean("753091") == Decimal("753091")


def test_a_lifecycle_comment_form_accepts_no_comment():
    assert subsidy_forms.TransitionForm({"comment": ""}).is_valid()


def test_a_beneficiary_is_saved_with_a_siret_and_an_iban_typed_with_spaces(instructor_client):
    data = beneficiary_data(siret="732 829 320 00074", iban="FR76 3000 6000 0112 3456 7890 189")
    response = instructor_client.post(reverse("subventions:beneficiary_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    beneficiary = Beneficiary.objects.get(short_name="MDA")
    assert beneficiary.siret == "73282932000074"
    assert beneficiary.iban == "FR7630006000011234567890189"
    page = instructor_client.get(reverse("subventions:beneficiary_detail", args=[beneficiary.pk]))
    assert "732\u00a0829\u00a0320\u00a000074" in page.content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in page.content.decode()
    edit = instructor_client.get(reverse("subventions:beneficiary_update", args=[beneficiary.pk]))
    assert 'value="732\u00a0829\u00a0320\u00a000074"' in edit.content.decode()
