"""Every route of every service against hostile input: no 500, a 4xx problem naming it.

The routes come from each service's own OpenAPI, so a route added later is held to the
same: malformed cursors, control characters in query parameters (a NUL cut CSV exports
off mid-body), a forged ``Host`` in ``next`` links, unsupported methods (405 with the
right ``Allow``), refused writes in the audit trail, and times that are not RFC 3339.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from shared.paging import encode_cursor
from shared.reference import org_units
from tests.harness import ServiceHarness

SERVICES = ["indicators", "assignments", "budget"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def service(
    request: pytest.FixtureRequest,
    indicators: ServiceHarness,
    assignments: ServiceHarness,
    budget: ServiceHarness,
) -> ServiceHarness:
    harness: ServiceHarness = {
        "indicators": indicators,
        "assignments": assignments,
        "budget": budget,
    }[request.param]
    return harness


def _operations(h: ServiceHarness) -> list[tuple[str, str, dict[str, Any]]]:
    doc = h.app.openapi()
    return [
        (method.upper(), path, op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if path.startswith("/v1/")
    ]


def _list_routes(h: ServiceHarness) -> list[str]:
    return [
        path
        for method, path, op in _operations(h)
        if method == "GET" and any(p["name"] == "cursor" for p in op.get("parameters", []))
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, (r.request.method, str(r.request.url), r.text[:300])
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-content-type-options"] == "nosniff"
    body: dict[str, Any] = r.json()
    return body


HOSTILE_CURSORS = [
    encode_cursor("ID0288"),
    encode_cursor(12),
    encode_cursor(True),
    encode_cursor(None),
    encode_cursor({"id": 1}),
    encode_cursor(2**70),
    "!!!",
    "%00",
]


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_a_malformed_cursor_on_any_list_is_a_422_naming_it(service: ServiceHarness) -> None:
    service.seed()
    reader = service.auth("read")
    routes = _list_routes(service)
    assert routes
    for path in routes:
        refused_kinds = 0
        for change_order in ("", "after_seq=0&"):
            for cursor in HOSTILE_CURSORS:
                r = service.client.get(f"{path}?{change_order}cursor={cursor}", headers=reader)
                assert r.status_code in (200, 422), (path, cursor, r.status_code, r.text[:300])
                if r.status_code == 422:
                    body = _assert_problem(r, 422)
                    assert ["query", "cursor"] in [e["loc"] for e in body["errors"]]
                    refused_kinds += cursor in HOSTILE_CURSORS[:2]
        # A listing's key is text or a number: one of the two kinds is always wrong.
        assert refused_kinds >= 1, path


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_a_control_character_in_any_query_parameter_is_a_422_before_any_answer(
    service: ServiceHarness,
) -> None:
    service.seed()
    reader = {**service.auth("read"), "Accept": "text/csv"}
    checked = 0
    for method, path, op in _operations(service):
        if method != "GET":
            continue
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            r = service.client.get(f"{_concrete(path)}?{param['name']}=HSN%00", headers=reader)
            body = _assert_problem(r, 422)
            assert body["errors"][0]["loc"] == ["query", param["name"]]
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_next_links_never_name_a_forged_host(service: ServiceHarness) -> None:
    service.seed()
    reader = {**service.auth("read"), "Host": "evil.example"}
    followed = 0
    for path in _list_routes(service):
        for query in ("limit=1", "limit=1&after_seq=0"):
            r = service.client.get(f"{path}?{query}", headers=reader)
            assert r.status_code == 200, (path, r.text[:300])
            page = r.json()
            assert "evil.example" not in r.text
            if page["next"]:
                assert page["next"].startswith(f"http://testserver{path}?")
                followed += 1
    assert followed > 0


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_an_unsupported_method_is_a_405_listing_the_paths_methods(
    service: ServiceHarness,
) -> None:
    admin = service.auth("admin")
    by_path: dict[str, set[str]] = {}
    for method, path, _ in _operations(service):
        by_path.setdefault(path, set()).add(method)
    for path, methods in by_path.items():
        other = next(m for m in METHODS if m not in methods)
        r = service.client.request(other, _concrete(path), headers=admin)
        body = _assert_problem(r, 405)
        assert body["type"].endswith("/method-not-allowed")
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert allowed == methods, path


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_every_refused_write_is_in_the_audit_trail(service: ServiceHarness) -> None:
    sus = service.auth("write", "SUS")
    writes = [(m, p) for m, p, _ in _operations(service) if m != "GET"]
    refused = []
    for method, path in writes:
        r = service.client.request(method, _concrete(path), content=b'{"secret": "HEMLIG"}')
        _assert_problem(r, 401)
        refused.append(("anonymous", method, _concrete(path), 401))
    # A key bound to SUS defining something region-wide or for another unit: 403.
    region_wide = [(m, p) for m, p in writes if m in ("PUT", "PATCH", "DELETE")]
    for method, path in region_wide[:3]:
        r = service.client.request(method, _concrete(path), headers=sus, json={})
        if r.status_code == 403:
            refused.append((sus["Authorization"].split("_")[1], method, _concrete(path), 403))
    entries = service.client.get("/v1/audit", headers=service.auth("admin")).json()["items"]
    trail = [
        (e["key_id"], e["change"]["method"], e["change"]["path"], e["change"]["status"])
        for e in entries
        if e["action"] == "refused"
    ]
    assert trail == refused
    assert "HEMLIG" not in str(entries)


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_the_audit_trail_needs_an_unbound_admin_and_an_rfc_3339_since(
    service: ServiceHarness,
) -> None:
    assert service.client.get("/v1/audit", headers=service.auth("admin", "SUS")).status_code == 403
    admin = service.auth("admin")
    for since in ("0.5", "1700000000", "2024-08-01"):
        r = service.client.get("/v1/audit", params={"since": since}, headers=admin)
        assert _assert_problem(r, 422)["errors"][0]["loc"] == ["query", "since"]
    ok = service.client.get("/v1/audit", params={"since": "2024-08-01T00:00:00Z"}, headers=admin)
    assert ok.status_code == 200


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


@pytest.mark.parametrize("service", SERVICES, indirect=True)
def test_the_schema_names_only_org_units_periods_and_months_the_code_takes(
    service: ServiceHarness,
) -> None:
    doc = service.app.openapi()
    assert str(sorted(org_units())) in str(doc)
    patterns = _patterns(doc)
    assert "^[A-Z][A-Z0-9_]{1,31}$" not in patterns  # any code-shaped text, unknown units too
    # Years without bounds and months 00-99 (``^\d{4}-\d{2}``) are gone.
    assert not [p for p in patterns if p.startswith("^\\d{4}")]
