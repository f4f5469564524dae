"""A running suite for the client's tests: the real services and a gateway under uvicorn, on
stores of their own, and the installed ``followup`` console script run against it.

Stores: with ``TEST_DATABASE_URL`` (Postgres) a database of their own on that server,
``<that database>_client`` (made if missing), so the per-service fixtures resetting the
schemas of the ``TEST_DATABASE_URL`` database, and the gateway's processes on
``<database>_gateway``, never clash with these; without it, SQLite files in a temporary
folder. Started once per run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from followup.client import Client
from shared.db import database_on_server, normalise_url
from shared.registry import app, service_names, store_names
from shared.suite import KeyGrant, Stack, new_stack, prepare_stores
from tests.harness import test_database_url

#: The console script ``pip install`` made beside this interpreter.
FOLLOWUP = Path(sys.executable).parent / "followup"
CLIENT_DATABASE_SUFFIX = "_client"
#: The header of a results file in the API form.
HEADER_ROW = "indicator,org_unit,period,breakdown,value,numerator,denominator,status"
KEYS = {
    "admin": KeyGrant("admin"),
    "read": KeyGrant("read"),
    "write_sus": KeyGrant("write", ("SUS",)),
    "read_sus": KeyGrant("read", ("SUS",)),
}


def store_url(sqlite_dir: Path, name: str) -> str:
    base = test_database_url()
    if not base:
        return f"sqlite:///{sqlite_dir / (name + '.db')}"
    database = make_url(normalise_url(base)).database or "test"
    return database_on_server(base, database + CLIENT_DATABASE_SUFFIX)


@dataclass
class Suite:
    """The running suite, its keys and a way to run the command against it."""

    stack: Stack
    urls: dict[str, str]

    @property
    def url(self) -> str:
        return self.stack.gateways[0].base_url

    def token(self, key: str = "admin") -> str:
        return self.stack.tokens[key]

    def client(self, key: str = "admin") -> Client:
        return Client(self.url, self.token(key))

    def store_env(self) -> dict[str, str]:
        """What ``shared.cli`` (``followup keys``) needs to find each store (the services'
        and the gateway's)."""
        env = {f"{app(name).env_prefix}DATABASE_URL": url for name, url in self.urls.items()}
        env["DATABASE_URL"] = self.urls[service_names()[0]]
        return env

    def env(self, key: str | None = "admin") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
        env["FOLLOWUP_URL"] = self.url
        if key is not None:
            env["FOLLOWUP_KEY"] = self.token(key)
        return env

    def run(
        self,
        *args: str | Path,
        key: str | None = "admin",
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """``followup ARGS`` as a user runs it: the installed console script, a process."""
        assert FOLLOWUP.exists(), f"{FOLLOWUP} is missing: run pip install -e '.[dev]'"
        return subprocess.run(
            [str(FOLLOWUP), *(str(a) for a in args)],
            capture_output=True,
            text=True,
            env={**self.env(key), **(env or {})},
            cwd=cwd,
            timeout=600,
            check=False,
        )


@pytest.fixture(scope="package")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    sqlite_dir = tmp_path_factory.mktemp("client-stores")
    urls = {name: store_url(sqlite_dir, name) for name in store_names()}
    stores = prepare_stores(urls, KEYS)
    stack = new_stack(stores, tmp_path_factory.mktemp("client-logs"))
    try:
        yield Suite(stack, urls)
    finally:
        stack.stop()


@pytest.fixture
def admin(suite: Suite) -> Iterator[Client]:
    with suite.client("admin") as client:
        yield client
