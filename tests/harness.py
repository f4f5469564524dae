"""Test harness: real migrations on real stores, one service at a time or all as processes.

With ``TEST_DATABASE_URL`` set (CI sets it to the local Postgres) every service runs
on Postgres in its own schema; without it on SQLite files in a temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from shared.cli import load_spec
from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.migrations import upgrade
from shared.spec import ServiceSpec

REPO = Path(__file__).resolve().parent.parent
SERVICE_NAMES = ("indicators", "assignments", "budget")


def test_database_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def service_url(name: str, sqlite_dir: Path) -> str:
    return test_database_url() or f"sqlite:///{sqlite_dir / (name + '.db')}"


def reset_store(url: str, spec: ServiceSpec) -> None:
    """Drop what an earlier run left, then run the real migrations."""
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


@dataclass
class ServiceHarness:
    """One service, migrated, with a TestClient and ways to make keys and clean up."""

    spec: ServiceSpec
    url: str
    engine: Engine
    app: FastAPI
    client: TestClient
    _keys: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

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

    def seed(self) -> int:
        assert self.spec.seed is not None
        with Session(self.engine) as session:
            return self.spec.seed(session, self.spec)


def build_service(name: str, sqlite_dir: Path) -> ServiceHarness:
    spec = load_spec(name)
    url = service_url(name, sqlite_dir)
    reset_store(url, spec)
    settings = spec.settings_factory().model_copy(update={"database_url": url})
    main = __import__(f"services.{name}.main", fromlist=["build_app"])
    app: FastAPI = main.build_app(settings)
    engine: Engine = app.state.engine
    client = TestClient(app)
    return ServiceHarness(spec, url, engine, app, client)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Process:
    """An app served by uvicorn on loopback, as in production."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_app(
    name: str, module: str, env: dict[str, str], log_dir: Path, port: int | None = None
) -> Process:
    port = port or free_port()
    log = log_dir / f"{name}-{port}.log"
    with log.open("ab") as log_file:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{module}:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    process = Process(name, port, proc, log)
    wait_until_ready(process)
    return process


def wait_until_ready(process: Process, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError(f"{process.name} exited:\n{process.log.read_text()[-3000:]}")
        try:
            ready = "/ready" if process.name != "gateway" else "/health"
            if httpx.get(process.base_url + ready, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} not ready:\n{process.log.read_text()[-3000:]}")


def iter_lines(text: str) -> Iterator[str]:
    yield from (line for line in text.splitlines() if line)
