"""Bulk loads of monthly outcomes (utfall) and full-year forecasts (prognos)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import MN, forecast, load, outcome, put_line
from tests.harness import ServiceHarness


def test_outcomes_load_and_reload_changes_nothing(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    rows = [outcome("HSN", "tandvard", f"2024-{m:02d}", 0, 100 * MN) for m in (1, 2, 3)]
    r = load(budget, "outcomes", rows)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 3
    again = load(budget, "outcomes", rows).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    rows[0]["cost"] = 101 * MN
    assert load(budget, "outcomes", rows).json()["updated"] == 1


def test_outcomes_load_as_csv(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    body = "org_unit,line,month,revenue,cost\nHSN,tandvard,2024-01,0,100000000\n"
    r = budget.client.post(
        "/v1/outcomes",
        content=body,
        headers={**budget.auth("write"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 1


def test_swedish_csv_with_decimal_comma_money_is_rejected(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    body = "org_unit;line;month;revenue;cost\nHSN;tandvard;2024-01;0;12,5\n"
    r = budget.client.post(
        "/v1/outcomes",
        content=body.encode(),
        headers={**budget.auth("write"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 422
    (bad,) = r.json()["rejected"]
    assert bad["row"] == 1
    assert bad["errors"][0]["loc"] == ["cost"]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (outcome("HSN", "tandvard", "2024-01", 0, 12.5), "cost"),
        (outcome("HSN", "tandvard", "2024-01", 12.0, 0), "revenue"),
        (outcome("HSN", "tandvard", "2024-01", 0, "12,5"), "cost"),
        (outcome("HSN", "tandvard", "2024-13"), "month"),
        (outcome("HSN", "tandvard", "2024-1"), "month"),
        (outcome("XYZ", "tandvard", "2024-01"), "org_unit"),
        (outcome("HSN", "ortopedi", "2024-01"), "line"),
        (outcome("HSN", "tandvard", "2025-01"), "line"),
    ],
)
def test_bad_row_rejects_the_whole_atomic_load_naming_row_and_field(
    budget: ServiceHarness, row: dict[str, Any], field: str
) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    good = outcome("HSN", "tandvard", "2024-02", 0, 5)
    r = load(budget, "outcomes", [good, row])
    assert r.status_code == 422, r.text
    (bad,) = r.json()["rejected"]
    assert bad["row"] == 2
    assert bad["errors"][0]["loc"][0] == field
    listed = budget.client.get("/v1/outcomes", headers=budget.auth("read")).json()
    assert listed["items"] == []


def test_partial_mode_writes_the_good_rows(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    rows = [
        outcome("HSN", "tandvard", "2024-01", 0, 5),
        outcome("HSN", "tandvard", "2024-01", 0, 1.5),
    ]
    r = load(budget, "outcomes", rows, mode="partial")
    assert r.status_code == 200
    assert r.json()["inserted"] == 1
    assert [x["row"] for x in r.json()["rejected"]] == [2]


def test_dry_run_counts_and_writes_nothing(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    r = load(budget, "outcomes", [outcome("HSN", "tandvard", "2024-01", 0, 5)], dry_run="true")
    assert r.json()["inserted"] == 1 and r.json()["dry_run"] is True
    assert budget.client.get("/v1/outcomes", headers=budget.auth("read")).json()["items"] == []


def test_forecasts_need_a_month_made_in(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    ok = load(budget, "forecasts", [forecast("HSN", "tandvard", "2024-08", 0, 1200 * MN)])
    assert ok.status_code == 200 and ok.json()["inserted"] == 1
    bad = load(budget, "forecasts", [forecast("HSN", "tandvard", "2024", 0, 1)])
    assert bad.status_code == 422
    assert bad.json()["rejected"][0]["errors"][0]["loc"] == ["made_in"]


def test_outcome_list_pages_csv_and_change_feed(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard")
    load(budget, "outcomes", [outcome("HSN", "tandvard", f"2024-{m:02d}", 0, m) for m in (1, 2, 3)])
    h = budget.auth("read")
    page = budget.client.get("/v1/outcomes", params={"limit": 2}, headers=h).json()
    assert [x["month"] for x in page["items"]] == ["2024-01", "2024-02"]
    seq = page["items"][1]["change_seq"]
    load(budget, "outcomes", [outcome("HSN", "tandvard", "2024-01", 0, 99)])
    changed = budget.client.get("/v1/outcomes", params={"after_seq": seq}, headers=h).json()
    assert [(x["month"], x["cost"]) for x in changed["items"]] == [("2024-03", 3), ("2024-01", 99)]
    csv = budget.client.get("/v1/outcomes", headers={**h, "Accept": "text/csv"}).text
    assert (
        csv.splitlines()[0]
        == "id,org_unit,line,month,revenue,cost,derivation,updated_at,change_seq"
    )
    assert csv.splitlines()[1].startswith("HSN/tandvard/2024-01,HSN,tandvard,2024-01,0,99,")
