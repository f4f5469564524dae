"""The gateway's own metrics, on the process registry that ``/metrics`` serves."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from gateway.upstream.breaker import BreakerState
from shared.observability import REGISTRY

UPSTREAM_CALLS = Counter(
    "gateway_upstream_requests_total",
    "Calls the gateway made to an upstream service, by outcome "
    "(ok, client_error, server_error, connect_error, timeout, transport_error, breaker_open).",
    ["upstream", "outcome"],
    registry=REGISTRY,
)
UPSTREAM_LATENCY = Histogram(
    "gateway_upstream_request_duration_seconds",
    "Latency of upstream calls until their headers arrived, by outcome.",
    ["upstream", "outcome"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
UPSTREAM_FAILURES = Counter(
    "gateway_upstream_failures_total",
    "Upstream calls that failed (the upstream counted as unavailable for that call), by reason.",
    ["upstream", "reason"],
    registry=REGISTRY,
)
UPSTREAM_RETRIES = Counter(
    "gateway_upstream_retries_total",
    "GETs retried once after a connect error.",
    ["upstream"],
    registry=REGISTRY,
)
BREAKER_STATE = Gauge(
    "gateway_breaker_state",
    "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
    ["upstream"],
    registry=REGISTRY,
    # Each worker process has its own breaker: the worst of the live ones is reported.
    multiprocess_mode="livemax",
)
BREAKER_TRANSITIONS = Counter(
    "gateway_breaker_transitions_total",
    "Circuit breaker state changes per upstream, by the state entered.",
    ["upstream", "state"],
    registry=REGISTRY,
)


def breaker_changed(upstream: str, state: BreakerState) -> None:
    BREAKER_STATE.labels(upstream).set(state.gauge_value)
    BREAKER_TRANSITIONS.labels(upstream, state.value).inc()
