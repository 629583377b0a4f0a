"""Four clerks asking at the same moment for a session's complete file get one build."""

import datetime

import pytest
from django.db import connection

from conventions import bundles
from conventions.models import Bundle
from deliberations.enums import Body
from deliberations.models import Session
from subventions.enums import Role
from tests.subventions.test_payments_concurrency import _run_at_once


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_clerks_asking_at_once_for_the_session_file_share_one_build(make_user, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    # No worker in this test: the builds stay pending, as when the queue is busy.
    monkeypatch.setattr(bundles.build_bundle, "delay", lambda pk: None)
    session = Session.objects.create(body=Body.BUREAU, date=datetime.date(2021, 4, 2), time="14:00")
    clerks = [make_user(Role.READER, username=f"clerk{i}") for i in range(4)]
    asked = []

    def ask(i):
        asked.append(bundles.bundle_start(session=session, user=clerks[i]).pk)

    refusals, errors = _run_at_once(ask, count=4)

    assert (refusals, errors) == ([], [])
    assert Bundle.objects.filter(session=session).count() == 1
    assert len(set(asked)) == 1
