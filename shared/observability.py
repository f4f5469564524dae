"""Request ids, structured JSON logs and Prometheus metrics, as pure ASGI middleware.

Metrics are defined once here and labelled by app, route template, method and status,
so ``/v1/indicators/ID0069`` and ``/v1/indicators/ID0285`` count as one route. Beside the
requests: the rows of every bulk load (a route with a ``mode`` of ``LoadMode``) loaded and
rejected, loads in flight, key checks refused, the database pool in use and waited for,
and, read when scraped, each change feed's head.

Served by several worker processes (``shared.serve``), every process writes its values to
files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up (``metrics_body``); the
gauges say how (``livesum``: in use now, summed over the live workers).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.bulk import LoadMode

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
LOAD_ROWS = Counter(
    "followup_load_rows_total",
    "Rows of bulk loads by load route: loaded (inserted, updated or unchanged) or rejected. "
    "Dry runs are not counted.",
    ["app", "route", "outcome"],
    registry=REGISTRY,
)
LOADS_IN_FLIGHT = Gauge(
    "followup_loads_in_flight",
    "Bulk loads whose body is being read or written now, by load route.",
    ["app", "route"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
KEY_CHECKS_REFUSED = Counter(
    "followup_key_checks_refused_total",
    "Bearer credentials refused before a /v1 request was served, by credential "
    "(api_key, jwt, none) and status (401 not valid, 503 key store or identity provider away).",
    ["app", "credential", "status"],
    registry=REGISTRY,
)
DB_POOL_IN_USE = Gauge(
    "followup_db_pool_in_use",
    "Database connections checked out of the pool now.",
    ["app"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
DB_POOL_WAITING = Gauge(
    "followup_db_pool_waiting",
    "Requests waiting for a pooled database connection now.",
    ["app"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)

#: A load answer (or its 422) larger than this is not read for its row counts.
LOAD_ANSWER_LIMIT = 16 * 1024 * 1024


def multiprocess_dir() -> str | None:
    """Where the worker processes keep their metric values; none with one process."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def metrics_body(collectors: Iterable[Collector] = ()) -> bytes:
    """The text ``/metrics`` answers: this process's metrics (every worker's, added up, when
    several serve the app) and ``collectors`` read now (the change feeds' heads)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        parts = [generate_latest(registry)]
    else:
        parts = [generate_latest(REGISTRY)]
    for collector in collectors:
        own = CollectorRegistry(auto_describe=True)
        own.register(collector)
        parts.append(generate_latest(own))
    return b"".join(parts)


def load_counts(body: bytes) -> tuple[int, int] | None:
    """(loaded, rejected) rows of a load's answer, or ``None`` for a dry run or an answer
    that is no load report: a report (``inserted``, ``updated``, ``unchanged``, ``rejected``)
    or the 422 of an atomic load naming its rejected rows."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or answer.get("dry_run"):
        return None
    rejected = answer.get("rejected")
    count = answer.get("rejected_rows", len(rejected) if isinstance(rejected, list) else 0)
    if "inserted" in answer:
        loaded = sum(int(answer.get(k) or 0) for k in ("inserted", "updated", "unchanged"))
        return loaded, int(count)
    if isinstance(rejected, list):
        return 0, int(count)
    return None


