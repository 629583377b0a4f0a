"""Twenty clerks numbering at once on PostgreSQL get twenty different numbers."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from deliberations import services
from deliberations.models import NUMBER_TAKEN, Deliberation

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


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


MIXED = 40


def test_mixed_hand_and_automatic_placements_never_deadlock(
    make_subsidy, make_deliberation, secretariat, session
):
    """Half the clerks type a historical number, half let the counter number: on
    PostgreSQL this used to deadlock (the hand path wrote the deliberation, then locked the
    counter; the automatic path locked the counter, then wrote the deliberation)."""
    drafts = [make_deliberation([make_subsidy()], placed=False) for _ in range(MIXED)]
    hand = {draft.pk: f"21 B {100 + 3 * i:04d}" for i, draft in enumerate(drafts[::2])}
    barrier = threading.Barrier(MIXED)
    errors = []

    def place(deliberation):
        try:
            barrier.wait()
            services.deliberation_place_on_session(
                deliberation=deliberation,
                session=session,
                user=secretariat,
                number=hand.get(deliberation.pk, ""),
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

    # A typed number the counter reached first is refused with its French reason; nothing
    # else fails (no deadlock, no duplicate key).
    refused = [error for error in errors if isinstance(error, ValidationError)]
    assert errors == refused
    taken = {NUMBER_TAKEN.format(number=number) for number in hand.values()}
    assert all(set(error.messages) <= taken for error in refused)
    placed = dict(Deliberation.objects.exclude(number="").values_list("pk", "number"))
    assert len(placed) == MIXED - len(refused) and len(set(placed.values())) == len(placed)
    # Every other hand-typed number is kept as typed.
    assert all(placed.get(pk, number) == number for pk, number in hand.items())
    # The counter never skips a number it could have given: an automatic number follows
    # the number before it, whether given by the counter or typed by hand.
    sequences = {int(number[-4:]) for number in placed.values()}
    automatic = sorted(int(placed[pk][-4:]) for pk in placed if pk not in hand)
    assert len(automatic) == MIXED // 2
    assert all(n == 1 or n - 1 in sequences for n in automatic)
