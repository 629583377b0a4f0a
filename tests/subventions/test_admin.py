"""The clerks' admin: what a clerk sees and what it refuses."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_widgets import AutocompleteFieldsMixin
from core.models import TransitionLog
from subventions import services
from subventions.enums import Role, SubsidyStatus
from subventions.models import Beneficiary, CoFunding, Payment, PolicyArea, Subsidy
from subventions.validators import SIRET_INVALID


def login(client, username):
    assert client.login(username=username, password="demo")
    return client


def inline_formset(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset
    raise AssertionError(f"no inline for {model}")


@pytest.mark.django_db
def test_instructor_sees_apes_2021_with_its_axes_and_cofunding(client, demo):
    login(client, "instructeur")
    response = client.get(reverse("admin:subventions_subsidy_changelist"))
    assert response.status_code == 200
    assert "SUB-2021-0001" in response.text
    response = client.get(reverse("admin:subventions_subsidy_change", args=[demo.pk]))
    assert response.status_code == 200
    assert len(inline_formset(response, demo.axes.model).forms) == 5
    assert len(inline_formset(response, CoFunding).forms) == 4
    assert "Appui aux porteurs métropolitains" in response.text
    assert "4,6\u00a0%" in response.text


@pytest.mark.django_db
def test_beneficiary_page_lists_subsidies_by_year_with_totals(client, demo):
    login(client, "lecteur")
    response = client.get(
        reverse("admin:subventions_beneficiary_change", args=[demo.beneficiary_id])
    )
    assert response.status_code == 200
    assert "SUB-2020-0001" in response.text and "SUB-2021-0001" in response.text
    assert response.text.count("Total de l&#x27;exercice") == 2


def make_subsidies(count: int) -> None:
    area = PolicyArea.objects.create(label="CULTURE")
    beneficiaries = Beneficiary.objects.bulk_create(
        Beneficiary(legal_name=f"Association {i}", name_with_article=f"l'association {i}")
        for i in range(count)
    )
    Subsidy.objects.bulk_create(
        Subsidy(
            reference=f"SUB-2024-{i:04d}",
            beneficiary=beneficiary,
            year=2024,
            policy_area=area,
            title="Soutien",
            purpose="Soutien",
            amount_requested=Decimal("1000"),
        )
        for i, beneficiary in enumerate(beneficiaries)
    )


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:subventions_subsidy_changelist"), {"all": ""})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_subsidy_changelist_query_count_does_not_grow(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    make_subsidies(10)
    with_10 = changelist_queries(client)
    Subsidy.objects.all().delete()
    Beneficiary.objects.all().delete()
    PolicyArea.objects.all().delete()
    make_subsidies(200)
    assert changelist_queries(client) == with_10


@pytest.mark.django_db
def test_admin_refuses_a_wrong_siret_on_the_field(client, make_user):
    client.force_login(make_user(Role.INSTRUCTOR))
    response = client.post(
        reverse("admin:subventions_beneficiary_add"),
        {
            "legal_name": "Asso",
            "name_with_article": "l'Asso",
            "legal_form": "association",
            "siret": "20009320100017",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["siret"] == [SIRET_INVALID]
    assert not Beneficiary.objects.exists()


def change_form_data(response) -> dict:
    """The POST data of an admin change form as currently filled in."""
    data = {}
    forms = [response.context["adminform"].form] + [
        form
        for inline in response.context["inline_admin_formsets"]
        for form in [inline.formset.management_form, *inline.formset.forms]
    ]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)
    return data


@pytest.fixture
def draft(demo):
    """A fresh draft file with the 2021 case's plan, editable in the admin."""
    source = demo
    user = source.instructor
    return services.subsidy_create(
        user=user,
        beneficiary=source.beneficiary,
        year=2022,
        policy_area=source.policy_area,
        title="Soutien 2022",
        purpose="Programme 2022",
        amount_requested=Decimal("35000"),
        projected_budget=Decimal("753091"),
        axes=[services.AxisData("Axe A"), services.AxisData("Axe B")],
        cofundings=[
            services.CoFundingData(partners=list(line.partners.all()), amount=line.amount)
            for line in source.cofundings.all()
        ],
    )


@pytest.mark.django_db
def test_admin_refuses_cofunding_above_the_projected_budget(client, draft):
    login(client, "instructeur")
    url = reverse("admin:subventions_subsidy_change", args=[draft.pk])
    data = change_form_data(client.get(url))
    data["cofundings-0-amount"] = "700000"
    response = client.post(url, data)
    assert response.status_code == 200
    formset = inline_formset(response, CoFunding)
    assert "dépassent le budget prévisionnel" in str(formset.forms[-1].errors["amount"])
    assert draft.cofundings.order_by("position").first().amount == Decimal("284000")


