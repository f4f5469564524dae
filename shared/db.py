"""Database engines: one per service, Postgres schema or SQLite file.

On Postgres every service's tables live in the schema named after it. On SQLite the
service's tables live in a file of its own, and ``schema_translate_map`` maps the schema
away so that models, migrations and queries are written once for both stores.
"""

from __future__ import annotations

import logging
import select
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.observability import DB_POOL_IN_USE, DB_POOL_WAITING


class MeasuredQueuePool(QueuePool):
    """SQLAlchemy's queue pool, counting the callers waiting for a connection
    (``followup_db_pool_waiting``): a pool too small for the load shows there first."""

    #: The label the pool's metrics carry (the service's name).
    metrics_label = "-"
    #: The gauge of that label, looked up once (``labels`` takes a lock and a dict lookup).
    waiting_gauge: Any = None

    def _do_get(self) -> ConnectionPoolEntry:
        waiting = self.waiting_gauge
        if waiting is None:
            waiting = self.waiting_gauge = DB_POOL_WAITING.labels(self.metrics_label)
        waiting.inc()
        try:
            return super()._do_get()
        finally:
            waiting.dec()


log = logging.getLogger(__name__)

# SQLAlchemy keeps its own loggers at WARNING; its pool logs under the class's own name,
# which for this subclass is outside the ``sqlalchemy`` tree: held to the same level.
logging.getLogger(f"{__name__}.{MeasuredQueuePool.__name__}").setLevel(logging.WARNING)


def measure_pool(engine: Engine, label: str) -> None:
    """Count the engine's connections in use (``followup_db_pool_in_use``)."""
    in_use = DB_POOL_IN_USE.labels(label)
    if isinstance(engine.pool, MeasuredQueuePool):
        engine.pool.metrics_label = label
        engine.pool.waiting_gauge = DB_POOL_WAITING.labels(label)

    @event.listens_for(engine, "checkout")
    def _out(*_args: Any) -> None:
        in_use.inc()

    @event.listens_for(engine, "checkin")
    def _in(*_args: Any) -> None:
        in_use.dec()


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs (as libpq writes them) and use psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def database_on_server(base: str, database: str) -> str:
    """``base`` (a Postgres URL) pointed at ``database`` on the same server, made if missing."""
    url = make_url(normalise_url(base))
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, schema: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            execution_options={"schema_translate_map": {schema: None}},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            # WAL lets readers go on while a load writes; foreign keys are off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
            # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that a
            # write transaction takes the lock up front (BEGIN IMMEDIATE).
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        measure_pool(engine, schema)
        return engine
    engine = create_engine(
        url,
        poolclass=MeasuredQueuePool,
        # Not ``pool_pre_ping``: a round trip on every checkout, the costliest part of a
        # single-row read after the query itself. ``drop_dead_connections`` finds what
        # the ping found without asking the server.
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )
    drop_dead_connections(engine)
    measure_pool(engine, schema)
    return engine


#: A pooled connection idle for longer than this is pinged before it is handed out: a
#: peer that vanished without closing (a dropped route, a firewall's idle timeout) leaves
#: nothing to read on the socket, and such drops come after minutes of silence, not ms.
PING_AFTER_IDLE_SECONDS = 30.0
_CHECKED_IN_AT = "followup.checked_in_at"


