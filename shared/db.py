"""Database engines: one per service, Postgres schema or SQLite file.

On Postgres every service's tables live in the schema named after it. On SQLite the
service's tables live in a file of its own, and ``schema_translate_map`` maps the schema
away so that models, migrations and queries are written once for both stores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlmodel import Session, create_engine

from shared.observability import DB_POOL_IN_USE, DB_POOL_WAITING


class MeasuredQueuePool(QueuePool):
    """SQLAlchemy's queue pool, counting the callers waiting for a connection
    (``followup_db_pool_waiting``): a pool too small for the load shows there first."""

    #: The label the pool's metrics carry (the service's name).
    metrics_label = "-"

    def _do_get(self) -> ConnectionPoolEntry:
        waiting = DB_POOL_WAITING.labels(self.metrics_label)
        waiting.inc()
        try:
            return super()._do_get()
        finally:
            waiting.dec()


# SQLAlchemy keeps its own loggers at WARNING; its pool logs under the class's own name,
# which for this subclass is outside the ``sqlalchemy`` tree: held to the same level.
logging.getLogger(f"{__name__}.{MeasuredQueuePool.__name__}").setLevel(logging.WARNING)


def measure_pool(engine: Engine, label: str) -> None:
    """Count the engine's connections in use (``followup_db_pool_in_use``)."""
    in_use = DB_POOL_IN_USE.labels(label)
    if isinstance(engine.pool, MeasuredQueuePool):
        engine.pool.metrics_label = label

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
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )
    measure_pool(engine, schema)
    return engine


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
