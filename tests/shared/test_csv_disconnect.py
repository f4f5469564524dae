"""A CSV export whose client goes is cancelled on the server (``shared.csvstream``).

Over real HTTP, against the indicators service as a uvicorn process on Postgres: an export
of a few hundred thousand results is started, the client reads the first bytes and
hangs up. Within 5 s no COPY of that export may run any more (its connection rolled back
and idle in the pool), and the service still answers ``/health`` and a listing; a second
export after it runs to its end. SQLite has no COPY and no server to cancel on: skipped.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from shared.processes import LOOPBACK, Process, start
from shared.registry import app
from tests.harness import ServiceHarness
from tests.indicators.conftest import put_indicator

ROWS = 300_000
#: The statement text every export of the results begins with.
COPY_OF_RESULTS = "COPY (SELECT indicators.result.id%"


@pytest.fixture
def service(indicators: ServiceHarness, tmp_path: Path) -> Iterator[Process]:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("COPY and cancelling a query on the server are Postgres's")
    put_indicator(indicators)
    with indicators.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO indicators.result (indicator, org_unit, period, breakdown, value, "
                "numerator, denominator, status, updated_at, change_seq) "
                "SELECT 'ID9001', 'SUS', '2024', 'b' || g, 90.5, 181, 200, 'final', now(), g "
                "FROM generate_series(1, :rows) AS g"
            ),
            {"rows": ROWS},
        )
    entry = app("indicators")
    process = start(
        entry,
        env={"DATABASE_URL": indicators.url, f"{entry.env_prefix}DATABASE_URL": indicators.url},
        log_dir=tmp_path,
    )
    yield process
    process.stop()


def _running_exports(h: ServiceHarness) -> list[str]:
    """The states of the backends whose current or last statement is an export's COPY."""
    with h.engine.connect() as conn:
        return [
            str(state)
            for state in conn.execute(
                sa.text(
                    "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND query LIKE :copy"
                ),
                {"copy": COPY_OF_RESULTS},
            ).scalars()
        ]


def _start_and_hang_up(process: Process, token: str) -> bytes:
    """Ask for the CSV export over a plain socket, read until the first rows came, close."""
    with socket.create_connection((LOOPBACK, process.port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /v1/results HTTP/1.1\r\n"
                f"Host: {LOOPBACK}\r\n"
                f"Authorization: Bearer {token}\r\n"
                "Accept: text/csv\r\n\r\n"
            ).encode()
        )
        received = b""
        while received.count(b"\n") < 20:
            block = sock.recv(65536)
            assert block, "the service closed the connection"
            received += block
    return received


def _within(seconds: float, done: object) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(done) and done():
            return True
        time.sleep(0.1)
    return bool(callable(done) and done())


def test_a_csv_export_is_cancelled_when_its_client_goes(
    indicators: ServiceHarness, service: Process
) -> None:
    token = indicators.key("read")
    for _ in range(3):  # each time: cancelled, and the connection back in the pool
        received = _start_and_hang_up(service, token)
        assert b"200 OK" in received.split(b"\r\n", 1)[0]
        assert b"id,indicator,org_unit,period" in received
        assert _within(5.0, lambda: "active" not in _running_exports(indicators)), (
            f"the export's COPY still runs: {_running_exports(indicators)}"
        )
        # Its connection was rolled back and went on (no COPY left as its last statement).
        assert _within(5.0, lambda: _running_exports(indicators) == [])
        health = httpx.get(f"{service.base_url}/health", timeout=5)
        assert health.status_code == 200
        listing = httpx.get(
            f"{service.base_url}/v1/results",
            params={"limit": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert listing.status_code == 200 and len(listing.json()["items"]) == 1

    lines = 0
    with httpx.stream(
        "GET",
        f"{service.base_url}/v1/results",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/csv"},
        timeout=60,
    ) as whole:
        for block in whole.iter_bytes():
            lines += block.count(b"\n")
    assert lines == ROWS + 1  # the header and every row: a full export still runs to its end
