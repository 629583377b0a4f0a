"""Error pages: French, in the site's layout; a 403 is logged on one line."""

import logging

import pytest
from django.test import Client
from django.views.defaults import server_error

from subventions.enums import Role

pytestmark = pytest.mark.django_db

LAYOUT = 'class="navbar'


def test_404_is_french_in_the_layout(client, make_user):
    client.force_login(make_user(Role.READER))
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert LAYOUT in page
    assert "Se déconnecter" in page  # the menu of the logged-in user


def test_403_is_french_and_logged_on_one_line(client, make_user, caplog):
    client.force_login(make_user(Role.READER))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/dossiers/nouveau/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page
    assert LAYOUT in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403
    # Through the project's handler (its filter), the record has no traceback left.
    handler = logging.getLogger().handlers[0]
    assert handler.filter(record)
    formatted = handler.format(record)
    assert "Forbidden (Permission denied): /dossiers/nouveau/" in formatted
    assert "\n" not in formatted
    assert "Traceback" not in formatted


def test_500_is_french_in_the_layout_and_needs_no_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Erreur du serveur" in page
    assert LAYOUT in page


@pytest.mark.urls("tests.error_urls")
def test_an_unexpected_error_answers_the_french_500_page(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.READER))
    response = client.get("/panne/")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_400_is_french_in_the_layout(client):
    response = client.get("/", HTTP_HOST="ailleurs.example.com")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Requête invalide" in page
    assert LAYOUT in page


def test_a_refused_form_submission_csrf_is_french_in_the_layout():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/compte/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré" in page
    assert "Rien n'a été enregistré" in page
    assert LAYOUT in page
