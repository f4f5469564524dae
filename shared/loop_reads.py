"""Short reads run on the event loop itself, on a connection only the loop uses.

Why: FastAPI runs a plain ``def`` route in a worker thread, and a view made afresh asks
each of the three services its section. Measured on the seeded data: one client asking
sections one after another, the section on the loop costs 0.89–0.92× the CPU it costs in
a worker thread (``bench/section_cold.py``, which runs both forms side by side); with
eight clients asking views at once through the gateway, where the worker threads hand the
GIL back and forth (an ad-hoc driver, alternating with the code before), about 0.35 ms
less per section in each service and 0.3 ms less Postgres CPU per view (a tenth of a
view's CPU across the suite). A worker thread buys no parallelism for Python's own work
(the GIL); it buys only that the loop goes on while the thread waits for the database. A
section's reads are a few indexed statements of well under a millisecond each, so
``LoopReads`` runs them on the loop, and bounds the wait:

- on an engine of its own with **one connection**, which only the loop takes: the loop
  runs one such read at a time, so taking it never waits, and the loop never waits for
  the service's pool, whose connections may all be busy streaming exports in worker
  threads (that would hold the loop until the pool's timeout);
- each statement under a **leash** (``statement_timeout``, ``LEASH_MS``): a read that meets
  a lock (a migration's, a ``LOCK TABLE``) or a stalled server is cancelled by the server
  when the leash runs out. The caller then does the read again in a worker thread on the
  service's own pool, without a leash, exactly as every other read is done
  (``KeptReads.json_on_loop``). So the loop is held at most about the leash per statement
  of a read, and a read that is slow for good is still answered. The connection is made
  on the loop too, when first needed or after it was lost: a few milliseconds from a
  server that answers, at most ``CONNECT_TIMEOUT_SECONDS`` (libpq's least) from one whose
  host does not.

Any database error on the loop's connection (the leash, a connection lost or refused) is
``LoopReadFailed``; the read is repeated in a worker thread, where an error that stands is
answered as every read's is. On SQLite (``make run``) there is no server to wait on but a
file lock (its transactions begin ``IMMEDIATE``, so a read waits for a load's write), and
no leash to put on it: reads stay in worker threads there (``LoopReads.of`` gives None).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from shared.db import drop_dead_connections

T = TypeVar("T")

log = logging.getLogger(__name__)

#: How long one statement read on the loop may take before the server cancels it. The
#: follow-up sections' statements take 0.1–2 ms on the seeded data and with a million
#: unrelated results stored; anything near this is a lock or a stalled server.
LEASH_MS = 200


#: How long making the loop's connection may take (libpq takes nothing under 2 s).
CONNECT_TIMEOUT_SECONDS = 2
#: What the loop's connection calls itself to the server (``pg_stat_activity``).
APPLICATION_NAME = "followup loop reads"


class LoopReadFailed(Exception):
    """A read on the loop's connection did not complete (its leash ran out, the
    connection failed or was busy): do it again in a worker thread."""


class LoopReads:
    """Reads of one service run on the event loop, on its own one-connection engine."""

    @classmethod
    def of(cls, engine: Engine, leash_ms: int = LEASH_MS) -> LoopReads | None:
        """Reads on ``engine``'s database; None for SQLite (see the module's docstring)."""
        return cls(engine, leash_ms) if engine.dialect.name == "postgresql" else None

    def __init__(self, engine: Engine, leash_ms: int = LEASH_MS) -> None:
        options = engine.get_execution_options()
        self._engine = sa.create_engine(
            engine.url,
            pool_size=1,
            max_overflow=0,
            # Never wait for the connection: on one loop a read ends before the next
            # starts, so a busy connection means a read from elsewhere (a bug); the read
            # goes to a worker thread rather than hold the loop.
            pool_timeout=0,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                # Told apart from the pool's in ``pg_stat_activity``.
                "application_name": APPLICATION_NAME,
                "options": f"-c statement_timeout={int(leash_ms)}",
            },
            # A read sees what was committed when each statement began, as the reading
            # sessions of requests do (``shared.db.reading_engine``).
            isolation_level="AUTOCOMMIT",
            execution_options=dict(options),
        )
        drop_dead_connections(self._engine)

    def run(self, read: Callable[[Session], T]) -> T:
        """``read(session)`` on the loop's connection, here, now (no thread); raises
        ``LoopReadFailed`` when the database did not answer it in time or at all. Any other
        error of ``read`` (a problem it raises) comes out as it is."""
        try:
            with Session(self._engine, expire_on_commit=False) as session:
                return read(session)
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as exc:
            # Rare by design (a lock, a stalled or restarted server): worth an operator's eye.
            log.warning("a read on the event loop did not complete, done in a thread: %s", exc)
            raise LoopReadFailed(str(exc)) from exc

    @property
    def engine(self) -> Engine:
        """The loop's own engine (one connection)."""
        return self._engine

    def close(self) -> None:
        """Close the connection (the app's lifespan ends)."""
        self._engine.dispose()
