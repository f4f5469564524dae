"""The gateway's own operations: health, readiness, metrics, OpenAPI, org units."""

from __future__ import annotations

import httpx
import pytest

from shared.reference import org_units
from shared.suite import Stack

pytestmark = pytest.mark.slow


def test_health_and_ready_answer_without_a_key(gw: httpx.Client) -> None:
    assert gw.get("/health").json() == {"status": "ok"}
    ready = gw.get("/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert body["upstreams"] == {
        name: {"state": "ready", "breaker": "closed", "detail": None}
        for name in ("indicators", "assignments", "budget")
    }
    assert body["store"] == {"state": "ready", "detail": None}


def test_ready_says_when_the_cycle_store_does_not_answer(stack: Stack) -> None:
    # A gateway whose own store is out of reach (nothing listens on port 1) still serves:
    # it stays ready for the views and the proxy, and says the store is unavailable.
    gateway = stack.start_gateway(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    try:
        ready = httpx.get(f"{gateway.base_url}/ready", timeout=30)
        assert ready.status_code == 200
        assert ready.json()["store"]["state"] == "unavailable"
        assert ready.json()["upstreams"]["budget"]["state"] == "ready"
    finally:
        gateway.stop()
        stack.gateways.remove(gateway)


def test_org_units_are_listed_from_the_reference_data(gw: httpx.Client) -> None:
    answer = gw.get("/v1/org-units")  # open: public reference codes
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["code"] for i in items] == list(org_units())
    hsn = next(i for i in items if i["code"] == "HSN")
    assert hsn == {"code": "HSN", "name": "Hälso- och sjukvårdsnämnden", "kind": "committee"}
    assert next(i for i in items if i["code"] == "SUS")["kind"] == "hospital_board"


def test_metrics_count_upstream_calls_by_service_and_outcome(
    gw: httpx.Client, stack: Stack
) -> None:
    gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth())
    text = gw.get("/metrics").text
    for name in ("indicators", "assignments", "budget"):
        assert f'gateway_upstream_requests_total{{outcome="ok",upstream="{name}"}}' in text
        assert (
            f'gateway_upstream_request_duration_seconds_bucket{{le="0.1",outcome="ok",upstream="{name}"}}'
            in text
        )
        assert f'gateway_breaker_state{{upstream="{name}"}} 0.0' in text
    assert (
        'http_requests_total{app="gateway",method="GET",route="/v1/follow-up/{org_unit}",status="200"}'
        in text
    )


def test_responses_carry_request_id_and_security_headers(gw: httpx.Client) -> None:
    answer = gw.get("/v1/org-units", headers={"X-Request-ID": "abc-123"})
    assert answer.headers["x-request-id"] == "abc-123"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_openapi_documents_own_routes_and_the_services_merged(gw: httpx.Client) -> None:
    document = gw.get("/openapi.json").json()
    paths = document["paths"]
    for own in (
        "/v1/follow-up/{org_unit}",
        "/v1/follow-up",
        "/v1/org-units",
        "/v1/audit/{service}",
        "/ready",
    ):
        assert own in paths, own
    assert "proxied" in document["info"]["description"].lower()
    # Each service's own operations, merged at first request, with their schemas renamed.
    assert "/v1/evaluations" in paths
    assert "/v1/assignments/{assignment_id}" in paths
    assert "/v1/summary" in paths
    assert "indicators" in paths["/v1/evaluations"]["get"]["tags"]
    schemas = document["components"]["schemas"]
    assert any(name.startswith("budget__") for name in schemas)
    text = str(document)
    refs = {part.split("'")[0] for part in text.split("#/components/schemas/")[1:]}
    assert refs <= set(schemas), refs - set(schemas)


def test_docs_page_is_served(gw: httpx.Client) -> None:
    assert gw.get("/docs").status_code == 200
