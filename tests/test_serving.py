"""Production serving: the launcher the image runs (``shared.serve``) drains before it stops.

A service is started under the real launcher with two worker processes. A load is sent
slowly (its body held back by the test), then the launcher gets SIGTERM as Kubernetes
sends it: ``/ready`` must turn 503 while the load is still in flight, the listening socket
must close, and the load must still be answered in full, its rows written; the launcher
then exits cleanly. The metrics of both workers are added up meanwhile.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from shared import serve
from shared.db import database_on_server, make_engine, normalise_url
from shared.keys import generate_key, store_key
from shared.migrations import recreate
from shared.processes import Process, free_port, ready_path
from shared.registry import app
from shared.settings import REPO_ROOT
from tests import harness
from tests.indicators.conftest import INDICATOR

#: Org units of the region (shared/reference/org_units.yaml) the loads write for.
UNITS = ("SUS", "LANDSKRONA", "TRELLEBORG", "HELSINGBORG", "KRISTIANSTAD", "YSTAD")


def store_url(tmp_path: Path) -> str:
    base = harness.test_database_url()
    if not base:
        return f"sqlite:///{tmp_path / 'indicators.db'}"
    database = make_url(normalise_url(base)).database or "test"
    return database_on_server(base, database + "_serve")


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[tuple[Process, str]]:
    """The indicators service under ``python -m shared.serve``, two workers; its admin key."""
    entry = app("indicators")
    spec = entry.load_spec()
    url = store_url(tmp_path)
    recreate(spec, url)
    key = generate_key()
    engine = make_engine(url, spec.metadata.schema or spec.name)
    with engine.begin() as conn:
        store_key(conn, spec.infrastructure, key, "serving test", ["admin"], [])
    engine.dispose()
    port = free_port()
    env = {
        "DATABASE_URL": url,
        f"{entry.env_prefix}DATABASE_URL": url,
        "WEB_CONCURRENCY": "2",
        # Long enough to be seen on a busy machine; the test does not measure it.
        "SERVE_DRAIN_SECONDS": "5",
        "SERVE_GRACEFUL_SECONDS": "60",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "shared.serve", entry.asgi, "--host", "127.0.0.1"]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=REPO_ROOT,
            env={**_base_env(), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    process = Process(entry.name, port, proc, log)
    try:
        process.wait_ready(ready_path(entry), 60)
        yield process, key.token
    finally:
        process.stop()


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}


def metric(base_url: str, name: str, **labels: str) -> float:
    text = httpx.get(base_url + "/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def until(
    check: Callable[[], bool], what: str, tries: int = 300, log: Process | None = None
) -> None:
    """Ask ``check`` until it says yes (bounded: a stuck state fails, never hangs)."""
    for _ in range(tries):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"never: {what}\n{log.log_tail() if log else ''}")


def test_sigterm_turns_ready_false_and_the_load_in_flight_completes(
    launched: tuple[Process, str],
) -> None:
    process, token = launched
    base = process.base_url
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.put(base + "/v1/indicators/ID9001", json=INDICATOR, headers=auth).status_code in (
        200,
        201,
    )

    first_sent = threading.Event()
    release = threading.Event()

    def body() -> Iterator[bytes]:
        yield b"indicator,org_unit,period,value\n"
        yield b"ID9001,SUS,2024-01,90\n"
        first_sent.set()
        release.wait(60)
        for month in range(2, 13):
            for unit in UNITS:
                yield f"ID9001,{unit},2024-{month:02d},{50 + month}\n".encode()

    answer: dict[str, httpx.Response] = {}

    def send() -> None:
        answer["load"] = httpx.post(
            base + "/v1/results",
            content=body(),
            headers={**auth, "Content-Type": "text/csv"},
            timeout=90,
        )

    loader = threading.Thread(target=send)
    loader.start()
    assert first_sent.wait(30)
    until(
        lambda: metric(base, "followup_loads_in_flight", route="/v1/results") == 1,
        "in flight",
        log=process,
    )

    def draining() -> bool:
        ready = httpx.get(base + "/ready", timeout=5)
        return ready.status_code == 503 and ready.json() == {"status": "draining"}

    process.proc.send_signal(signal.SIGTERM)
    until(draining, "/ready 503", log=process)

    def refused() -> bool:
        try:
            httpx.get(base + "/health", timeout=2)
        # A connection the kernel took into the listener's backlog just before it closed
        # is reset (ReadError), not refused: the socket closed all the same.
        except (httpx.ConnectError, httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError):
            return True
        return False

    # The listening socket closes: the app is stopping, with the load still in flight.
    until(refused, "the socket closed", tries=600, log=process)
    assert loader.is_alive()
    release.set()
    loader.join(90)

    reply = answer["load"]
    assert reply.status_code == 200, reply.text
    counts = reply.json()
    assert (counts["inserted"], counts["rejected"]) == (1 + 11 * len(UNITS), [])
    assert process.proc.wait(60) == 0, process.log_tail()
    assert "Traceback" not in process.log_tail(20_000), process.log_tail(20_000)


def test_the_launcher_runs_one_worker_per_cpu_unless_told() -> None:
    assert serve.worker_count() >= 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEB_CONCURRENCY", "3")
        assert serve.worker_count() == 3
        patch.setenv("WEB_CONCURRENCY", "0")
        with pytest.raises(SystemExit):
            serve.worker_count()


def test_the_workers_metrics_are_added_up(launched: tuple[Process, str]) -> None:
    """Two workers, one ``/metrics``: every load is counted whichever worker served it."""
    process, token = launched
    auth = {"Authorization": f"Bearer {token}"}
    base = process.base_url
    httpx.put(base + "/v1/indicators/ID9001", json=INDICATOR, headers=auth)
    for n, unit in enumerate(UNITS):
        loaded = httpx.post(
            base + "/v1/results",
            content=f"indicator,org_unit,period,value\nID9001,{unit},2024,{80 + n}\n".encode(),
            headers={**auth, "Content-Type": "text/csv"},
        )
        assert loaded.status_code == 200, loaded.text
    loaded_rows = metric(base, "followup_load_rows_total", route="/v1/results", outcome="loaded")
    assert loaded_rows == len(UNITS)
    process.proc.send_signal(signal.SIGTERM)
    assert process.proc.wait(60) == 0
