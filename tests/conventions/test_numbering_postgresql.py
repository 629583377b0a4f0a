"""Agreements numbered at once on PostgreSQL (the batch's workers run in parallel): each
gets its own number, in one sequence, and none waits on another in a cycle."""

import threading

import pytest
from django.db import connections

from conventions import services
from conventions.models import Agreement
from deliberations import services as deliberation_services

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_reference_data"),
]

THREADS = 16


def test_concurrent_agreements_get_one_number_each(make_subsidy, make_deliberation, secretariat):
    subsidies = [make_subsidy() for _ in range(THREADS)]
    deliberation = make_deliberation(subsidies, title="Seize subventions")
    deliberation_services.deliberation_adopt(
        deliberation=deliberation, user=secretariat, unanimous=True
    )
    barrier = threading.Barrier(THREADS)
    errors = []

    def create(subsidy):
        try:
            barrier.wait()
            services.agreement_create(subsidy=subsidy, user=secretariat)
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(subsidy,)) for subsidy in subsidies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Agreement.objects.values_list("number", flat=True)) == [
        f"CONV-2021-{n:04d}" for n in range(1, THREADS + 1)
    ]
