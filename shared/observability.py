"""Request ids, structured JSON logs and Prometheus metrics, as pure ASGI middleware.

Metrics are defined once here and labelled by app, route template, method and status,
so ``/v1/indicators/ID0069`` and ``/v1/indicators/ID0285`` count as one route.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

#: One registry for the process; each app's own counters register here too.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests handled, by route template.",
    ["app", "route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency, by route template.",
    ["app", "route", "method"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's access log repeats what the metrics and our own line say.
    logging.getLogger("uvicorn.access").disabled = True


def _route_template(scope: Scope) -> str:
    # The router records the matched route in the scope; its path is the template.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class ObservabilityMiddleware:
    """Accepts or makes ``X-Request-ID``, returns it, logs the request, counts it."""

    def __init__(self, app: ASGIApp, app_name: str) -> None:
        self.app = app
        self.app_name = app_name
        self.log = logging.getLogger(f"{app_name}.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming[:128] if incoming and incoming.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(rid)
        status = 500
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = _route_template(scope)
            method = scope["method"]
            REQUESTS.labels(self.app_name, route, method, str(status)).inc()
            LATENCY.labels(self.app_name, route, method).observe(elapsed)
            self.log.info("%s %s %s %.1fms", method, scope["path"], status, elapsed * 1000)
            request_id_var.reset(token)
