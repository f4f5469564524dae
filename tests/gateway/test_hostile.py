"""One client must not take a service away from everyone: answers to bad requests (and
what a caller's own request causes) never count toward a circuit breaker."""

from __future__ import annotations

import httpx
import pytest

from shared.suite import Stack
from tests.gateway.stack import metric

pytestmark = pytest.mark.slow

JSON = {"Content-Type": "application/json"}


def test_many_bad_requests_leave_every_service_in_the_view(stack: Stack) -> None:
    # A breaker that two counted failures would open.
    gateway = stack.start_gateway(breaker_failures="2")
    nested = b"[" * 5000 + b"]" * 5000
    row = b'{"org_unit":"HSN","line":"x","month":"2024-01","revenue":1,"cost":1},'
    large = b"[" + row * 150_000 + b"{}]"
    write = {**stack.auth("write_sus"), **JSON}
    try:
        with httpx.Client(base_url=gateway.base_url, timeout=60) as client:
            for _ in range(4):
                answers = [
                    client.post("/v1/outcomes", content=nested, headers=JSON),
                    client.post("/v1/outcomes", content=nested, headers=write),
                    client.post("/v1/outcomes", content=large, headers=JSON),
                    client.post("/v1/outcomes", content=b"{not json", headers=write),
                    client.post("/v1/outcomes", json=[{"org_unit": "HSN"}], headers=write),
                    client.get("/v1/grants/..%2F..%2Fv1%2Faudit", headers=stack.auth("admin")),
                    client.get("/v1/summary", params={"org_unit": "NOPE", "year": 2024}),
                    client.get("/v1/outcomes", params={"limit": 0}, headers=stack.auth()),
                    client.get("/v1/summary", params={"org_unit": "HSN", "year": "x"}),
                    client.delete("/v1/summary", headers=stack.auth()),
                    client.get("/v1/grants/HSN/2024", headers={"Authorization": "Bearer fu_x_y"}),
                    client.get("/v1/indicators/NOPE0000", headers=stack.auth()),
                ]
                statuses = [a.status_code for a in answers]
                assert all(400 <= s < 500 for s in statuses), statuses
            view = client.get(
                "/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()
            ).json()
            assert view["sources"] == {"indicators": "ok", "assignments": "ok", "budget": "ok"}
            assert view["economy"]["outcome_result"] == 85_300_000
            for upstream in ("indicators", "assignments", "budget"):
                assert metric(client, "gateway_breaker_state", upstream=upstream) == 0
                opened = metric(
                    client, "gateway_breaker_transitions_total", upstream=upstream, state="open"
                )
                assert opened == 0, upstream
    finally:
        gateway.stop()
        stack.gateways.remove(gateway)
