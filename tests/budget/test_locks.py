"""A decided report locks the economy it reads (issue 14, point 4): outcomes of the locked
units' decided months, that year's forecasts, stated totals and budget lines cannot be
loaded, changed or deleted until an admin reopens the decision; an outcome load racing the
decision either commits before it or is refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import MN, forecast, load, outcome, put_line
from tests.harness import ServiceHarness
from tests.shared.test_locks import Running, lock, postgres_only, reopen, writer_lock_held

DECISION = "hsn-2024-t2"
LINE = "lakemedel"


@pytest.fixture
def svc(budget: ServiceHarness) -> ServiceHarness:
    for year in (2023, 2024):
        put_line(budget, "HSN", year, LINE, revenue=0, cost=100 * MN)
        put_line(budget, "REGION", year, LINE, revenue=0, cost=100 * MN)
    return budget


def refused(r: Any, org_unit: str, period: str, row: int | None = None) -> None:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["decision_id"] == DECISION and DECISION in problem["detail"]
    assert (problem["org_unit"], problem["period"], problem.get("row")) == (org_unit, period, row)


def listed(h: ServiceHarness, what: str, **params: Any) -> list[dict[str, Any]]:
    r = h.client.get(f"/v1/{what}", params=params, headers=h.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_outcomes_and_forecasts_of_a_locked_period_are_refused(svc: ServiceHarness) -> None:
    assert lock(svc, DECISION).status_code == 201
    rows = [outcome("HSN", LINE, "2024-09", cost=MN), outcome("REGION", LINE, "2024-03", cost=MN)]
    refused(load(svc, "outcomes", rows), "REGION", "2024-03", row=2)
    # A forecast is a full-year figure: any decided month of its year locks it.
    refused(load(svc, "forecasts", [forecast("HSN", LINE, "2024-10")]), "HSN", "2024", row=1)
    assert listed(svc, "outcomes") == [] and listed(svc, "forecasts") == []
    free = [outcome("HSN", LINE, "2024-09"), outcome("HSN", LINE, "2023-03")]
    assert load(svc, "outcomes", free).json()["inserted"] == 2
    assert load(svc, "forecasts", [forecast("HSN", LINE, "2023-10")]).json()["inserted"] == 1


def test_a_partial_load_rejects_the_locked_rows_naming_the_decision(svc: ServiceHarness) -> None:
    lock(svc, DECISION)
    rows = [
        outcome("HSN", LINE, "2024-02"),
        outcome("HSN", "no_such_line", "2024-09"),
        outcome("HSN", LINE, "2024-10"),
    ]
    r = load(svc, "outcomes", rows, mode="partial")
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 1
    assert [x["row"] for x in r.json()["rejected"]] == [1, 2]
    (error,) = r.json()["rejected"][0]["errors"]
    assert error["decision_id"] == DECISION and error["loc"] == ["month"]
    assert [o["month"] for o in listed(svc, "outcomes")] == ["2024-10"]


def test_totals_and_budget_lines_of_a_locked_year_are_refused(svc: ServiceHarness) -> None:
    lock(svc, DECISION)
    total = {"org_unit": "HSN", "year": 2024, "kind": "budget", "result": 100 * MN}
    refused(load(svc, "totals", [total]), "HSN", "2024", row=1)
    assert load(svc, "totals", [{**total, "year": 2023}]).status_code == 200
    w = svc.auth("write")
    put = svc.client.put(
        f"/v1/budget-lines/HSN/2024/{LINE}",
        json={"revenue": 0, "cost": MN, "counterparty": "external"},
        headers=w,
    )
    refused(put, "HSN", "2024")
    refused(svc.client.delete(f"/v1/budget-lines/HSN/2024/{LINE}", headers=w), "HSN", "2024")
    assert svc.client.get(f"/v1/budget-lines/HSN/2024/{LINE}", headers=w).json()["cost"] == 100 * MN
    assert put_line(svc, "HSN", 2025, LINE, cost=MN)["year"] == 2025
    assert put_line(svc, "SUS", 2024, LINE, cost=MN)["org_unit"] == "SUS"


def test_a_reopened_decision_lets_writes_in_and_is_audited(svc: ServiceHarness) -> None:
    lock(svc, DECISION)
    row = outcome("HSN", LINE, "2024-03", cost=MN)
    refused(load(svc, "outcomes", [row]), "HSN", "2024-03", row=1)
    reopened = reopen(svc, DECISION, "Rättad bokföring för mars")
    assert load(svc, "outcomes", [row]).json()["inserted"] == 1
    audit = svc.client.get("/v1/audit", headers=svc.auth()).json()["items"]
    (entry,) = [e for e in audit if e["action"] == "reopen"]
    assert entry["key_id"] == reopened["reopened_by"] and entry["at"]
    assert entry["change"]["reason"] == "Rättad bokföring för mars"
    assert lock(svc, DECISION).json()["active"] is True
    refused(load(svc, "outcomes", [{**row, "cost": 2 * MN}]), "HSN", "2024-03", row=1)


def test_a_sus_bound_admin_may_not_lock(svc: ServiceHarness) -> None:
    assert lock(svc, DECISION, headers=svc.auth("admin", "SUS")).status_code == 403
    assert load(svc, "outcomes", [outcome("HSN", LINE, "2024-03")]).status_code == 200


def test_an_outcome_load_queued_behind_the_decision_is_refused(svc: ServiceHarness) -> None:
    postgres_only(svc)
    rows = [outcome("REGION", LINE, "2024-03", cost=MN)]
    with writer_lock_held(svc) as queued:
        deciding = Running(lambda: lock(svc, DECISION))
        queued(1)
        loading = Running(lambda: load(svc, "outcomes", rows))
        queued(2)
    assert deciding.answer().status_code == 201
    refused(loading.answer(), "REGION", "2024-03", row=1)
    assert listed(svc, "outcomes") == []


def test_an_outcome_load_queued_before_the_decision_is_in_the_decided_data(
    svc: ServiceHarness,
) -> None:
    postgres_only(svc)
    rows = [outcome("REGION", LINE, "2024-03", cost=MN)]
    with writer_lock_held(svc) as queued:
        loading = Running(lambda: load(svc, "outcomes", rows))
        queued(1)
        deciding = Running(lambda: lock(svc, DECISION))
        queued(2)
    assert loading.answer().json()["inserted"] == 1
    decided = deciding.answer()
    assert decided.status_code == 201
    (stored,) = listed(svc, "outcomes")
    assert stored["change_seq"] < decided.json()["change_seq"]
