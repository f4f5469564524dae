"""Helpers for the indicators tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import ServiceHarness

INDICATOR = {
    "name": "Andel patienter som fått besök inom 90 dagar",
    "description": "Vårdgarantin, besök.",
    "unit": "percent",
    "direction": "higher_is_better",
    "source": "national_register",
    "area": "God tillgänglighet",
    "delmal": "Följsamhet till vårdgarantin",
}


def result_row(**changes: Any) -> dict[str, Any]:
    """A good result row of ID9001 for SUS 2024, with ``changes``."""
    base = {"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 90}
    return {**base, **changes}


def put_indicator(h: ServiceHarness, code: str = "ID9001", **changes: Any) -> Any:
    return h.client.put(f"/v1/indicators/{code}", json={**INDICATOR, **changes}, headers=h.auth())


def put_target(
    h: ServiceHarness, code: str, year: int, expression: str, org_unit: str | None = None
) -> Any:
    return h.client.put(
        f"/v1/indicators/{code}/targets/{year}",
        json={"expression": expression, "org_unit": org_unit},
        headers=h.auth(),
    )


def load(
    h: ServiceHarness,
    rows: Any,
    *,
    scope: str = "write",
    units: tuple[str, ...] = (),
    **params: Any,
) -> Any:
    headers = h.auth(scope, *units)
    if isinstance(rows, str):
        return h.client.post(
            "/v1/results",
            content=rows.encode(),
            params=params,
            headers={**headers, "Content-Type": "text/csv"},
        )
    return h.client.post("/v1/results", json=rows, params=params, headers=headers)


def evaluations(
    h: ServiceHarness, org_unit: str, period: str, **params: Any
) -> list[dict[str, Any]]:
    r = h.client.get(
        "/v1/evaluations",
        params={"org_unit": org_unit, "period": period, **params},
        headers=h.auth("read"),
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def one(items: list[dict[str, Any]], indicator: str, breakdown: str = "total") -> dict[str, Any]:
    found = [i for i in items if i["indicator"] == indicator and i["breakdown"] == breakdown]
    assert len(found) == 1, (indicator, breakdown, found)
    return found[0]


@pytest.fixture
def seeded(indicators: ServiceHarness) -> ServiceHarness:
    assert indicators.seed() > 0
    return indicators
