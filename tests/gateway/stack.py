"""Three services and a gateway under uvicorn on loopback ports, on migrated, seeded stores:
what the gateway's tests (``conftest.py``) and its benchmark (``bench/gateway_followup.py``) run.

Stores: with ``TEST_DATABASE_URL`` (Postgres) the services use a database of their own,
``test_gateway`` on the same server (made if missing), so the per-service fixtures of
``tests/<service>/``, which reset the same schemas in the ``TEST_DATABASE_URL`` database,
cannot clash with these processes. Without it, SQLite files in a temporary folder.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from shared.cli import load_spec
from shared.db import make_engine, normalise_url
from shared.keys import NewKey, generate_key, store_key
from tests.harness import SERVICE_NAMES, Process, reset_store, start_app, test_database_url

GATEWAY_DATABASE = "test_gateway"
#: Which stores each test key is written to, with what scope and org units.
KEYS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "admin": ("admin", (), SERVICE_NAMES),
    "read": ("read", (), SERVICE_NAMES),
    "write_sus": ("write", ("SUS",), SERVICE_NAMES),
    # Known to the indicators service only: the others answer 401.
    "indicators_only": ("read", (), ("indicators",)),
}


def database_on_server(base: str, database: str) -> str:
    """``base`` pointed at ``database`` on the same Postgres server, made if missing."""
    url = sa.engine.make_url(normalise_url(base))
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def gateway_database_url(sqlite_dir: Path, name: str) -> str:
    base = test_database_url()
    if not base:
        return f"sqlite:///{sqlite_dir / (name + '.db')}"
    return database_on_server(base, GATEWAY_DATABASE)


def prepare_stores(
    sqlite_dir: Path, database_url: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Migrate and seed each service's store; write the test keys. → (urls, tokens)."""
    urls: dict[str, str] = {}
    new_keys: dict[str, NewKey] = {kind: generate_key() for kind in KEYS}
    for name in SERVICE_NAMES:
        spec = load_spec(name)
        url = database_url or gateway_database_url(sqlite_dir, name)
        reset_store(url, spec)
        engine = make_engine(url, spec.metadata.schema or spec.name)
        assert spec.seed is not None
        with Session(engine) as session:
            spec.seed(session, spec)
        with engine.begin() as conn:
            for kind, (scope, units, stores) in KEYS.items():
                if name in stores:
                    store_key(
                        conn, spec.infrastructure, new_keys[kind], f"gw {kind}", [scope], units
                    )
        engine.dispose()
        urls[name] = url
    return urls, {kind: key.token for kind, key in new_keys.items()}


def service_env(name: str, url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, f"{name.upper()}_DATABASE_URL": url}


@dataclass
class Stack:
    """Running services and a gateway in front of them."""

    log_dir: Path
    urls: dict[str, str]
    tokens: dict[str, str]
    services: dict[str, Process] = field(default_factory=dict)
    gateways: list[Process] = field(default_factory=list)

    def start_service(self, name: str, port: int | None = None) -> Process:
        process = start_app(
            name, f"services.{name}.main", service_env(name, self.urls[name]), self.log_dir, port
        )
        self.services[name] = process
        return process

    def start_gateway(self, **overrides: str) -> Process:
        env = {
            f"GATEWAY_{name.upper()}_URL": self.services[name].base_url for name in SERVICE_NAMES
        }
        env.update({f"GATEWAY_{k.upper()}": v for k, v in overrides.items()})
        process = start_app("gateway", "gateway.main", env, self.log_dir)
        self.gateways.append(process)
        return process

    def auth(self, kind: str = "read") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[kind]}"}

    def restart(self, name: str) -> None:
        old = self.services[name]
        old.stop()
        self.start_service(name, old.port)

    @contextmanager
    def killed(self, *names: str) -> Iterator[None]:
        """The services stopped (connections refused) for the block; started again after."""
        try:
            for name in names:
                self.services[name].stop()
            yield
        finally:
            for name in names:
                self.restart(name)

    @contextmanager
    def hung(self, name: str) -> Iterator[None]:
        """The service frozen with SIGSTOP (it accepts connections, never answers)."""
        pid = self.services[name].proc.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        for process in [*self.gateways, *self.services.values()]:
            process.stop()


def new_stack(
    stores: tuple[dict[str, str], dict[str, str]], log_dir: Path, **gateway_env: str
) -> Stack:
    urls, tokens = stores
    stack = Stack(log_dir, urls, tokens)
    try:
        for name in SERVICE_NAMES:
            stack.start_service(name)
        stack.start_gateway(**gateway_env)
    except BaseException:
        stack.stop()
        raise
    return stack


def metric(client: httpx.Client, name: str, **labels: str) -> float:
    """A sample of the app's /metrics (0 when absent)."""
    text = client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0