def _socket_says_closed(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection's server has gone: the connection is marked
    broken, or its socket has something to read. An idle connection is owed nothing, so
    anything there is the server's goodbye (a restart's ``terminating connection`` and
    end of file, a cut connection's end of file), or a rare unsolicited message, where a
    new connection costs only a connect."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # psycopg raises when the connection has no socket any more
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def drop_dead_connections(engine: Engine) -> None:
    """Hand out no pooled connection whose server has gone (a Postgres restart, a cut
    network), as ``pool_pre_ping`` did, without a round trip per checkout.

    On checkout a connection whose socket says the server closed it is replaced by a new
    one (SQLAlchemy reconnects once more; when the database is down that fails, and the
    request is a 503 as before); one idle longer than ``PING_AFTER_IDLE_SECONDS`` is
    pinged first. A connection that dies while in use raises a disconnect error, which
    makes SQLAlchemy drop every connection of the pool older than it.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    # Inserted first, so that a connection refused here is never counted as checked out.
    @event.listens_for(engine, "checkout", insert=True)
    def _alive(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        if _socket_says_closed(dbapi_connection):
            raise DisconnectionError("the server closed the connection while it was idle")
        idle_since = record.info.get(_CHECKED_IN_AT)
        if idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS:
            try:
                dialect.do_ping(dbapi_connection)
            except dialect.loaded_dbapi.Error as gone:
                raise DisconnectionError(f"the idle connection does not answer: {gone}") from gone


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except OperationalError:
        return False
    return True


def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for one request; the service layer commits, this only closes."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def reading_engine(engine: Engine) -> Engine:
    """The engine the sessions of reading requests (``GET``, ``HEAD``) use.

    On Postgres each statement of such a session commits on its own (``AUTOCOMMIT``): a
    read then costs one round trip instead of three (``BEGIN``, the query, ``ROLLBACK``),
    and the session is closed without I/O. What the reads see does not change: under
    ``READ COMMITTED``, Postgres's level and the suite's, each statement sees the state
    committed when it starts, in a transaction or not. Reads that must agree with each
    other ask for their own ``REPEATABLE READ`` transaction (``shared.paging.one_snapshot``),
    which overrides this per connection. No reading request writes: every write commits
    in a ``PUT``/``POST``/``PATCH``/``DELETE`` handler's service code.

    On SQLite (``make run``) the engine itself: its transactions begin ``IMMEDIATE``.
    """
    if is_sqlite(engine):
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _closes_without_io(session: Session) -> bool:
    """Whether closing ``session`` needs no round trip: it holds no connection, or only
    Postgres connections outside any transaction (a reading session after its reads)."""
    transaction = session.get_transaction()
    if transaction is None:
        return True
    try:
        held = {id(entry[0]): entry[0] for entry in transaction._connections.values()}
        for connection in held.values():
            driver = connection.connection.dbapi_connection
            if not isinstance(driver, psycopg.Connection):
                return False
            if driver.info.transaction_status is not psycopg.pq.TransactionStatus.IDLE:
                return False
    except AttributeError:  # SQLAlchemy's internals moved: close in a thread, as is safe
        return False
    return True


async def close_session(session: Session) -> None:
    """Close ``session`` on the event loop when that does no I/O (``_closes_without_io``),
    else (a rollback ends its transaction) in a worker thread, shielded from cancellation
    so that its connection always goes back to the pool."""
    if _closes_without_io(session):
        session.close()
        return
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(session.close)


#: Where ``ClosesSessions`` keeps the sessions opened for a request (``open_session``).
SESSIONS_KEY = "followup.sessions"
#: Where it leaves ``end_sessions`` for the error handlers.
END_SESSIONS_KEY = "followup.end_sessions"


def open_session(scope: Scope, engine: Engine) -> Session:
    """A session for the request of ``scope``, closed by ``ClosesSessions`` once the request
    is answered. Made on the event loop: a session does no I/O until its first statement.

    For a plain ``async def`` dependency: FastAPI runs a dependency with ``yield`` through
    an exit stack and a cancel scope of its own, which costs more than the session does.
    """
    sessions: list[Session] | None = scope.get(SESSIONS_KEY)
    if sessions is None:
        raise RuntimeError("open_session needs the ClosesSessions middleware around the app")
    session = Session(engine, expire_on_commit=False)
    sessions.append(session)
    return session


async def end_sessions(scope: Scope) -> None:
    """Close the sessions the request of ``scope`` opened so far (``ClosesSessions``
    closes any opened later)."""
    sessions: list[Session] = scope.get(SESSIONS_KEY) or []
    while sessions:
        try:
            await close_session(sessions.pop())
        except Exception:  # the pool has dropped the connection; the answer stands
            log.exception("could not close a request's database session")


class ClosesSessions:
    """Closes the sessions a request opened (``open_session``) once it is answered: after
    the last byte of its answer is sent (a streamed answer reads to its end), as a FastAPI
    dependency with ``yield`` closes after the response. A request that failed has its
    sessions closed by the error handlers before they answer (``shared.errors``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sessions: list[Session] = []
        scope[SESSIONS_KEY] = sessions
        # For the error handlers (``shared.errors``), which end a failed request's
        # transaction before they answer, as a dependency with ``yield`` did.
        scope[END_SESSIONS_KEY] = end_sessions
        try:
            await self.app(scope, receive, send)
        finally:
            await end_sessions(scope)
