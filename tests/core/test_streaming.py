"""core.streaming.read_ahead: the rows of a queryset, in order, the next chunk fetched by a
helper thread on PostgreSQL; stopping early or an error in a fetch leaves no thread, no
open cursor and a usable connection."""

import itertools
import threading

import pytest
from django.db import DataError, connection
from django.db.models.expressions import RawSQL

from core import streaming
from subventions.models import Beneficiary
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def helpers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "read-ahead"]


def open_cursors() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, is_holdable FROM pg_cursors")
        return cursor.fetchall()


@pytest.fixture
def names():
    """Ten beneficiaries' names, in the database's order."""
    BeneficiaryFactory.create_batch(10)
    return list(by_name())


def by_name():
    return Beneficiary.objects.order_by("legal_name").values_list("legal_name", flat=True)


@pytest.mark.parametrize("chunk_size", [1, 3, 5, 10, 25])
def test_the_rows_come_in_the_querysets_order_whatever_the_chunk_size(names, chunk_size):
    assert list(streaming.read_ahead(by_name(), chunk_size=chunk_size)) == names


def test_an_empty_queryset_gives_no_row():
    assert list(streaming.read_ahead(Beneficiary.objects.none(), chunk_size=3)) == []
    assert list(streaming.read_ahead(by_name(), chunk_size=3)) == []


@pytest.mark.postgresql
def test_on_postgresql_a_helper_fetches_the_next_chunks_and_is_gone_at_the_end(names):
    rows = streaming.read_ahead(by_name(), chunk_size=3)
    first = list(itertools.islice(rows, 4))  # into the second chunk: the helper runs
    assert len(helpers()) == 1
    assert first + list(rows) == names
    assert helpers() == []
    assert open_cursors() == []


@pytest.mark.postgresql
def test_stopping_early_stops_the_helper_and_closes_the_cursor(names):
    rows = streaming.read_ahead(by_name(), chunk_size=2)
    assert list(itertools.islice(rows, 5)) == names[:5]
    rows.close()  # what a client that hangs up does to a streamed response
    assert helpers() == []
    assert open_cursors() == []
    assert Beneficiary.objects.count() == 10  # the connection is still usable


@pytest.mark.postgresql
def test_an_error_in_a_later_chunk_is_raised_to_the_reader(names):
    fifth = Beneficiary.objects.order_by("pk").values_list("pk", flat=True)[4]
    failing = (
        Beneficiary.objects.order_by("pk")
        .annotate(inverse=RawSQL("1 / (%s - id)", (fifth,)))
        .values_list("inverse", flat=True)
    )
    rows = streaming.read_ahead(failing, chunk_size=2)
    with pytest.raises(DataError):
        list(rows)
    assert helpers() == []
    assert open_cursors() == []
    assert Beneficiary.objects.count() == 10


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_cursor_is_not_held_so_rows_are_computed_as_fetched(names):
    """Declared WITH HOLD (Django's choice in autocommit), the cursor would make PostgreSQL
    compute every row before the first fetch: nothing left to overlap."""
    assert connection.get_autocommit()
    rows = streaming.read_ahead(by_name(), chunk_size=3)
    next(rows)
    assert [holdable for _name, holdable in open_cursors()] == [False]
    list(rows)
    assert connection.get_autocommit()
    assert open_cursors() == []
