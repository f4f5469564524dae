"""Test harness: one service of the registry in-process, on a store migrated for real.

With ``TEST_DATABASE_URL`` set (CI sets it to the local Postgres) every service runs
on Postgres in its own schema; without it on SQLite files in a temporary folder. Tests
that need apps as processes start them with ``shared.processes`` / ``shared.suite``.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from shared.keys import generate_key, store_key
from shared.migrations import recreate
from shared.registry import AppEntry, app
from shared.settings import AppSettings
from shared.spec import ServiceSpec
from tests.documented_statuses import DocumentedStatuses


def test_database_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def service_url(name: str, sqlite_dir: Path) -> str:
    return test_database_url() or f"sqlite:///{sqlite_dir / (name + '.db')}"


@dataclass
class ServiceHarness:
    """One service, migrated, with a TestClient and ways to make keys and clean up."""

    spec: ServiceSpec
    url: str
    engine: Engine
    app: FastAPI
    client: TestClient
    _keys: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    _unrelated_writes: int = 0

    @property
    def engines(self) -> list[Engine]:
        """The service's engine and, on Postgres, the one its follow-up section reads on
        (``shared.loop_reads``)."""
        loop_reads = self.app.state.loop_reads
        return [self.engine] if loop_reads is None else [self.engine, loop_reads.engine]

    def key(self, scope: str = "admin", *org_units: str) -> str:
        """A token with ``scope``, bound to ``org_units`` if any."""
        cache_key = (scope, tuple(sorted(org_units)))
        if cache_key not in self._keys:
            new = generate_key()
            with self.engine.begin() as conn:
                store_key(conn, self.spec.infrastructure, new, f"test {scope}", [scope], org_units)
            self._keys[cache_key] = new.token
        return self._keys[cache_key]

    def auth(self, scope: str = "admin", *org_units: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key(scope, *org_units)}"}

    def unrelated_write(self) -> None:
        """A write no answer of the tests reads (a period lock of PAN's 2019): the
        service's data version moves on, so every answer it keeps is computed afresh."""
        self._unrelated_writes += 1
        r = self.client.put(
            f"/v1/locks/unrelated-{self._unrelated_writes}",
            json={"org_units": ["PAN"], "period": "2019"},
            headers=self.auth("admin"),
        )
        assert r.status_code in (200, 201), r.text

    def clean(self) -> None:
        """Empty every table of the service (keys included) and reset the change counter."""
        self._keys.clear()
        tables = [t for t in self.spec.metadata.sorted_tables if t.name != "change_counter"]
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.schema}"."{t.name}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in reversed(tables):
                    conn.execute(sa.delete(table))
            counter = self.spec.infrastructure.change_counter
            conn.execute(sa.update(counter).values(last_seq=0))
        self.app.state.key_verifier._cache.clear()
        # The counter went back: answers kept by version would pass for the new data.
        self.app.state.read_cache = None

    def seed(self) -> int:
        assert self.spec.seed is not None
        return self.spec.load_seed(self.engine)


def build_app(entry: AppEntry, settings: AppSettings | None = None) -> FastAPI:
    """A fresh app of ``entry`` from the factory beside its ASGI target (``build_app``)."""
    module = importlib.import_module(entry.asgi.partition(":")[0])
    built: FastAPI = module.build_app(settings)
    return built


@cache
def settings_class(entry: AppEntry) -> type[AppSettings]:
    """The settings class ``entry`` reads its environment with."""
    settings: AppSettings = build_app(entry).state.settings
    return type(settings)


def build_service(name: str, sqlite_dir: Path) -> ServiceHarness:
    entry = app(name)
    spec = entry.load_spec()
    url = service_url(name, sqlite_dir)
    recreate(spec, url)
    settings = spec.settings_factory().model_copy(update={"database_url": url})
    service = build_app(entry, settings)
    engine: Engine = service.state.engine
    return ServiceHarness(spec, url, engine, service, TestClient(DocumentedStatuses(service)))
