"""Readiness during shutdown: once the process is told to stop, ``/ready`` answers 503.

Kubernetes sends SIGTERM and, at the same time, starts taking the pod out of its Service's
endpoints; until every node has heard, requests still arrive. So the launcher
(``shared.serve``) does not stop at once: it marks the app draining — ``/ready`` turns 503
here in every worker process, which takes the pod out of rotation wherever the endpoint
update is slow — keeps serving for ``SERVE_DRAIN_SECONDS``, and only then stops accepting
connections and waits for the requests in flight to finish.

The mark is a file the launcher names in ``FOLLOWUP_DRAIN_MARKER`` (the workers are
separate processes); an app started otherwise (tests, ``make run``) never drains.
"""

from __future__ import annotations

import json
import os

from starlette.types import ASGIApp, Receive, Scope, Send

#: The environment variable naming the file whose existence means "draining".
DRAIN_MARKER_ENV = "FOLLOWUP_DRAIN_MARKER"

READY_PATH = "/ready"


def draining() -> bool:
    marker = os.environ.get(DRAIN_MARKER_ENV)
    return marker is not None and os.path.exists(marker)


class ReadinessGate:
    """Answers ``/ready`` with 503 while the process drains; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") == READY_PATH and draining():
            body = json.dumps({"status": "draining"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
