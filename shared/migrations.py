"""Alembic, once for all services.

Each service's ``migrations/env.py`` is three lines calling ``run_env``. On Postgres the
service's schema is created if missing and the version table lives in it; autogenerate
only looks at that schema. On SQLite the schema is translated away (see ``shared.db``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.db import make_engine
from shared.spec import ServiceSpec

if TYPE_CHECKING:
    from alembic.config import Config


def run_env(spec: ServiceSpec) -> None:
    """Body of a service's ``env.py``; runs inside Alembic's context."""
    from alembic import context

    schema = spec.metadata.schema or spec.name
    url = context.config.attributes.get("url") or spec.settings_factory().database_url
    engine = make_engine(url, schema)
    postgres = engine.dialect.name == "postgresql"

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "schema":
            return name == schema
        return True

    with engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.commit()
        context.configure(
            connection=conn,
            target_metadata=spec.metadata,
            version_table_schema=schema if postgres else None,
            include_schemas=postgres,
            include_name=include_name,
            render_as_batch=not postgres,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def alembic_config(spec: ServiceSpec, url: str | None = None) -> Config:
    # Alembic is imported when a migration runs, not with this module: every service
    # imports ``migrations_dir`` (its spec), and alembic with mako is ~10 MiB resident.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", spec.migrations_dir)
    config.attributes["url"] = url or spec.settings_factory().database_url
    return config


def upgrade(spec: ServiceSpec, url: str | None = None, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(spec, url), revision)


def downgrade(spec: ServiceSpec, url: str | None = None, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(spec, url), revision)


def recreate(spec: ServiceSpec, url: str) -> None:
    """Drop what an earlier run left in the service's store, then migrate it to head.

    For throwaway stores only (tests, benchmarks): the schema, or the SQLite file, goes
    with everything in it.
    """
    schema = spec.metadata.schema or spec.name
    engine = make_engine(url, schema)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()
    if engine.dialect.name == "sqlite" and engine.url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    upgrade(spec, url)


def migrations_dir(service_file: str) -> str:
    return str(Path(service_file).resolve().parent / "migrations")
