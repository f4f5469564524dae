"""The least a view can take at one client: a bench-only app that does nothing but the calls
a view must make (not a benchmark itself; ``gateway_followup.py`` runs it beside the view).

A view the gateway keeps is served again only after each service has said its data has not
moved (``GET /v1/data-version``, one ask each, at once): the answer must be fresh on read.
This app, ``GET /floor``, makes exactly those three asks, over the gateway's own keep-alive
connections (``gateway.upstream.reads.ReadConnections``), and answers ``{}``. It has no key
check, no middleware, no decision look-up and no body to send: nothing a real view could do
without. Its p50 beside the sum of the three calls (each asked alone) says how far under that
sum a view that confirms its freshness per request can come on this machine; issue 13's goal
of 0.6x the sum is met by no design of that kind if this bare app does not meet it.

``GET /floor/sections?org_unit=..&period=..`` makes the calls of a view made afresh: each
service's ``/v1/follow-up-section`` of that org unit and period, at once (for a committee
whose view makes no other call: not REGION, not RS), and answers ``{}`` without reading
the answers: the least a view made afresh can take, beside the same sum.

Served as the suite serves its apps, by its one launcher (``shared.processes.start``: the
same uvicorn flags, one worker, ready when ``/health`` answers), with ``bench/`` on the path:

    PYTHONPATH=.:bench FLOOR_UPSTREAMS=127.0.0.1:8001,127.0.0.1:8002 \\
        FLOOR_AUTHORIZATION='Bearer ...' python -m uvicorn view_floor:app --port 9000
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from gateway.upstream.reads import ReadConnections
from shared.processes import LOOPBACK, Process, start
from shared.registry import AppEntry

#: Where the services listen (``host:port``, comma-separated) and the key to ask them with.
UPSTREAMS_ENV = "FLOOR_UPSTREAMS"
AUTHORIZATION_ENV = "FLOOR_AUTHORIZATION"
PATH = "/floor"
#: The floor of a view made afresh: the section calls, the query passed on as it came.
SECTIONS_PATH = "/floor/sections"
#: The floor as the launcher knows an app: it stands where the gateway stands (ready when
#: ``/health`` answers), and owns no store.
ENTRY = AppEntry(name="floor", kind="gateway", asgi="view_floor:app", port=0, env_prefix="FLOOR_")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def floor_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The bare ASGI app: ``GET /floor`` asks every upstream's data version at once,
    ``GET /health`` answers at once. The upstreams are read from the environment on the
    first ``/floor``, so the module imports without them."""
    pools: list[ReadConnections] = []
    headers: list[tuple[bytes, bytes]] = []

    def connect() -> None:
        authorization = os.environ[AUTHORIZATION_ENV].encode("latin-1")
        headers.extend([(b"host", LOOPBACK.encode()), (b"authorization", authorization)])
        for part in os.environ[UPSTREAMS_ENV].split(","):
            host, port = part.rsplit(":", 1)
            pools.append(
                ReadConnections(
                    host,
                    int(port),
                    max_connections=8,
                    max_idle=8,
                    keepalive_expiry=30.0,
                    connect_timeout=2.0,
                    pool_timeout=2.0,
                )
            )

    async def ask(pool: ReadConnections, target: bytes) -> None:
        status, _, _ = await pool.get(target, headers, 5.0)
        if status != 200:
            raise RuntimeError(f"{target.decode()} answered {status}")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        status = 404
        targets = {
            PATH: b"/v1/data-version",
            SECTIONS_PATH: b"/v1/follow-up-section?" + scope["query_string"],
        }
        if (target := targets.get(scope["path"])) is not None:
            if not pools:
                connect()
            await asyncio.gather(*(ask(pool, target) for pool in pools))
            status = 200
        elif scope["path"] == "/health":
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


app = floor_app()


def start_floor(upstreams: list[str], authorization: str, log_dir: Path) -> tuple[Process, str]:
    """The floor app served and answering: (its process, stopped with ``stop()``, and its
    ``/floor`` URL; ``SECTIONS_PATH`` on the same base)."""
    bench_dir = Path(__file__).resolve().parent
    env = {
        UPSTREAMS_ENV: ",".join(upstreams),
        AUTHORIZATION_ENV: authorization,
        "PYTHONPATH": os.pathsep.join([str(bench_dir.parent), str(bench_dir)]),
    }
    process = start(ENTRY, env=env, log_dir=log_dir)
    return process, process.base_url + PATH
