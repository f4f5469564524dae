"""What the tests of a client hanging up on a CSV export share: asking for the export over
a plain socket and closing it after the first rows, what Postgres says of the export's
COPY, and how many export queries a service counted as cancelled."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from shared.processes import LOOPBACK, Process

#: The statement text every export of the results begins with.
COPY_OF_RESULTS = "COPY (SELECT indicators.result.id%"


def running_exports(engine: sa.Engine) -> list[str]:
    """The states of the backends whose current or last statement is an export's COPY."""
    with engine.connect() as conn:
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


def start_and_hang_up(process: Process, token: str) -> bytes:
    """Ask ``process`` for the CSV export of the results over a plain socket, read until
    the first rows came, close."""
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
            assert block, f"{process.name} closed the connection"
            received += block
    return received


def cancelled_exports(service: Process) -> float:
    """The export queries ``service`` cancelled because their client left."""
    text = httpx.get(f"{service.base_url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "followup_export_queries_cancelled_total":
                return float(sample.value)
    return 0.0


def cancelled_reaches(service: Process, count: float) -> Callable[[], bool]:
    """A check that ``service`` has cancelled ``count`` export queries so far."""
    return lambda: cancelled_exports(service) == count


def within(seconds: float, done: Callable[[], bool]) -> bool:
    """Whether ``done()`` comes true within ``seconds`` (asked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.1)
    return done()
