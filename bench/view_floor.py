"""The least a kept view can take at one client: a bench-only app that does nothing but what
every kept view must (not a benchmark itself; ``gateway_followup.py`` runs it beside the view).

A view the gateway keeps is served again only after each service has said its data has not
moved (``GET /v1/data-version``, one ask each, at once): the answer must be fresh on read.
This app, ``GET /floor``, makes exactly those three asks, over the gateway's own keep-alive
connections (``gateway.upstream.reads.ReadConnections``), and answers ``{}``. It has no key
check, no middleware, no decision look-up and no body to send: nothing a real view could do
without. Its p50 beside the sum of the three calls (each asked alone) says how far under that
sum a view that confirms its freshness per request can come on this machine; issue 13's goal
of 0.6x the sum is met by no design of that kind if this bare app does not meet it.

Served under uvicorn as the suite serves its apps (``shared.processes``' flags), one worker:

    FLOOR_UPSTREAMS=127.0.0.1:8001,127.0.0.1:8002 FLOOR_AUTHORIZATION='Bearer ...' \\
        python -m uvicorn --app-dir bench --factory view_floor:floor_app --port 9000
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx

from gateway.upstream.reads import ReadConnections
from shared.processes import LOOPBACK, free_port
from shared.serve import KEEP_ALIVE_SECONDS

#: Where the services listen (``host:port``, comma-separated) and the key to ask them with.
UPSTREAMS_ENV = "FLOOR_UPSTREAMS"
AUTHORIZATION_ENV = "FLOOR_AUTHORIZATION"
PATH = "/floor"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def floor_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The bare ASGI app: ``GET /floor`` asks every upstream's data version at once."""
    authorization = os.environ[AUTHORIZATION_ENV].encode("latin-1")
    addresses = [part.rsplit(":", 1) for part in os.environ[UPSTREAMS_ENV].split(",")]
    pools: list[ReadConnections] = []
    headers = [(b"host", LOOPBACK.encode()), (b"authorization", authorization)]

    async def ask(pool: ReadConnections) -> None:
        status, _, _ = await pool.get(b"/v1/data-version", headers, 5.0)
        if status != 200:
            raise RuntimeError(f"data version answered {status}")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if not pools:
            pools.extend(
                ReadConnections(
                    host,
                    int(port),
                    max_connections=8,
                    max_idle=8,
                    keepalive_expiry=30.0,
                    connect_timeout=2.0,
                    pool_timeout=2.0,
                )
                for host, port in addresses
            )
        status = 404
        if scope["path"] == PATH:
            await asyncio.gather(*(ask(pool) for pool in pools))
            status = 200
        body = b"{}"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def start_floor(
    upstreams: list[str], authorization: str, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """The floor app under uvicorn on a free loopback port, answering: (its process, its
    ``/floor`` URL). Stopped again if it does not answer within 30 s."""
    port = free_port()
    bench_dir = Path(__file__).resolve().parent
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(bench_dir),
        "--factory",
        "view_floor:floor_app",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-keep-alive",
        str(KEEP_ALIVE_SECONDS),
    ]
    env = {
        **os.environ,
        UPSTREAMS_ENV: ",".join(upstreams),
        AUTHORIZATION_ENV: authorization,
        "PYTHONPATH": str(bench_dir.parent),
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{LOOPBACK}:{port}{PATH}"
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.terminate()
    proc.wait(10)
    raise RuntimeError(f"{url} does not answer 200 (its output: {log})")
