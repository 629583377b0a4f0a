"""Fixtures shared by the whole suite."""

import importlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from subventions.enums import Role
from subventions.models import Subsidy


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a temporary folder, never to the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the API's throttles count there."""
    cache.clear()


@pytest.fixture
def make_user(django_user_model):
    """make_user(Role.INSTRUCTOR) → a staff user holding that role (group)."""

    def make(*roles: str, username: str | None = None, **fields):
        name = username or ("-".join(r.split()[0].lower() for r in roles) or "nobody")
        user = django_user_model.objects.create_user(
            username=f"{name}-{django_user_model.objects.count()}",
            password="pw",
            is_staff=True,
            **fields,
        )
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def role_users(make_user):
    """One user per role, keyed by Role."""
    return {role: make_user(role) for role in Role}


@pytest.fixture
def demo(settings):
    """The demo data, loaded as `make run` loads it (the reference deliberation's case,
    complete, and one user per role, password « demo »); the APES 2021 file."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return Subsidy.objects.get(year=2021)


# The data migrations that install the agreement and amendment templates, in their order.
TEMPLATE_MIGRATIONS = (
    "conventions.migrations.0007_default_agreement_template",
    "conventions.migrations.0014_agreement_visas_by_date",
    "conventions.migrations.0015_agreement_template_grammar",
    "conventions.migrations.0016_amendment_templates",
    "conventions.migrations.0021_notification_letter_template",
)


@pytest.fixture
def live_reference_data(transactional_db):
    """The roles and the templates the migrations install, for a test on a live database
    (transaction=True): a transactional test before it may have emptied the tables."""
    from django.apps import apps

    from conventions.models import AgreementTemplate
    from subventions.roles import sync_role_permissions

    for role in Role:
        Group.objects.get_or_create(name=role)
    sync_role_permissions()
    if not AgreementTemplate.objects.exists():
        for name in TEMPLATE_MIGRATIONS:
            importlib.import_module(name).install(apps, None)


def pytest_runtest_setup(item):
    """The `postgresql` marker's promise: the test runs only when DATABASE_URL points at
    PostgreSQL, and is skipped, before any fixture, on SQLite."""
    if item.get_closest_marker("postgresql"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
