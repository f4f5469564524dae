"""The stores and keys the gateway's tests run the suite on (``shared.suite`` starts it).

Stores: with ``TEST_DATABASE_URL`` (Postgres) the services use a database of their own,
``<that database>_gateway`` on the same server (made if missing), so the per-service
fixtures of ``tests/<service>/``, which reset the same schemas in the ``TEST_DATABASE_URL``
database, cannot clash with these processes, nor runs against other test databases with
each other. Without it, SQLite files in a temporary folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from shared.db import database_on_server, make_engine, normalise_url
from shared.keys import parse_token
from shared.registry import app, store_names
from shared.store import utcnow
from shared.suite import KeyGrant, Stack, Stores
from shared.suite import prepare_stores as prepare_suite_stores
from tests.harness import test_database_url

GATEWAY_DATABASE_SUFFIX = "_gateway"
#: The test keys: every store knows them, but for the one named for the indicators only.
KEYS = {
    "admin": KeyGrant("admin"),
    "read": KeyGrant("read"),
    "write_sus": KeyGrant("write", ("SUS",)),
    "read_sus": KeyGrant("read", ("SUS",)),
    "read_hsn": KeyGrant("read", ("HSN",)),
    # Revoked by the kept views' tests (``test_kept_views.py``): nobody else uses it.
    "read_revoked": KeyGrant("read"),
    # Revoked by the kept overview's tests (``test_kept_overview.py``): nobody else uses it.
    "read_revoked_overview": KeyGrant("read"),
    # Known to the indicators service only: the others answer 401.
    "indicators_only": KeyGrant("read", services=("indicators",)),
}


def gateway_database_url(sqlite_dir: Path, name: str) -> str:
    base = test_database_url()
    if not base:
        return f"sqlite:///{sqlite_dir / (name + '.db')}"
    database = make_url(normalise_url(base)).database or "test"
    return database_on_server(base, database + GATEWAY_DATABASE_SUFFIX)


def prepare_stores(sqlite_dir: Path) -> Stores:
    """Every store (the services' and the gateway's own) migrated afresh and seeded, with
    the test keys written."""
    urls = {name: gateway_database_url(sqlite_dir, name) for name in store_names()}
    return prepare_suite_stores(urls, KEYS)


def metric(client: httpx.Client, name: str, **labels: str) -> float:
    """A sample of the app's /metrics (0 when absent)."""
    text = client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def revoke(stack: Stack, key: str) -> None:
    """Revoke a test key in every service's store, as ``keys revoke`` does."""
    parsed = parse_token(stack.tokens[key])
    assert parsed is not None
    for name in stack.services:
        spec = app(name).load_spec()
        engine = make_engine(stack.urls[name], spec.metadata.schema or spec.name)
        table = spec.infrastructure.api_key
        with engine.begin() as conn:
            conn.execute(
                sa.update(table).where(table.c.id == parsed[0]).values(revoked_at=utcnow())
            )
        engine.dispose()


def beside_one_another(
    writer: Callable[[], None], reader: Callable[[], None], readers: int = 3, timeout: float = 300
) -> None:
    """``writer`` in one thread and ``reader`` in ``readers`` more, all at once, until each
    has ended (or ``timeout`` seconds)."""
    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def readers_beside_a_writer(
    base_url: str,
    write: Callable[[int], None],
    writes: int,
    ask: Callable[[httpx.Client], httpx.Response],
    shown: Callable[[httpx.Response], float | None],
    timeout: float = 300,
) -> tuple[list[tuple[int, float | None]], list[str]]:
    """``write(1)``, ``write(2)``, … ``write(writes)`` in one thread while readers ``ask``
    the gateway at ``base_url`` in more (``beside_one_another``), each answer checked to
    show (``shown``) at least the last write that had returned before it was asked.

    Returns the answers that showed less (the write returned before, what was shown) and
    the errors (a write's failed assertion, an answer other than 200)."""
    committed = [0]
    stale: list[tuple[int, float | None]] = []
    errors: list[str] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for n in range(1, writes + 1):
                write(n)
                committed[0] = n
        except AssertionError as exc:
            errors.append(str(exc))
        finally:
            done.set()

    def reader() -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            while not done.is_set():
                before = committed[0]
                answer = ask(client)
                if answer.status_code != 200:
                    errors.append(answer.text)
                    return
                value = shown(answer)
                if value is None or value < before:
                    stale.append((before, value))

    beside_one_another(writer, reader, timeout=timeout)
    return stale, errors
