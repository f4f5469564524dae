"""How an export counts the queries its leaving client cut short (``shared.csvstream``).

The export's thread runs the query and says how to cancel it while it runs
(``cancel_with``); when the client goes, ``stop`` cancels it from a thread of its own,
while the export's thread may find the client gone first and leave the query itself (as
psycopg does when a COPY is left early). Either may end the query; it is counted once,
where the export lets it go. The real COPY and its cancel on Postgres:
``test_csv_disconnect.py``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from shared.csvstream import _Export, streamed
from shared.observability import REGISTRY


def cancelled_so_far() -> float:
    return REGISTRY.get_sample_value("followup_export_queries_cancelled_total") or 0.0


def settled(before: float, expected: float) -> float:
    """How far the count is from ``expected`` more than ``before``, once the exports' and
    the cancelling threads have ended (none may add to it late)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name in ("csv-export", "csv-export-cancel") for t in threading.enumerate()
    ):
        time.sleep(0.01)
    return cancelled_so_far() - before - expected


def export_of(query: Callable[[_Export], None], chunks_read: int | None) -> None:
    """Read ``chunks_read`` chunks of an export and hang up (all of them: ``None``)."""

    async def client() -> None:
        body = streamed(query)
        read = 0
        async for _ in body:
            read += 1
            if chunks_read is not None and read == chunks_read:
                break
        await body.aclose()  # type: ignore[attr-defined]

    asyncio.run(client())


def test_a_query_cut_short_by_its_leaving_client_counts_once_whoever_ends_it() -> None:
    # The cancel finds the query already gone (it raises, as a cancel racing the query's
    # own end does): the export's thread leaves the query itself, and that is counted.
    def cancel() -> None:
        raise RuntimeError("no query to cancel")

    def query(export: _Export) -> None:
        try:
            export.cancel_with(cancel)
            while True:  # rows without end, until the client is found gone
                export.put(b"id,value\n1,2\n")
        finally:
            export.cancel_with(None)

    for _ in range(3):
        before = cancelled_so_far()
        export_of(query, chunks_read=1)
        assert settled(before, 1) == 0


def test_a_query_that_ran_to_its_end_is_not_counted() -> None:
    def query(export: _Export) -> None:
        export.cancel_with(lambda: None)
        export.put(b"id,value\n1,2\n")
        export.cancel_with(None)

    before = cancelled_so_far()
    export_of(query, chunks_read=None)
    assert settled(before, 0) == 0


def test_a_client_gone_before_the_query_began_stops_it_and_counts_it() -> None:
    gone = threading.Event()

    def query(export: _Export) -> None:
        export.put(b"id,value\n")
        gone.wait(5)  # the client has read the header and left
        try:
            export.cancel_with(lambda: None)  # the COPY has begun: it raises at once
        finally:
            export.cancel_with(None)
        raise AssertionError("the query went on for a client already gone")

    async def client() -> None:
        body = streamed(query)
        async for _ in body:
            break
        await body.aclose()  # type: ignore[attr-defined]

    before = cancelled_so_far()
    asyncio.run(client())
    gone.set()
    assert settled(before, 1) == 0
