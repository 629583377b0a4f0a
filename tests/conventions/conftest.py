"""Fixtures of the agreement tests: those of the deliberation tests (an agreement needs a
voted deliberation), the APES case built with the factories."""

import importlib

import pytest
from django.contrib.auth.models import Group

from conventions.models import AgreementTemplate
from subventions.enums import Role
from subventions.roles import sync_role_permissions
from tests.deliberations.conftest import *  # noqa: F403


@pytest.fixture
def live_reference_data(transactional_db):
    """The roles and the agreement template the migrations install, for a test on a live
    database (transaction=True): a test of that kind before it may have emptied the tables."""
    from django.apps import apps

    for role in Role:
        Group.objects.get_or_create(name=role)
    sync_role_permissions()
    if AgreementTemplate.active() is None:
        importlib.import_module("conventions.migrations.0007_default_agreement_template").install(
            apps, None
        )
