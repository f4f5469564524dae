"""Budget lines: revenue, cost and result per line; deleted only while nothing refers to them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import MN, load, outcome, put_line
from tests.harness import ServiceHarness


def test_budget_line_result_is_revenue_minus_cost(budget: ServiceHarness) -> None:
    line = put_line(budget, "HSN", 2024, "tandvard", revenue=10 * MN, cost=1052 * MN)
    assert line["result"] == -1042 * MN
    assert line["id"] == "HSN/2024/tandvard"
    listed = budget.client.get(
        "/v1/budget-lines", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()
    assert [x["line"] for x in listed["items"]] == ["tandvard"]


@pytest.mark.parametrize(
    "body",
    [
        {"revenue": 0, "cost": 12.5, "counterparty": "external"},
        {"revenue": 0, "cost": 12.0, "counterparty": "external"},
        {"revenue": 0, "cost": 1, "counterparty": "somewhere"},
        {"revenue": 0, "cost": None, "counterparty": "external"},
    ],
)
def test_bad_budget_line_is_rejected(budget: ServiceHarness, body: dict[str, Any]) -> None:
    r = budget.client.put(
        "/v1/budget-lines/HSN/2024/tandvard", json=body, headers=budget.auth("write")
    )
    assert r.status_code == 422


def test_deleting_a_line_leaves_a_tombstone(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    put_line(budget, "HSN", 2024, "ortopedi")
    r = budget.client.delete("/v1/budget-lines/HSN/2024/tandvard", headers=budget.auth("write"))
    assert r.status_code == 204
    feed = budget.client.get(
        "/v1/budget-lines", params={"after_seq": 0}, headers=budget.auth("read")
    ).json()["items"]
    assert feed[-1] == {
        "id": "HSN/2024/tandvard",
        "deleted": True,
        "updated_at": feed[-1]["updated_at"],
        "change_seq": 3,
    }
    assert [x["line"] for x in feed if not x.get("deleted")] == ["ortopedi"]


def test_a_line_with_outcomes_cannot_be_deleted(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    load(budget, "outcomes", [outcome("HSN", "tandvard", "2024-01", 0, 5)])
    r = budget.client.delete("/v1/budget-lines/HSN/2024/tandvard", headers=budget.auth("write"))
    assert r.status_code == 409
    assert "outcomes" in r.json()["detail"]
