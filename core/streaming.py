"""Reading a large queryset while its rows are written out: the database computes the next
chunk while Python handles this one.

A streamed export spends about as long waiting for PostgreSQL as it spends in Python
building and writing rows. Read one after the other, the two times add up; `read_ahead`
overlaps them. A helper thread fetches the next chunk from the server-side cursor while
the caller handles the current one: PostgreSQL is another process, and the thread spends
its time waiting on the socket, without the GIL.

The cursor is declared in a transaction, so that PostgreSQL computes the rows as they are
fetched. Outside a transaction, Django declares it WITH HOLD, and PostgreSQL computes the
whole result before the first fetch.
"""

import itertools
import queue
import threading
from collections.abc import Iterator

from django.db import connections, transaction

# Chunks fetched ahead of the one being handled: the memory stays that of a few chunks.
CHUNKS_AHEAD = 2
# How often a helper blocked on a full queue looks whether the reader has stopped.
STOP_POLL_SECONDS = 0.1
HELPER_DIED = "La lecture anticipée s'est arrêtée sans rendre ses lignes."


def read_ahead(queryset, *, chunk_size: int = 2000) -> Iterator:
    """The rows of `queryset` in its order, as `queryset.iterator(chunk_size=…)` gives them.

    On PostgreSQL the cursor is declared here (Django allows that in the reader's thread
    only) and a helper thread fetches the next chunks; on other databases the rows are read
    in this thread. The queryset must need no other query while it is read (no
    `prefetch_related`): the helper's fetches are its only use of the connection. Stopping
    early (closing this generator) stops the helper and closes the cursor.

    The rows are read in a transaction (a savepoint when the caller is in one): what the
    caller writes while it reads is committed only when the reading ends. A caller whose
    writes must be seen at once (a job's progress) reads with `queryset.iterator()`.
    """
    using = queryset.db
    if connections[using].vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=using):
        rows = queryset.iterator(chunk_size=chunk_size)
        try:
            first = list(itertools.islice(rows, chunk_size))
            yield from first
            if len(first) == chunk_size:
                yield from _fetched_ahead(rows, chunk_size)
        finally:
            rows.close()


def _fetched_ahead(rows: Iterator, chunk_size: int) -> Iterator:
    """The rest of `rows`, whose chunks a helper thread fetches ahead of the reader."""
    chunks = queue.Queue(maxsize=CHUNKS_AHEAD)
    stop = threading.Event()

    def hand_over(item) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=STOP_POLL_SECONDS)
                return
            except queue.Full:
                continue

    def fetch() -> None:
        try:
            while not stop.is_set():
                chunk = list(itertools.islice(rows, chunk_size))
                hand_over(chunk)
                if len(chunk) < chunk_size:
                    return
        except Exception as error:  # raised again in the reader's thread
            hand_over(error)

    helper = threading.Thread(target=fetch, name="read-ahead", daemon=True)
    helper.start()
    try:
        while True:
            try:
                chunk = chunks.get(timeout=STOP_POLL_SECONDS)
            except queue.Empty:
                if helper.is_alive() or not chunks.empty():
                    continue
                raise RuntimeError(HELPER_DIED) from None
            if isinstance(chunk, Exception):
                raise chunk
            yield from chunk
            if len(chunk) < chunk_size:
                return
    finally:
        # The helper finishes the fetch under way, sees the stop, and leaves the cursor to
        # the reader, who closes it.
        stop.set()
        helper.join()
