"""The services keep an idle connection open longer than the gateway keeps it.

The gateway keeps idle connections to the services for ``keepalive_expiry`` seconds; the
services must not close them first (``shared.serve.KEEP_ALIVE_SECONDS``). A service is
started both ways the suite serves an app, the launcher of `make run`, the tests and the
benchmarks (``shared.processes``) and the production one (``python -m shared.serve``); on
one kept-alive connection to each, ``GET /health`` is asked, the connection left idle longer than
uvicorn's default keep-alive (5 s), then asked again on the same socket: it must answer.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import GatewaySettings
from shared.processes import LOOPBACK, Process, free_port, ready_path, start
from shared.registry import app
from shared.serve import KEEP_ALIVE_SECONDS
from shared.settings import REPO_ROOT
from tests.harness import ServiceHarness

#: How long each connection is left idle: past uvicorn's default keep-alive of 5 s.
IDLE_SECONDS = 6.5


def test_the_services_keep_idle_connections_longer_than_the_gateway() -> None:
    expiry = GatewaySettings.model_fields["keepalive_expiry"].default
    assert expiry < KEEP_ALIVE_SECONDS


@pytest.fixture
def served(indicators: ServiceHarness, tmp_path: Path) -> Iterator[list[Process]]:
    """The indicators service under the suite's launcher and under the production one (one
    worker), on the same store."""
    entry = app("indicators")
    env = {"DATABASE_URL": indicators.url, f"{entry.env_prefix}DATABASE_URL": indicators.url}
    processes = [start(entry, env=env, log_dir=tmp_path)]
    try:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        production_env = {
            **os.environ,
            **env,
            "WEB_CONCURRENCY": "1",
            "SERVE_DRAIN_SECONDS": "0",  # stopped at once when the test is done
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        }
        command = [sys.executable, "-m", "shared.serve", entry.asgi, "--host", LOOPBACK]
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [*command, "--port", str(port)],
                cwd=REPO_ROOT,
                env=production_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes.append(Process("indicators (followup-serve)", port, proc, log))
        processes[-1].wait_ready(ready_path(entry), 60)
        yield processes
    finally:
        for process in processes:
            process.stop()


def _health_status(connection: http.client.HTTPConnection) -> int | str:
    """The status of ``GET /health`` on ``connection``'s socket as it stands (kept alive:
    ``auto_open`` off, so a closed one is never opened afresh), or how it failed."""
    try:
        connection.request("GET", "/health")
        answer = connection.getresponse()
        answer.read()
        return answer.status
    except (http.client.HTTPException, ConnectionError) as failed:
        return repr(failed)


def test_an_idle_connection_stays_open_past_uvicorns_default(served: list[Process]) -> None:
    connections = [http.client.HTTPConnection(LOOPBACK, p.port, timeout=10) for p in served]
    try:
        for connection, process in zip(connections, served, strict=True):
            assert _health_status(connection) == 200, process.name
            connection.auto_open = False  # from now on, only the socket it has
        time.sleep(IDLE_SECONDS)  # both idle at once: one wait for the two
        closed = {
            process.name: status
            for connection, process in zip(connections, served, strict=True)
            if (status := _health_status(connection)) != 200
        }
        assert not closed, f"closed after {IDLE_SECONDS} s idle: {closed}"
    finally:
        for connection in connections:
            connection.close()
