"""Helpers for the budget tests: small writes through the API."""

from __future__ import annotations

from typing import Any

from tests.harness import ServiceHarness

MN = 1_000_000


def put_line(
    budget: ServiceHarness,
    org_unit: str,
    year: int,
    line: str,
    revenue: int | None = 0,
    cost: int | None = 0,
    counterparty: str = "external",
) -> Any:
    r = budget.client.put(
        f"/v1/budget-lines/{org_unit}/{year}/{line}",
        json={"revenue": revenue, "cost": cost, "counterparty": counterparty},
        headers=budget.auth("write"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def load(budget: ServiceHarness, what: str, rows: Any, scope: str = "write", **params: Any) -> Any:
    return budget.client.post(f"/v1/{what}", json=rows, params=params, headers=budget.auth(scope))


def outcome(
    org_unit: str, line: str, month: str, revenue: Any = 0, cost: Any = 0
) -> dict[str, Any]:
    return {"org_unit": org_unit, "line": line, "month": month, "revenue": revenue, "cost": cost}


def forecast(
    org_unit: str, line: str, made_in: str, revenue: Any = 0, cost: Any = 0
) -> dict[str, Any]:
    return {
        "org_unit": org_unit,
        "line": line,
        "made_in": made_in,
        "revenue": revenue,
        "cost": cost,
    }


def put_grant(
    budget: ServiceHarness, org_unit: str, year: int, components: list[dict[str, Any]], **kw: Any
) -> Any:
    return budget.client.put(
        f"/v1/grants/{org_unit}/{year}",
        json={"components": components},
        headers={**budget.auth("admin"), **kw.pop("headers", {})},
        **kw,
    )


def comp(kind: str, amount: Any, label: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "label": label or kind, "amount": amount, **extra}
