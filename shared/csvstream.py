"""Stream a query as CSV (or any text a query's rows make) with flat memory, cancelled when
the client goes.

On Postgres the rows come straight from ``COPY (query) TO STDOUT``; elsewhere from a
server-side cursor in batches. Either way nothing holds the whole result.

The query runs in a thread of its own (``_Export``) that owns its pooled connection from
checkout to return: it hands chunks to the response through a small queue and waits
while the client reads. The response body is an async generator that only takes chunks
from the queue, so no pooled connection (nor psycopg's connection lock, held for the
whole of a COPY) is ever held across a ``yield``. When the client disconnects, the
server cancels the body; the body's ``finally`` tells the thread to stop and cancels the
running COPY on the server (``Connection.cancel``: a separate cancel request, no lock
needed). The thread then leaves the COPY, rolls back and returns the connection to the
pool: the query stops within moments and the service keeps its connections and threads.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header
from fastapi.responses import StreamingResponse
from prometheus_client import Counter
from sqlalchemy.engine import Engine

from shared.observability import REGISTRY

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
JSON_LINES_MEDIA_TYPE = "application/x-ndjson"
#: COPY options that hand a one-column query's text on as it is, a line each: CSV quotes
#: a field only when it holds the delimiter, the quote, CR or LF, and JSON text holds none
#: of these two control characters (``row_to_json`` escapes them) nor a raw line break.
_AS_LINES = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"
BATCH = 5_000
CHUNK_BYTES = 256 * 1024
#: Chunks made ahead of the client (each up to ``CHUNK_BYTES``).
AHEAD = 4
#: How often the export's thread, waiting for the client, looks whether it went.
POLL_SECONDS = 0.2

log = logging.getLogger(__name__)

#: Exports whose client left while their query ran, the query then cancelled: an export
#: that ran to its end (however its client went) is not counted. Counted where the query
#: is let go (``_Export.cancel_with(None)``), once, whichever ended it: ``stop``'s cancel
#: or psycopg leaving the COPY early when ``put`` found the client gone.
EXPORTS_CANCELLED = Counter(
    "followup_export_queries_cancelled_total",
    "Export queries cancelled because their client left before the end.",
    registry=REGISTRY,
)

#: The ``Accept`` header a listing reads to choose JSON or CSV (kept out of the OpenAPI:
#: ``CSV_RESPONSE`` documents the choice).
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
#: The ``responses`` of a listing that also answers CSV.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `Accept: text/csv`."}
}


def wants_csv(accept: str | None) -> bool:
    return bool(accept) and "text/csv" in (accept or "")


def wants_json_lines(accept: str | None) -> bool:
    """``Accept: application/x-ndjson`` (JSON lines: one JSON object a line)."""
    return bool(accept) and JSON_LINES_MEDIA_TYPE in (accept or "")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class _Stopped(Exception):
    """The client went: the export leaves its query."""


_DONE = object()


class _Export:
    """One export's query in a thread of its own, its chunks handed to the event loop.

    ``produce(self)`` runs in the thread; it calls ``put`` for each chunk and, around a
    COPY, ``cancel_with`` to say how the running query is cancelled. A chunk goes to the
    response through an ``asyncio.Queue`` (the response awaits it: no thread per chunk on
    its side, and it is cancelled at once); at most ``AHEAD`` chunks are on their way (a
    semaphore the response releases as it takes one), so ``put`` waits while the client
    reads, and raises ``_Stopped`` once ``stop`` was called.
    """

    def __init__(self, produce: Callable[[_Export], None]) -> None:
        self._produce = produce
        self._slots = threading.Semaphore(AHEAD)
        self._stopped = threading.Event()
        self._state = threading.Lock()
        self._cancel: Callable[[], None] | None = None
        self._thread = threading.Thread(target=self._run, name="csv-export", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._chunks: asyncio.Queue[object] | None = None

    # -- the thread's side

    def _run(self) -> None:
        try:
            self._produce(self)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the response, which raises it
            if not self._stopped.is_set():
                self._hand(exc)
            else:
                log.debug("export stopped: %r", exc)
        finally:
            self._hand(_DONE)

    def put(self, chunk: bytes) -> None:
        if not self._hand(chunk):
            raise _Stopped

    def _hand(self, item: object) -> bool:
        """Hand ``item`` to the response once a slot is free; False when the client went."""
        assert self._loop is not None and self._chunks is not None
        while not self._stopped.is_set():
            if self._slots.acquire(timeout=POLL_SECONDS):
                try:
                    self._loop.call_soon_threadsafe(self._chunks.put_nowait, item)
                except RuntimeError:  # the event loop is closed: the server is going
                    self._stopped.set()
                    return False
                return True
        return False

    def cancel_with(self, cancel: Callable[[], None] | None) -> None:
        """How to cancel the query now running (None: nothing runs that needs it). Set
        and cleared under the lock ``stop`` cancels under, so a cancel never reaches a
        connection after it went back to the pool."""
        with self._state:
            cut_short = cancel is None and self._cancel is not None and self._stopped.is_set()
            self._cancel = cancel
            stopped = self._stopped.is_set()
        if cut_short:
            EXPORTS_CANCELLED.inc()
        if stopped and cancel is not None:
            raise _Stopped

    # -- the response's side (on the event loop)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._chunks = asyncio.Queue()
        self._thread.start()

    async def take(self) -> object:
        """The next chunk; ``_DONE`` at the end, or the exception that ended the export."""
        assert self._chunks is not None
        item = await self._chunks.get()
        self._slots.release()
        return item

    def stop(self) -> None:
        """The client went (or the response ended): stop the thread and cancel its query.

        Never blocks (it runs on the event loop): a running query is cancelled from a
        short thread of its own."""
        with self._state:
            if self._stopped.is_set():
                return
            self._stopped.set()
            running = self._cancel is not None
        if running:
            threading.Thread(target=self._cancel_query, name="csv-export-cancel").start()

    def _cancel_query(self) -> None:
        with self._state:  # the export cannot leave its COPY (and free the connection) meanwhile
            if self._cancel is None:
                return
            try:
                self._cancel()
            except Exception:  # the query may have ended meanwhile
                log.warning("could not cancel an export's query", exc_info=True)


async def _body(export: _Export) -> AsyncIterator[bytes]:
    export.start()
    try:
        while True:
            item = await export.take()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        # Client gone (the server cancels this generator), an error, or the end.
        export.stop()


def _cursor_producer(
    engine: Engine, stmt: sa.Select[Any], header: Sequence[str]
) -> Callable[[_Export], None]:
    def produce(export: _Export) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)
            for batch in result.partitions():
                writer.writerows([[_cell(v) for v in row] for row in batch])
                export.put(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            export.put(buffer.getvalue().encode())

    return produce


def streamed(produce: Callable[[_Export], None]) -> AsyncIterator[bytes]:
    """A response body made by ``produce`` in a thread of its own (see ``_Export``)."""
    return _body(_Export(produce))


def copy_body(engine: Engine, sql: str, options: str) -> AsyncIterator[bytes]:
    """The output of ``COPY (sql) TO STDOUT WITH (options)`` (Postgres) as a response body,
    cancelled on the server when the client goes."""

    def produce(export: _Export) -> None:
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None
            try:
                with (
                    driver.cursor() as cur,
                    cur.copy(f"COPY ({sql}) TO STDOUT WITH ({options})") as copy,
                ):
                    export.cancel_with(driver.cancel)
                    # libpq hands COPY data over a row at a time: send it on in large
                    # chunks, so that a million rows are not a million trips through the
                    # ASGI server.
                    pending: list[bytes] = []
                    size = 0
                    for block in copy:
                        pending.append(bytes(block))
                        size += len(block)
                        if size >= CHUNK_BYTES:
                            export.put(b"".join(pending))
                            pending.clear()
                            size = 0
                    if pending:
                        export.put(b"".join(pending))
            finally:
                # Leaving the COPY early (``_Stopped``, a cancel, an error), psycopg has
                # cancelled what was left and read the rest; no cancel may come after this.
                export.cancel_with(None)
            driver.rollback()
        finally:
            raw.close()  # back to the pool, in this thread, the COPY over

    return streamed(produce)


def csv_response(
    engine: Engine, stmt: sa.Select[Any], header: Sequence[str], filename: str
) -> StreamingResponse:
    """``stmt``'s columns must be labelled with the names in ``header``, in order."""
    body: AsyncIterator[bytes]
    if engine.dialect.name == "postgresql":
        try:
            sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            body = copy_body(engine, sql, "FORMAT csv, HEADER true")
        except sa.exc.CompileError:
            body = streamed(_cursor_producer(engine, stmt, header))
    else:
        body = streamed(_cursor_producer(engine, stmt, header))
    return StreamingResponse(
        body,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def json_lines_response(
    engine: Engine,
    stmt: sa.Select[Any],
    render: Callable[[Any], str] | None,
    filename: str,
) -> StreamingResponse:
    """Stream ``stmt`` as JSON lines: on Postgres ``stmt`` is one text column, each row's
    JSON, COPYed out as it is; elsewhere (``render`` given) each row made into its line."""
    body: AsyncIterator[bytes]
    if render is None:
        sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        body = copy_body(engine, sql, _AS_LINES)
    else:
        body = streamed(_lines_producer(engine, stmt, render))
    return StreamingResponse(
        body,
        media_type=JSON_LINES_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.ndjson"'},
    )


def _lines_producer(
    engine: Engine, stmt: sa.Select[Any], render: Callable[[Any], str]
) -> Callable[[_Export], None]:
    def produce(export: _Export) -> None:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)
            for batch in result.partitions():
                export.put("".join([render(row) + "\n" for row in batch]).encode())

    return produce
