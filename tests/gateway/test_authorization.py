"""Every write route, reached through the gateway, needs a key with the right scope.

The routes are read from the gateway's own (merged) OpenAPI, so a write route added to
any service is covered without touching this test.
"""

from __future__ import annotations

import re

import httpx
import pytest

from shared.suite import Stack

SAMPLE = {
    "code": "ID0288",
    "year": "2024",
    "org_unit": "HSN",
    "line": "lakemedelsformanen",
    "id": "HSN2024-007",
    "assignment_id": "HSN2024-007",
}
WRITES = ("post", "put", "patch", "delete")


def _write_routes(gw: httpx.Client) -> list[tuple[str, str]]:
    spec = gw.get("/openapi.json").json()
    routes = []
    for path, ops in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        filled = re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m[1], "x"), path)
        routes += [(method.upper(), filled) for method in ops if method in WRITES]
    return routes


def test_the_gateway_documents_the_services_write_routes(gw: httpx.Client) -> None:
    paths = {p for _, p in _write_routes(gw)}
    assert {"/v1/results", "/v1/outcomes", "/v1/assignments/HSN2024-007/reports"} <= paths


@pytest.mark.parametrize("kind", ["none", "read"])
def test_no_write_route_accepts_a_missing_or_read_only_key(
    gw: httpx.Client, stack: Stack, kind: str
) -> None:
    headers = {} if kind == "none" else stack.auth("read")
    expected = 401 if kind == "none" else 403
    wrong = []
    for method, path in _write_routes(gw):
        r = gw.request(method, path, json=[], headers=headers)
        if r.status_code != expected or r.headers["content-type"] != "application/problem+json":
            wrong.append(f"{method} {path}: {r.status_code}")
    assert wrong == []


def test_a_key_bound_to_sus_cannot_report_for_hsn_through_the_gateway(
    gw: httpx.Client, stack: Stack
) -> None:
    r = gw.post(
        "/v1/assignments/HSN2024-007/reports",
        json={
            "org_unit": "HSN",
            "period": "2024-11",
            "status": "pagar_enligt_plan",
            "explanation": "Pågår.",
        },
        headers=stack.auth("write_sus"),
    )
    assert r.status_code == 403