def is_load_route(route: object) -> bool:
    """A bulk load: a route taking ``mode`` (``LoadMode``: atomic or partial) in its query."""
    dependant = getattr(route, "dependant", None)
    params = getattr(dependant, "query_params", None) or []
    return any(p.name == "mode" and p.field_info.annotation is LoadMode for p in params)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id (and trace)."""

    # The time of the last second formatted: an access line per request formats the same
    # second many times over.
    _second: int = -1
    _second_text: str = ""

    def _timestamp(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:
            self._second_text = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
            self._second = second
        return self._second_text

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self._timestamp(record),
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


#: The response header a service names its matched route template in, so that a gateway
#: passing requests on labels them by it (instead of its own catch-all route); the gateway
#: does not pass it on to its callers.
ROUTE_HEADER = "x-followup-route"
#: Where a proxy leaves the template its upstream named, for this middleware to label by.
ROUTE_SCOPE_KEY = "followup.route"


#: The access line: method, path, status, milliseconds.
_ACCESS = "%s %s %s %.1fms"


def _route_template(scope: Scope) -> str:
    named = scope.get(ROUTE_SCOPE_KEY)
    if isinstance(named, str):
        return named
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
        # The counter and histogram of each (route, method, status) seen, looked up once:
        # ``labels`` takes a lock and builds a key on every call. Routes are templates,
        # so the entries are bounded by the app's routes.
        self._counted: dict[tuple[str, str, str], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    def _count(self, route: str, method: str, status: int, elapsed: float) -> None:
        key = (route, method, str(status))
        counter = self._counted.get(key)
        if counter is None:
            counter = self._counted[key] = REQUESTS.labels(self.app_name, *key)
        counter.inc()
        timer = self._timed.get(key[:2])
        if timer is None:
            timer = self._timed[key[:2]] = LATENCY.labels(self.app_name, route, method)
        timer.observe(elapsed)

    def _access_line(self, method: str, path: str, status: int, elapsed: float) -> None:
        """Logs the request, as ``log.info`` would but without looking up the calling
        source line (a walk up the stack), a third of what ``log.info`` costs."""
        log = self.log
        if log.isEnabledFor(logging.INFO):
            args = (method, path, status, elapsed * 1000)
            log.handle(log.makeRecord(log.name, logging.INFO, "", 0, _ACCESS, args, None))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = incoming[:128] if incoming and incoming.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(rid)
        status = 500
        start = time.perf_counter()
        meter = _LoadMeter(self.app_name, scope)

        async def receive_wrapper() -> Message:
            meter.started()
            return await receive()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                route = getattr(scope.get("route"), "path", None)
                if isinstance(route, str) and ROUTE_SCOPE_KEY not in scope:
                    headers.append((ROUTE_HEADER.encode(), route.encode("latin-1")))
                message["headers"] = headers
            meter.answer(message)
            await send(message)

        try:
            await self.app(scope, receive_wrapper, send_wrapper)
        finally:
            meter.finished()
            elapsed = time.perf_counter() - start
            route = _route_template(scope)
            method = scope["method"]
            self._count(route, method, status, elapsed)
            self._access_line(method, scope["path"], status, elapsed)
            request_id_var.reset(token)


class _LoadMeter:
    """The load metrics of one request: in flight from the first read of its body until
    it is answered; rows loaded and rejected read from its answer. Requests that are no
    load cost one look at the matched route."""

    def __init__(self, app_name: str, scope: Scope) -> None:
        self.app_name = app_name
        self.scope = scope
        self.route: str | None = None
        self.decided = False
        self.in_flight = False
        self.body: list[bytes] | None = None
        self.size = 0

    def _load_route(self) -> str | None:
        if not self.decided and "route" in self.scope:
            self.decided = True
            if self.scope.get("method") in ("POST", "PUT") and is_load_route(self.scope["route"]):
                self.route = _route_template(self.scope)
        return self.route

    def started(self) -> None:
        if not self.in_flight and self._load_route() is not None:
            self.in_flight = True
            LOADS_IN_FLIGHT.labels(self.app_name, self.route).inc()

    def answer(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if self._load_route() is None:
                return
            headers = dict(message.get("headers", []))
            media = headers.get(b"content-type", b"").split(b";")[0].strip()
            if media in (b"application/json", b"application/problem+json"):
                self.body = []
        elif message["type"] == "http.response.body" and self.body is not None:
            chunk: bytes = message.get("body", b"")
            self.size += len(chunk)
            if self.size > LOAD_ANSWER_LIMIT:
                self.body = None
                return
            self.body.append(chunk)
            if not message.get("more_body", False):
                counts = load_counts(b"".join(self.body))
                self.body = None
                if counts is not None and self.route is not None:
                    loaded, rejected = counts
                    LOAD_ROWS.labels(self.app_name, self.route, "loaded").inc(loaded)
                    LOAD_ROWS.labels(self.app_name, self.route, "rejected").inc(rejected)

    def finished(self) -> None:
        if self.in_flight and self.route is not None:
            LOADS_IN_FLIGHT.labels(self.app_name, self.route).dec()
            self.in_flight = False
