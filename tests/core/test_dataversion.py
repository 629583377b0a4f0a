"""The data version of core.dataversion: which tables move it, and nothing cached where
it cannot be read (SQLite, the development database)."""

import pytest
from django.db import connection

from core import dataversion


def test_the_triggers_cover_every_table_of_the_project_and_only_those():
    tables = dataversion.project_tables()
    for table in (
        "subventions_subsidy",
        "subventions_beneficiary",
        "subventions_historicalsubsidy",
        "conventions_agreement",
        "conventions_deliberation",
        "subventions_budgetline",
    ):
        assert table in tables
    for table in ("django_session", "auth_user", "axes_accessattempt", "otp_totp_totpdevice"):
        assert table not in tables


@pytest.mark.django_db
def test_without_postgresql_everything_is_computed_each_time():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite fallback")
    assert dataversion.current_version() is None
    calls = []
    for _ in range(2):
        dataversion.remember(None, "key", lambda: calls.append(1))
    assert len(calls) == 2
