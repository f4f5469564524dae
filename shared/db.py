"""Database engines: one per service, Postgres schema or SQLite file.

On Postgres every service's tables live in the schema named after it. On SQLite the
service's tables live in a file of its own, and ``schema_translate_map`` maps the schema
away so that models, migrations and queries are written once for both stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine


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

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )


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