@pytest.mark.django_db
def test_admin_refuses_a_duplicate_axis_position(client, draft):
    login(client, "instructeur")
    url = reverse("admin:subventions_subsidy_change", args=[draft.pk])
    data = change_form_data(client.get(url))
    data["axes-1-position"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200
    assert list(draft.axes.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_admin_saves_a_valid_edit(client, draft):
    login(client, "instructeur")
    url = reverse("admin:subventions_subsidy_change", args=[draft.pk])
    data = change_form_data(client.get(url))
    data["title"] = "Soutien 2022 modifié"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.title == "Soutien 2022 modifié"
    assert draft.history.first().history_user.username == "instructeur"


@pytest.mark.django_db
def test_transition_button_runs_for_the_right_role(client, draft):
    login(client, "instructeur")
    url = reverse("admin:subventions_subsidy_transition", args=[draft.pk, "submit"])
    response = client.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == SubsidyStatus.UNDER_REVIEW
    assert "Mettre en instruction : fait." in response.text
    assert TransitionLog.objects.filter(subsidy=draft, action="submit").count() == 1


@pytest.mark.django_db
def test_transition_button_refused_for_another_role_shows_the_reason(client, draft):
    login(client, "lecteur")
    url = reverse("admin:subventions_subsidy_transition", args=[draft.pk, "submit"])
    response = client.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == SubsidyStatus.DRAFT
    assert "réservée au rôle" in response.text
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_change_page_offers_the_actions_with_their_reasons(client, draft):
    login(client, "lecteur")
    response = client.get(reverse("admin:subventions_subsidy_change", args=[draft.pk]))
    assert "Mettre en instruction" in response.text
    assert "disabled" in response.text


@pytest.mark.django_db
def test_voted_subsidy_amounts_are_read_only_in_the_admin(client, demo):
    login(client, "instructeur")
    response = client.get(reverse("admin:subventions_subsidy_change", args=[demo.pk]))
    assert "amount_awarded" not in response.context["adminform"].form.fields


@pytest.mark.django_db
def test_changelist_action_reports_refusals(client, demo):
    login(client, "lecteur")
    response = client.post(
        reverse("admin:subventions_subsidy_changelist"),
        {"action": "transition_close", "_selected_action": [demo.pk]},
        follow=True,
    )
    assert "SUB-2021-0001" in response.text
    demo.refresh_from_db()
    assert demo.status == SubsidyStatus.VOTED


# A non-numeric key typed in an autocomplete field: the form's error, never a 500.

INVALID_CHOICE = "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."


@pytest.fixture
def superuser(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999"])
def test_a_payment_for_a_non_numeric_subsidy_is_refused_on_the_field(superuser, value):
    response = superuser.post(
        reverse("admin:subventions_payment_add"),
        {"subsidy": value, "date": "01/06/2020", "amount": "100", "mandate_number": "2020-1"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["subsidy"] == [INVALID_CHOICE]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_a_subsidy_with_a_non_numeric_beneficiary_is_refused_on_the_field(superuser, draft):
    url = reverse("admin:subventions_subsidy_change", args=[draft.pk])
    data = change_form_data(superuser.get(url))
    data["beneficiary"] = "abc"
    data["title"] = "Titre qui ne doit pas être enregistré"
    response = superuser.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["beneficiary"] == [INVALID_CHOICE]
    draft.refresh_from_db()
    assert draft.title == "Soutien 2022"


@pytest.mark.django_db
def test_a_non_numeric_partner_in_an_inline_is_refused_on_the_field(superuser, demo):
    line = demo.cofundings.first()
    url = reverse("admin:subventions_cofunding_change", args=[line.pk])
    data = change_form_data(superuser.get(url))
    data["partner_links-0-partner"] = "abc"
    response = superuser.post(url, data)
    assert response.status_code == 200
    (formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
    assert formset.forms[0].errors["partner"] == [INVALID_CHOICE]


def test_every_admin_and_inline_renders_autocomplete_values_safely():
    """The project's admins all take the widgets of core.admin_widgets."""
    classes = [type(model_admin) for model_admin in admin.site._registry.values()]
    classes += [inline for cls in list(classes) for inline in cls.inlines]
    ours = [
        cls for cls in classes if cls.__module__.split(".")[0] in ("subventions", "conventions")
    ]
    assert ours
    missing = [cls.__qualname__ for cls in ours if not issubclass(cls, AutocompleteFieldsMixin)]
    assert not missing
