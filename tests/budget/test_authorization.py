"""Who may write what: read < write (bound to org units) < admin; a grant needs an admin
key bound to no org unit; every write audited. (Who may read what: test_read_scoping.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import comp, forecast, outcome, put_line
from tests.harness import ServiceHarness

LINE = {"revenue": 0, "cost": 1, "counterparty": "external"}
EARMARK = {"org_unit": "SUS", "year": 2024, "purpose": "Statsbidrag", "amount": 1}
GRANT = {"components": [comp("base", 1)]}
TOTAL = [{"org_unit": "SUS", "year": 2024, "kind": "budget", "result": 0}]
DEVIATION = [{"org_unit": "SUS", "year": 2024, "line": "vard", "deviation": 5}]
FIGURE = [{"org_unit": "SUS", "year": 2024, "figure": "f", "measure": "change", "amount": 5}]

# (method, path, json body, least scope that may do it)
WRITES: list[tuple[str, str, Any, str]] = [
    ("PUT", "/v1/grants/SUS/2024", GRANT, "admin"),
    ("PUT", "/v1/budget-lines/SUS/2024/vard", LINE, "write"),
    ("DELETE", "/v1/budget-lines/SUS/2024/vard", None, "write"),
    ("POST", "/v1/outcomes", [outcome("SUS", "vard", "2024-01")], "write"),
    ("POST", "/v1/forecasts", [forecast("SUS", "vard", "2024-03")], "write"),
    ("PUT", "/v1/earmarked/e1", EARMARK, "admin"),
    ("POST", "/v1/earmarked", EARMARK, "admin"),
    ("DELETE", "/v1/earmarked/e1", None, "admin"),
    ("POST", "/v1/totals", TOTAL, "write"),
    ("POST", "/v1/reported-deviations", DEVIATION, "write"),
    ("POST", "/v1/reported-figures", FIGURE, "write"),
]
IDS = [f"{m} {p}" for m, p, _, _ in WRITES]


def _call(
    budget: ServiceHarness, method: str, path: str, body: Any, headers: dict[str, str]
) -> Any:
    if method == "DELETE":
        return budget.client.delete(path, headers=headers)
    return budget.client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "scope"), WRITES, ids=IDS)
def test_write_without_a_key_is_401(
    budget: ServiceHarness, method: str, path: str, body: Any, scope: str
) -> None:
    r = _call(budget, method, path, body, {})
    assert r.status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "scope"), WRITES, ids=IDS)
def test_write_with_a_read_key_is_403(
    budget: ServiceHarness, method: str, path: str, body: Any, scope: str
) -> None:
    r = _call(budget, method, path, body, budget.auth("read"))
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body", "scope"),
    [w for w in WRITES if w[3] == "admin"],
    ids=[i for i, w in zip(IDS, WRITES, strict=True) if w[3] == "admin"],
)
def test_grants_and_earmarked_need_admin(
    budget: ServiceHarness, method: str, path: str, body: Any, scope: str
) -> None:
    r = _call(budget, method, path, body, budget.auth("write"))
    assert r.status_code == 403


@pytest.mark.parametrize(("method", "path", "body", "scope"), WRITES, ids=IDS)
def test_a_key_bound_to_another_committee_is_403(
    budget: ServiceHarness, method: str, path: str, body: Any, scope: str
) -> None:
    put_line(budget, "SUS", 2024, "vard")
    budget.client.put("/v1/earmarked/e1", json=EARMARK, headers=budget.auth("admin"))
    r = _call(budget, method, path, body, budget.auth(scope, "HSN"))
    assert r.status_code == 403


# A grant is a region-wide definition: a key bound to the committee may not write it
# (issue 11 made PUT of a grant need RegionAdmin; see the test after this one).
COMMITTEE_WRITES = [w for w in WRITES if not w[1].startswith("/v1/grants")]


@pytest.mark.parametrize(
    ("method", "path", "body", "scope"),
    COMMITTEE_WRITES,
    ids=[f"{m} {p}" for m, p, _, _ in COMMITTEE_WRITES],
)
def test_a_key_bound_to_the_committee_may_write_it(
    budget: ServiceHarness, method: str, path: str, body: Any, scope: str
) -> None:
    put_line(budget, "SUS", 2024, "vard")
    budget.client.put("/v1/earmarked/e1", json=EARMARK, headers=budget.auth("admin"))
    r = _call(budget, method, path, body, budget.auth(scope, "SUS"))
    assert r.status_code in (200, 201, 204), r.text


def test_a_grant_needs_an_admin_key_bound_to_no_org_unit(budget: ServiceHarness) -> None:
    r = budget.client.put("/v1/grants/SUS/2024", json=GRANT, headers=budget.auth("admin", "SUS"))
    assert r.status_code == 403
    assert "not bound to org units" in r.json()["detail"]
    assert budget.client.get("/v1/grants/SUS/2024", headers=budget.auth("read")).status_code == 404
    r = budget.client.put("/v1/grants/SUS/2024", json=GRANT, headers=budget.auth("admin"))
    assert r.status_code == 200


def test_a_load_with_one_row_of_another_committee_is_403_and_writes_nothing(
    budget: ServiceHarness,
) -> None:
    put_line(budget, "SUS", 2024, "vard")
    put_line(budget, "HSN", 2024, "vard")
    rows = [outcome("SUS", "vard", "2024-01"), outcome("HSN", "vard", "2024-01")]
    r = budget.client.post(
        "/v1/outcomes", json=rows, params={"mode": "partial"}, headers=budget.auth("write", "SUS")
    )
    assert r.status_code == 403
    assert budget.client.get("/v1/outcomes", headers=budget.auth("read")).json()["items"] == []


def test_a_bound_admin_cannot_write_a_transfer_into_another_committee(
    budget: ServiceHarness,
) -> None:
    body = {"components": [comp("transfer", -5, counterparty="HSN")]}
    r = budget.client.put("/v1/grants/SUS/2024", json=body, headers=budget.auth("admin", "SUS"))
    assert r.status_code == 403
    assert budget.client.get("/v1/grants/SUS/2024", headers=budget.auth("read")).status_code == 404


def test_reads_need_a_key(budget: ServiceHarness) -> None:
    for path in (
        "/v1/grants",
        "/v1/budget-lines",
        "/v1/outcomes",
        "/v1/forecasts",
        "/v1/earmarked",
        "/v1/totals",
        "/v1/reported-deviations",
        "/v1/reported-figures",
    ):
        assert budget.client.get(path).status_code == 401
        assert budget.client.get(path, headers=budget.auth("read")).status_code == 200
    summary = "/v1/summary?org_unit=HSN&year=2024"
    assert budget.client.get(summary).status_code == 401


def test_every_write_is_audited(budget: ServiceHarness) -> None:
    for method, path, body, scope in WRITES:
        if method == "DELETE":
            continue
        if path == "/v1/outcomes":
            put_line(budget, "SUS", 2024, "vard")
        assert _call(budget, method, path, body, budget.auth(scope)).status_code < 300
    audit = budget.client.get("/v1/audit", headers=budget.auth("admin")).json()["items"]
    seen = {(a["action"], a["resource"]) for a in audit}
    assert {
        ("put", "grant"),
        ("put", "budget_line"),
        ("load", "outcome"),
        ("load", "forecast"),
        ("create", "earmarked"),
        ("load", "total"),
        ("load", "reported_deviation"),
        ("load", "reported_figure"),
    } <= seen
