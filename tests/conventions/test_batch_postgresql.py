"""Every task of a batch delivered twice at the same moment (a redelivered message while
the first worker still runs it) on PostgreSQL: each agreement is created once."""

import threading

import pytest
from django.db import connections

from conventions import batch
from conventions.enums import BatchItemOutcome, BatchJobStatus
from conventions.models import Agreement, BatchItem
from deliberations import services

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_reference_data"),
]

SUBSIDIES = 8


def test_two_deliveries_of_every_task_at_once_create_each_agreement_once(
    make_subsidy, make_deliberation, secretariat, monkeypatch
):
    monkeypatch.setattr(batch.rendering, "build_pdf", lambda agreement: None)
    deliberation = make_deliberation(
        [make_subsidy() for _ in range(SUBSIDIES)], title="Huit subventions"
    )
    services.deliberation_adopt(deliberation=deliberation, user=secretariat, unanimous=True)
    monkeypatch.setattr(batch, "dispatch", lambda job_id: None)  # the test delivers
    job = batch.batch_job_start(session=deliberation.session, user=secretariat)
    deliveries = list(job.items.values_list("pk", flat=True)) * 2
    barrier = threading.Barrier(len(deliveries))
    errors = []

    def deliver(item_id):
        try:
            barrier.wait()
            batch.generate_item(item_id)
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(pk,)) for pk in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Agreement.objects.values_list("number", flat=True)) == [
        f"CONV-2021-{n:04d}" for n in range(1, SUBSIDIES + 1)
    ]
    assert set(BatchItem.objects.values_list("outcome", flat=True)) == {BatchItemOutcome.CREATED}
    job.refresh_from_db()
    assert (job.status, job.done, job.created, job.errors) == (
        BatchJobStatus.DONE,
        SUBSIDIES,
        SUBSIDIES,
        [],
    )
