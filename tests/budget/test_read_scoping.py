"""Who may read what: a key bound to SUS reads SUS's economy and nobody else's.

Other units' grants, lines, outcomes, forecasts, earmarked money, totals, reported figures
and summaries are refused (403) when named and left out of listings that name no unit,
JSON, change feed and CSV alike. REGION is not one of a SUS key's units.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import comp, forecast, load, outcome, put_grant, put_line
from tests.harness import ServiceHarness

UNITS = ("SUS", "HSN")
LISTS = (
    "/v1/grants",
    "/v1/budget-lines",
    "/v1/outcomes",
    "/v1/forecasts",
    "/v1/earmarked",
    "/v1/totals",
    "/v1/reported-deviations",
    "/v1/reported-figures",
)


def _economy_of(budget: ServiceHarness, unit: str) -> None:
    assert put_grant(budget, unit, 2024, [comp("base", 100)]).status_code == 200
    put_line(budget, unit, 2024, "vard", revenue=0, cost=100)
    assert load(budget, "outcomes", [outcome(unit, "vard", "2024-01", 0, 9)]).status_code == 200
    assert load(budget, "forecasts", [forecast(unit, "vard", "2024-03", 0, 99)]).status_code == 200
    earmark = {"org_unit": unit, "year": 2024, "purpose": "Statsbidrag", "amount": 1}
    r = budget.client.put(f"/v1/earmarked/{unit}-1", json=earmark, headers=budget.auth("admin"))
    assert r.status_code == 200
    rows = {
        "totals": [{"org_unit": unit, "year": 2024, "kind": "budget", "result": 0}],
        "reported-deviations": [{"org_unit": unit, "year": 2024, "line": "vard", "deviation": 3}],
        "reported-figures": [
            {"org_unit": unit, "year": 2024, "figure": "f", "measure": "change", "amount": 2}
        ],
    }
    for what, body in rows.items():
        assert load(budget, what, body).status_code == 200, what


@pytest.fixture
def two_units(budget: ServiceHarness) -> ServiceHarness:
    for unit in UNITS:
        _economy_of(budget, unit)
    return budget


def _get(budget: ServiceHarness, path: str, **params: Any) -> Any:
    return budget.client.get(path, params=params or None, headers=budget.auth("read", "SUS"))


@pytest.mark.parametrize(
    "path",
    [
        "/v1/grants/{unit}/2024",
        "/v1/budget-lines/{unit}/2024/vard",
        "/v1/earmarked/{unit}-1",
        "/v1/summary?org_unit={unit}&year=2024",
    ],
)
def test_one_resource_of_another_unit_is_403_of_its_own_200(
    two_units: ServiceHarness, path: str
) -> None:
    assert _get(two_units, path.format(unit="SUS")).status_code == 200
    refused = _get(two_units, path.format(unit="HSN"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "HSN" in refused.json()["detail"]


@pytest.mark.parametrize("path", LISTS)
def test_a_listing_shows_only_the_keys_units(two_units: ServiceHarness, path: str) -> None:
    everything = two_units.client.get(path, headers=two_units.auth("read")).json()["items"]
    assert {i["org_unit"] for i in everything} == {"SUS", "HSN"}
    for params in ({}, {"after_seq": 0}, {"org_unit": "SUS"}):
        items = _get(two_units, path, **params).json()["items"]
        assert items and {i["org_unit"] for i in items} == {"SUS"}, params
    csv = two_units.client.get(
        path, headers={**two_units.auth("read", "SUS"), "Accept": "text/csv"}
    ).text
    assert "SUS" in csv and "HSN" not in csv


@pytest.mark.parametrize("path", LISTS)
def test_a_listing_naming_another_unit_is_403(two_units: ServiceHarness, path: str) -> None:
    assert _get(two_units, path, org_unit="HSN").status_code == 403
    assert _get(two_units, path, org_unit="REGION").status_code == 403


def test_the_region_summary_is_not_a_sus_keys(two_units: ServiceHarness) -> None:
    assert _get(two_units, "/v1/summary", org_unit="REGION", year=2024).status_code == 403


def test_a_key_bound_to_two_units_reads_both(two_units: ServiceHarness) -> None:
    h = two_units.auth("read", "SUS", "HSN")
    items = two_units.client.get("/v1/budget-lines", headers=h).json()["items"]
    assert {i["org_unit"] for i in items} == {"SUS", "HSN"}


def test_deletions_of_other_units_lines_stay_out_of_the_change_feed(
    two_units: ServiceHarness,
) -> None:
    for unit in UNITS:
        put_line(two_units, unit, 2024, "gone")
        r = two_units.client.delete(
            f"/v1/budget-lines/{unit}/2024/gone", headers=two_units.auth("write")
        )
        assert r.status_code == 204
    items = _get(two_units, "/v1/budget-lines", after_seq=0).json()["items"]
    deleted = [i["id"] for i in items if i.get("deleted")]
    assert deleted == ["SUS/2024/gone"]
    unbound = two_units.client.get(
        "/v1/budget-lines", params={"after_seq": 0}, headers=two_units.auth("read")
    ).json()["items"]
    assert {i["id"] for i in unbound if i.get("deleted")} == {"SUS/2024/gone", "HSN/2024/gone"}


def test_a_region_wide_read_key_reads_every_unit(two_units: ServiceHarness) -> None:
    for path in ("/v1/grants/HSN/2024", "/v1/summary?org_unit=HSN&year=2024"):
        assert two_units.client.get(path, headers=two_units.auth("read")).status_code == 200
