"""A suite of its own for the follow-up cycle's tests: they decide reports (locking the
services' data) and kill services, so they do not share the gateway tests' stack.

With ``TEST_DATABASE_URL`` (Postgres) the stores live in ``<that database>_cycle`` on the
same server; without it, SQLite files in a temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from shared.db import database_on_server, normalise_url
from shared.registry import store_names
from shared.suite import KeyGrant, Stack, new_stack, prepare_stores
from tests.harness import test_database_url

KEYS = {
    "admin": KeyGrant("admin"),
    "read": KeyGrant("read"),
    "read_sus": KeyGrant("read", ("SUS",)),
    "admin_hsn": KeyGrant("admin", ("HSN",)),
    "write_region": KeyGrant("write", ("REGION",)),
}


def _url(sqlite_dir: Path, name: str) -> str:
    base = test_database_url()
    if not base:
        return f"sqlite:///{sqlite_dir / (name + '.db')}"
    database = make_url(normalise_url(base)).database or "test"
    return database_on_server(base, database + "_cycle")


@pytest.fixture(scope="package")
def cycle_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("cycle-stores")
    stores = prepare_stores({name: _url(folder, name) for name in store_names()}, KEYS)
    running = new_stack(stores, tmp_path_factory.mktemp("cycle-logs"))
    yield running
    running.stop()


@pytest.fixture(scope="package")
def cgw(cycle_stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client of the cycle suite's gateway."""
    with httpx.Client(base_url=cycle_stack.gateways[0].base_url, timeout=60) as client:
        yield client
