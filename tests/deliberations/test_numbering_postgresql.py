"""Twenty clerks numbering at once on PostgreSQL get twenty different numbers."""

import threading

import pytest
from django.db import connection, connections

from deliberations import services
from deliberations.models import Deliberation

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


@pytest.fixture(autouse=True)
def only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")


def test_twenty_concurrent_placements_get_twenty_numbers(
    make_subsidy, make_deliberation, secretariat, session
):
    drafts = [make_deliberation([make_subsidy()], placed=False) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def place(deliberation):
        try:
            barrier.wait()
            services.deliberation_place_on_session(
                deliberation=deliberation, session=session, user=secretariat
            )
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = list(Deliberation.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS
    assert sorted(numbers) == [f"21 B {n:04d}" for n in range(1, THREADS + 1)]
