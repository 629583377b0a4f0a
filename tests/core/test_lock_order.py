"""core.locking.retry_on_conflict: a deadlock or serialization failure is replayed once."""

import pytest
from django.db import OperationalError

from core.locking import is_conflict, retry_on_conflict


class Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def failure(sqlstate: str) -> OperationalError:
    error = OperationalError(f"sqlstate {sqlstate}")
    error.__cause__ = Cause(sqlstate)
    return error


def flaky(failures: list):
    calls = []

    @retry_on_conflict
    def work():
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return work, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_replayed_once(sqlstate):
    work, calls = flaky([failure(sqlstate)])
    assert work() == "done" and len(calls) == 2
    assert is_conflict(failure(sqlstate))


def test_a_second_conflict_or_another_error_is_raised():
    work, calls = flaky([failure("40P01"), failure("40P01")])
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 2
    work, calls = flaky([failure("53300")])  # too many connections: not replayed
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1
