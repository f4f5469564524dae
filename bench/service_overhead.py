"""Benchmark: what the suite's request handling costs on a single-row read (issue #13).

    .venv/bin/python bench/service_overhead.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_a [--duration 5] [--rounds 3]

Recreates the indicators schema in the given database (a throwaway store), seeds it and
starts, each as one uvicorn process served as the suite serves its apps (``shared.processes``):

- **ours**: the indicators service, ``GET /v1/indicators/ID0291`` with an admin key (and
  ``GET /health``, no key and no database, as the floor of what any request costs);
- **bare sync**: a bare FastAPI app with one sync route, ``GET /bare/{code}``, selecting
  the same row of the same table with SQLAlchemy Core on a plain engine and answering it
  as JSON: what FastAPI + SQLAlchemy cost without the suite's infrastructure;
- **async**: the same row read with ``psycopg.AsyncConnection`` (a small pool of
  autocommit connections, no SQLAlchemy) from an ``async def`` route: what the async form
  would give.

Then ``wrk -t1`` pinned to core 1 (``taskset -c 1``) runs against each in turn at 1 and 10
connections, ``--rounds`` times alternating, so that each ratio compares runs made side
by side. Printed per run: req/s, CPU ms per request of the server process (user + system
from ``/proc/<pid>/stat`` over the run ÷ requests) and the load average; at the end the
median of each figure and of the ratios ours / bare sync (goal ≥ 0.8) and ours / async.

Needs ``wrk`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from wrk import run_wrk

#: The environment variable the bare apps read their database URL from.
URL_ENV = "BENCH_OVERHEAD_DATABASE_URL"
CODE = "ID0291"
_BENCH_DIR = Path(__file__).resolve().parent
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------- the baselines


def bare_sync_app() -> Any:
    """The bare sync baseline: FastAPI, a ``def`` route, SQLAlchemy Core, a plain engine."""
    import sqlalchemy as sa
    from fastapi import FastAPI, HTTPException

    from services.indicators.models import indicator_table
    from shared.db import normalise_url

    engine = sa.create_engine(normalise_url(os.environ[URL_ENV]), pool_size=10)
    app = FastAPI()

    @app.get("/bare/{code}")
    def bare(code: str) -> dict[str, Any]:
        i = indicator_table
        with engine.connect() as conn:
            row = conn.execute(sa.select(i).where(i.c.code == code)).mappings().first()
        if row is None:
            raise HTTPException(404)
        return dict(row)

    return app


def async_app() -> Any:
    """The async baseline: an ``async def`` route on ``psycopg.AsyncConnection``s."""
    import psycopg
    from fastapi import FastAPI, HTTPException
    from psycopg.rows import dict_row

    url = os.environ[URL_ENV]
    pool: asyncio.Queue[psycopg.AsyncConnection[dict[str, Any]]] = asyncio.Queue()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for _ in range(10):
            conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
            pool.put_nowait(conn)
        yield
        while not pool.empty():
            await pool.get_nowait().close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/async/{code}")
    async def read(code: str) -> dict[str, Any]:
        conn = await pool.get()
        try:
            cur = await conn.execute(
                "SELECT * FROM indicators.indicator WHERE code = %s", (code,), prepare=True
            )
            row = await cur.fetchone()
        finally:
            pool.put_nowait(conn)
        if row is None:
            raise HTTPException(404)
        return row

    return app


# ----------------------------------------------------------------------- measuring


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    url: str


@dataclass
class Run:
    rps: float
    cpu_ms: float  # server CPU per request
    errors: int
    load: str


def start_bare(factory: str, url: str, port: int, log_dir: Path) -> Server:
    """One of the baselines above under uvicorn, started as ``shared.processes`` starts an app."""
    from shared.processes import LOOPBACK

    log = (log_dir / f"{factory}.log").open("ab")
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(_BENCH_DIR),
        "--factory",
        f"service_overhead:{factory}",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--no-access-log",
    ]
    env = {**os.environ, URL_ENV: url, "PYTHONPATH": str(_BENCH_DIR.parent)}
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(factory, proc, f"http://{LOOPBACK}:{port}")


def wait_answering(url: str, headers: dict[str, str]) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} does not answer 200")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def wrk(url: str, token: str, connections: int, duration: int, pid: int) -> Run:
    r = run_wrk(
        url,
        {"Authorization": f"Bearer {token}"},
        connections=connections,
        duration=duration,
        pids=[pid],
    )
    return Run(r.rps, r.cpu_ms[pid], r.errors, load_average())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a throwaway Postgres database")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", default="1,10", help="comma-separated")
    args = parser.parse_args()

    sys.path.insert(0, str(_BENCH_DIR))
    from indicators_data import seeded_store, start_service

    from shared.processes import free_port

    store = seeded_store(args.database_url)
    auth = {"Authorization": f"Bearer {store.token}"}
    log_dir = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    service = start_service(store.url)
    bare = start_bare("bare_sync_app", store.url, free_port(), log_dir)
    fast = start_bare("async_app", store.url, free_port(), log_dir)
    targets = {
        "health": (service.base_url + "/health", service.proc.pid),
        "ours": (f"{service.base_url}/v1/indicators/{CODE}", service.proc.pid),
        "bare sync": (f"{bare.url}/bare/{CODE}", bare.proc.pid),
        "async": (f"{fast.url}/async/{CODE}", fast.proc.pid),
    }
    try:
        for url, _pid in targets.values():
            wait_answering(url, auth)
        ours = httpx.get(targets["ours"][0], headers=auth).json()
        baseline = httpx.get(targets["bare sync"][0]).json()
        assert ours["code"] == baseline["code"] == CODE, (ours, baseline)
        for url, pid in targets.values():  # warm each server (imports, caches, pools)
            wrk(url, store.token, 10, 1, pid)
        connections = [int(c) for c in args.connections.split(",")]
        runs: dict[tuple[int, str], list[Run]] = {}
        print(f"GET /v1/indicators/{CODE}; wrk -t1 on core 1, {args.duration} s per run")
        print(f"{'round':>5} {'conns':>5} {'target':<10} {'req/s':>8} {'CPU ms/req':>10}  load")
        for r in range(1, args.rounds + 1):
            for n in connections:
                for name, (url, pid) in targets.items():
                    run = wrk(url, store.token, n, args.duration, pid)
                    runs.setdefault((n, name), []).append(run)
                    errors = f"  errors {run.errors}" if run.errors else ""
                    print(
                        f"{r:>5} {n:>5} {name:<10} {run.rps:>8.0f} {run.cpu_ms:>10.2f}  "
                        f"{run.load}{errors}",
                        flush=True,
                    )
        print("\nmedian of the rounds; ratios are taken per round (side by side), then the median")
        for n in connections:
            line = [f"c={n}:"]
            for name in targets:
                rs = runs[(n, name)]
                rps = statistics.median(x.rps for x in rs)
                cpu = statistics.median(x.cpu_ms for x in rs)
                line.append(f"{name} {rps:.0f} req/s {cpu:.2f} ms")
            print("  " + " | ".join(line))
            for other in ("bare sync", "async"):
                ratios = [
                    o.rps / b.rps for o, b in zip(runs[(n, "ours")], runs[(n, other)], strict=True)
                ]
                print(
                    f"    ours / {other}: {statistics.median(ratios):.2f}x "
                    f"(rounds {', '.join(f'{x:.2f}' for x in ratios)})"
                )
        print(f"load average at the end: {load_average()}")
    finally:
        for server in (bare, fast):
            server.proc.terminate()
            server.proc.wait(10)
        service.stop()


if __name__ == "__main__":
    main()
