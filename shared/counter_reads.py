"""Where a change counter stands: read in a session's transaction (``counter_version``,
what every kept answer of a service reads first), or on the event loop (``CounterReader``);
and the connection the latter reads on, ``LoopConnection``, for the few other look-ups as
frequent. Both run one statement text (``counter_sql``).

Every kept follow-up view asks it of every service (``GET /v1/data-version``) and of the
cycle's store, which makes it the suite's most frequent query by far. Through a worker
thread and a pooled SQLAlchemy connection it cost about 435 microseconds of CPU a read;
on one psycopg connection of its own, on the event loop, about 165
(``bench/counter_read.py`` measures both side by side). So on Postgres the reader keeps
that connection: autocommit, so each read sees what was committed when it began; one read
on it at a time (a lock: psycopg would serialise them anyway, the lock makes the order
ours and lets a cancelled read leave the connection to the next one cleanly).

The connection is the reader's alone, outside the engine's pool (its metrics do not
count it). A read that fails on it (the server closed it while idle, restarted) is read
once more on a new connection, as a read is safe to repeat; a read cancelled or failed
half-way leaves the connection closed, never half-used. Errors come out as SQLAlchemy's
``OperationalError``, as every other query's do, so callers handle the store being away
in one way. On SQLite (``make run``) there is no server to keep a connection to: the read
runs on the engine in a worker thread, as the other queries do.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

#: What a lost or refused connection raises (``InterfaceError``: it was closed already).
_CONNECTION_FAILED = (psycopg.OperationalError, psycopg.InterfaceError)

#: How long connecting may take, as for the engine's own connections (``shared.db``).
CONNECT_TIMEOUT_SECONDS = 5


def counter_version(session: Session | sa.Connection, counter: sa.Table) -> int:
    """Where a change counter (``change_counter``) stands now, as ``session`` (or the
    connection) reads it: in its transaction, if it has one.

    On a bare DB-API cursor of the session's connection: every kept answer reads it
    before anything else, and SQLAlchemy's execution of the same select cost about four
    times the CPU of the bare cursor (440 against 115 microseconds a read, measured on
    Postgres with both in one process).
    """
    connection = session.connection() if isinstance(session, Session) else session
    sql = counter_sql(connection, counter)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        raise RuntimeError(f"no change counter row in {sql!r}")
    return int(row[0])


def counter_sql(bind: Engine | sa.Connection, counter: sa.Table) -> str:
    """The statement reading where ``counter`` stands (its row ``id = 1``), as text for a
    bare DB-API cursor: the table named as ``bind`` names it (its schema translation,
    SQLite's included). The one text both ``counter_version`` and
    ``CounterReader`` run."""
    translate = bind.get_execution_options().get("schema_translate_map") or {}
    return _select_last_seq(
        bind.dialect, translate.get(counter.schema, counter.schema), counter.name
    )


@functools.cache
def _select_last_seq(dialect: sa.Dialect, schema: str | None, name: str) -> str:
    preparer = dialect.identifier_preparer
    table = preparer.quote(name)
    if schema is not None:
        table = f"{preparer.quote_schema(schema)}.{table}"
    # Identifiers quoted by the dialect, from the code's own table: no input reaches it.
    return f"SELECT last_seq FROM {table} WHERE id = 1"  # noqa: S608


class CounterReader:
    """Reads where ``counter`` (a ``change_counter`` table, row ``id = 1``) stands, on
    ``connection`` (by default a ``LoopConnection`` of its own on Postgres)."""

    def __init__(
        self, engine: Engine, counter: sa.Table, connection: LoopConnection | None = None
    ) -> None:
        self._engine = engine
        self._counter = counter
        self._sql = counter_sql(engine, counter)
        self._on_loop = connection or LoopConnection.of(engine)

    async def read(self) -> int:
        """Where the counter stands now, read after this call began."""
        if self._on_loop is None:
            return await run_in_threadpool(self._read_in_thread)
        return self._value(await self._on_loop.fetchone(self._sql))

    def close(self) -> None:
        """Close the reader's own connection (the app's lifespan ends)."""
        if self._on_loop is not None:
            self._on_loop.close()

    def _read_in_thread(self) -> int:
        # ``counter_version`` reads on a bare DB-API cursor: SQLAlchemy's execution would
        # begin a transaction, which on SQLite takes the write lock (``shared.db``: its
        # transactions begin IMMEDIATE).
        with self._engine.connect() as conn:
            return counter_version(conn, self._counter)

    def _value(self, row: Any) -> int:
        if row is None:
            raise RuntimeError(f"no change counter row in {self._sql!r}")
        return int(row[0])


class LoopConnection:
    """One autocommit psycopg connection used from the event loop, one query at a time."""

    @classmethod
    def of(cls, engine: Engine) -> LoopConnection | None:
        """One to ``engine``'s database; ``None`` for SQLite (no server to keep it to)."""
        return cls(engine) if engine.dialect.name == "postgresql" else None

    def __init__(self, engine: Engine) -> None:
        _, params = engine.dialect.create_connect_args(engine.url)
        self._params: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **params}
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()

    async def fetchone(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first row of ``sql`` (psycopg's ``%(name)s`` parameters), read after this
        call began; SQLAlchemy's ``OperationalError`` when the database cannot answer."""
        self._bind_to_running_loop()
        async with self._lock:
            fresh = self._conn is None
            try:
                return await self._fetchone(sql, params)
            except _CONNECTION_FAILED as exc:
                if fresh:
                    raise _as_sqlalchemy(sql, exc) from exc
            # The kept connection failed (closed by the server while idle, say): once more,
            # on a new one.
            try:
                return await self._fetchone(sql, params)
            except _CONNECTION_FAILED as exc:
                raise _as_sqlalchemy(sql, exc) from exc

    async def _fetchone(self, sql: str, params: Mapping[str, Any] | None) -> Any:
        try:
            if self._conn is None:
                self._conn = await psycopg.AsyncConnection.connect(autocommit=True, **self._params)
            cursor = await self._conn.execute(sql, params, prepare=True)
            return await cursor.fetchone()
        except BaseException:
            # Failed or cancelled half-way: nothing may read from this connection again.
            self._drop()
            raise

    def _bind_to_running_loop(self) -> None:
        """A connection (and its lock) serves the loop it was made on. An app served on
        another loop later (a test client's, say) starts afresh there."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._drop()
            self._loop = loop
            self._lock = asyncio.Lock()

    def close(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            # Closed at once, without the loop: libpq's own close sends no query.
            self._conn.pgconn.finish()
            self._conn = None


def _as_sqlalchemy(sql: str, exc: psycopg.Error) -> OperationalError:
    return OperationalError(sql, None, exc)
