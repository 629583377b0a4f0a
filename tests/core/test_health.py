"""The load balancers' health endpoint (core.health): no login, nothing sensitive, and a
stopped broker or storage reported as unhealthy (503)."""

import socket
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthy_without_login_and_says_nothing_sensitive(client, settings):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "statut": "ok",
        "services": {
            "base de données": "ok",
            "cache": "ok",
            "stockage des pièces": "ok",
        },
    }
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for secret in (settings.SECRET_KEY, str(settings.PRIVATE_MEDIA_ROOT), "Django", "sqlite"):
        assert secret not in body


def test_a_stopped_broker_is_reported_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["statut"] == "indisponible"
    assert response.json()["services"]["courtier des tâches"] == "indisponible"
    assert response.json()["services"]["base de données"] == "ok"
    assert str(settings.CELERY_BROKER_URL.split(":")[-1]) not in response.content.decode()


def test_a_running_broker_is_healthy(client, settings):
    redis = socket.socket()
    try:
        redis.connect(("127.0.0.1", 6379))
    except OSError:
        pytest.skip("pas de Redis sur 127.0.0.1:6379")
    finally:
        redis.close()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/2"
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["services"]["courtier des tâches"] == "ok"


def test_an_unwritable_private_storage_is_reported_unhealthy(client, settings, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    settings.PRIVATE_MEDIA_ROOT = blocker / "prive"  # a folder under a file: cannot exist
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["services"]["stockage des pièces"] == "indisponible"


def test_the_health_check_is_not_redirected_to_https_in_production(client, settings):
    production = (Path(settings.BASE_DIR) / "metropole/settings/production.py").read_text()
    assert 'SECURE_REDIRECT_EXEMPT = [r"^sante/$"]' in production
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
