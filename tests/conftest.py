"""Fixtures shared by the whole suite."""

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
