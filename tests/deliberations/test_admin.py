"""The deliberation admin: preview, free sections of a draft, vote page, frozen once voted."""

import datetime

import pytest
from django.contrib.admin.widgets import AdminDateWidget
from django.urls import reverse
from django.utils.html import escape

from deliberations import forms, services
from deliberations.enums import DeliberationStatus
from tests.deliberations.conftest import FAKE_PDF

pytestmark = pytest.mark.django_db


def change_url(deliberation):
    return reverse("admin:deliberations_deliberation_change", args=[deliberation.pk])


def form_data(deliberation, **changes):
    data = {
        "title": deliberation.title,
        "subsidy_choice": [s.pk for s in deliberation.subsidies.all()],
        "preamble": deliberation.preamble,
        "context": deliberation.context,
        "partnership_description": deliberation.partnership_description,
        "previous_year_activity": deliberation.previous_year_activity,
        "axes_introduction": deliberation.axes_introduction,
        "note": deliberation.note,
    }
    return {**data, **changes}


def test_change_page_previews_the_generated_text(
    client, make_subsidy, make_deliberation, head_of_service
):
    deliberation = make_deliberation([make_subsidy()])
    client.force_login(head_of_service)
    page = client.get(change_url(deliberation)).content.decode()
    assert "Aperçu du texte généré" in page
    assert "Par conséquent, le Bureau de la Métropole décide\u00a0:" in page


def test_head_of_service_edits_the_free_sections(
    client, make_subsidy, make_deliberation, head_of_service
):
    deliberation = make_deliberation([make_subsidy()])
    client.force_login(head_of_service)
    response = client.post(change_url(deliberation), form_data(deliberation, context="Revu."))
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.context == "Revu."


def test_secretariat_records_the_vote_from_the_admin(
    client, make_subsidy, make_deliberation, secretariat
):
    deliberation = make_deliberation([make_subsidy()])
    client.force_login(secretariat)
    url = reverse("admin:deliberations_deliberation_vote", args=[deliberation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"result": "adopt", "votes_against": "2"})
    assert response.status_code == 200  # refused: no vote for
    assert type(response.context["form"]) is forms.VoteForm  # the staff pages' form
    assert "Voix contre" in response.content.decode()
    assert escape(services.VOTE_REQUIRED) in response.content.decode()
    response = client.post(url, {"result": "adopt", "unanimous": "on"})
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.ADOPTED


def test_an_adopted_deliberation_is_read_only_in_the_admin(
    client, make_subsidy, make_deliberation, secretariat, make_user
):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    deliberation.refresh_from_db()
    admin_user = make_user(is_superuser=True)
    client.force_login(admin_user)
    client.post(change_url(deliberation), form_data(deliberation, title="Autre", context="X"))
    deliberation.refresh_from_db()
    assert deliberation.title != "Autre" and deliberation.context != "X"
    page = client.get(change_url(deliberation)).content.decode()
    assert 'name="title"' not in page
    delete = reverse("admin:deliberations_deliberation_delete", args=[deliberation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    pdf = client.get(reverse("admin:deliberations_deliberation_pdf", args=[deliberation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf) == FAKE_PDF


def test_deliberation_created_in_the_admin(client, make_subsidy, secretariat):
    subsidy = make_subsidy()
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:deliberations_deliberation_add"),
        {"subsidy_choice": [subsidy.pk], "title": "", "note": ""},
    )
    assert response.status_code == 302
    deliberation = subsidy.deliberations.get()
    assert deliberation.title == subsidy.title
    assert deliberation.status == DeliberationStatus.DRAFT


def test_lists_render(client, make_subsidy, make_deliberation, make_user):
    make_deliberation([make_subsidy()])
    client.force_login(make_user("Lecteur"))
    assert client.get(reverse("admin:deliberations_deliberation_changelist")).status_code == 200
    assert client.get(reverse("admin:deliberations_session_changelist")).status_code == 200


def test_secretariat_places_a_draft_on_a_session_from_the_admin(
    client, make_subsidy, make_deliberation, secretariat, session
):
    deliberation = make_deliberation([make_subsidy()], placed=False)
    client.force_login(secretariat)
    url = reverse("admin:deliberations_deliberation_place", args=[deliberation.pk])
    response = client.get(url)
    assert type(response.context["form"]) is forms.PlaceOnSessionForm
    assert list(response.context["form"].fields) == ["session", "number"]
    response = client.post(url, {"session": session.pk, "number": ""})
    assert response.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.session == session and deliberation.number


def test_secretariat_sets_the_executory_date_from_the_admin(
    client, make_subsidy, make_deliberation, secretariat
):
    deliberation = make_deliberation([make_subsidy()])
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    client.force_login(secretariat)
    url = reverse("admin:deliberations_deliberation_executory", args=[deliberation.pk])
    form = client.get(url).context["form"]
    assert type(form) is forms.ExecutoryForm
    assert isinstance(form.fields["date"].widget, AdminDateWidget)  # the admin's calendar
    assert client.post(url, {"date": "12/04/2021", "reason": "Acte ancien"}).status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.executory_date == datetime.date(2021, 4, 12)
