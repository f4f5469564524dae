"""The summary: budget, outcome to date, latest forecast, deviation and the budget rule."""

from __future__ import annotations

from typing import Any

from tests.budget.helpers import MN, comp, forecast, load, outcome, put_grant, put_line
from tests.harness import ServiceHarness


def _summary(budget: ServiceHarness, **params: Any) -> Any:
    r = budget.client.get(
        "/v1/summary",
        params={"org_unit": "PVN", "year": 2024, **params},
        headers=budget.auth("read"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def _setup(budget: ServiceHarness) -> None:
    put_grant(budget, "PVN", 2024, [comp("base", 1200 * MN)])
    put_line(budget, "PVN", 2024, "vardval", revenue=0, cost=1200 * MN)
    put_line(budget, "PVN", 2024, "lakemedel", revenue=120 * MN, cost=240 * MN)
    rows = [outcome("PVN", "vardval", f"2024-{m:02d}", 0, 110 * MN) for m in range(1, 9)]
    rows += [outcome("PVN", "lakemedel", f"2024-{m:02d}", 10 * MN, 21 * MN) for m in range(1, 9)]
    assert load(budget, "outcomes", rows).status_code == 200


def test_part_year_compares_outcome_with_budget_pro_rata(budget: ServiceHarness) -> None:
    _setup(budget)
    s = _summary(budget, through="2024-08")
    lines = {ln["line"]: ln for ln in s["lines"]}
    v = lines["vardval"]
    assert v["budget_result"] == -1200 * MN
    assert v["budget_result_to_date"] == -800 * MN  # 8/12
    assert v["outcome_result"] == -880 * MN
    assert v["deviation"] == -80 * MN
    assert v["meets_budget_rule"] is False
    assert v["meets_budget_rule_basis"] == "outcome_pro_rata"
    lm = lines["lakemedel"]
    assert lm["deviation"] == -88 * MN - (-80 * MN)
    # The lines summed are shown as line sums with their coverage (issue 12: they used to be
    # the headline) ...
    assert s["line_sums"]["deviation"] == -80 * MN - 8 * MN
    assert s["line_sums"]["outcome_result"] == -880 * MN - 88 * MN
    assert s["line_sums"]["compared"] == 2 and s["coverage"]["compared"] == 2
    # ... and with no total stated the headline is empty, not the lines' sum.
    assert s["deviation"] is None and s["outcome_result"] is None
    assert s["total"]["missing"] == ["budget", "outcome", "forecast"]
    assert s["grant"] == 1200 * MN
    assert s["through"] == "2024-08" and s["months"] == 8


def test_outcome_counts_only_months_through(budget: ServiceHarness) -> None:
    _setup(budget)
    s = _summary(budget, through="2024-03")
    lines = {ln["line"]: ln for ln in s["lines"]}
    assert lines["vardval"]["outcome_result"] == -330 * MN
    assert lines["vardval"]["budget_result_to_date"] == -300 * MN


def test_pro_rata_rounds_half_away_from_zero(budget: ServiceHarness) -> None:
    put_line(budget, "PVN", 2024, "liten", revenue=0, cost=18)  # 18/12 = 1.5 per month
    put_line(budget, "PVN", 2024, "udda", revenue=0, cost=1_000_001)
    load(budget, "outcomes", [outcome("PVN", "liten", "2024-01", 0, 1)])
    s = _summary(budget, through="2024-01")
    lines = {ln["line"]: ln for ln in s["lines"]}
    assert lines["liten"]["budget_result_to_date"] == -2
    assert lines["udda"]["budget_result_to_date"] == -83_333  # 83 333,4 -> 83 333
    s5 = _summary(budget, through="2024-05")
    assert {ln["line"]: ln for ln in s5["lines"]}["udda"]["budget_result_to_date"] == -416_667


def test_latest_forecast_made_through_the_month_is_used(budget: ServiceHarness) -> None:
    _setup(budget)
    load(
        budget,
        "forecasts",
        [
            forecast("PVN", "vardval", "2024-03", 0, 1150 * MN),
            forecast("PVN", "vardval", "2024-05", 0, 1250 * MN),
            forecast("PVN", "vardval", "2024-08", 0, 1320 * MN),
        ],
    )
    s = _summary(budget, through="2024-06")
    v = {ln["line"]: ln for ln in s["lines"]}["vardval"]
    assert v["forecast"]["made_in"] == "2024-05"
    assert v["forecast_result"] == -1250 * MN
    assert v["forecast_deviation"] == -50 * MN
    assert v["meets_budget_rule"] is False
    assert v["meets_budget_rule_basis"] == "forecast"
    early = _summary(budget, through="2024-04")
    assert {ln["line"]: ln for ln in early["lines"]}["vardval"]["forecast_result"] == -1150 * MN
    assert {ln["line"]: ln for ln in early["lines"]}["vardval"]["meets_budget_rule"] is True


def test_full_year_judges_the_rule_on_the_outcome(budget: ServiceHarness) -> None:
    put_line(budget, "PVN", 2024, "vardval", revenue=0, cost=100)
    load(budget, "outcomes", [outcome("PVN", "vardval", "2024-12", 0, 100)])
    s = _summary(budget)
    assert s["lines"][0]["deviation"] == 0
    assert s["lines"][0]["meets_budget_rule"] is True  # not worse than budget
    # The committee's verdict comes from its totals (issue 12), not from its lines.
    assert s["meets_budget_rule"] is None
    totals = [
        {"org_unit": "PVN", "year": 2024, "kind": "budget", "revenue": 0, "cost": 100},
        {"org_unit": "PVN", "year": 2024, "kind": "outcome", "month": "2024-12", "result": -100},
    ]
    assert load(budget, "totals", totals).status_code == 200
    s = _summary(budget)
    assert s["meets_budget_rule"] is True
    assert s["meets_budget_rule_basis"] == "outcome"


def test_display_strings_are_mnkr_with_one_decimal(budget: ServiceHarness) -> None:
    put_grant(budget, "PVN", 2024, [comp("base", 15_428_650_000)])
    s = _summary(budget)
    assert s["grant"] == 15_428_650_000
    assert s["mnkr"]["grant"] == "15 428,7"


def test_through_outside_the_year_or_malformed_is_422(budget: ServiceHarness) -> None:
    h = budget.auth("read")
    for through in ("2023-08", "2024-13", "aug"):
        r = budget.client.get(
            "/v1/summary", params={"org_unit": "PVN", "year": 2024, "through": through}, headers=h
        )
        assert r.status_code == 422, through


def test_summary_of_an_empty_committee_is_empty_not_an_error(budget: ServiceHarness) -> None:
    s = _summary(budget)
    assert s["grant"] is None and s["lines"] == [] and s["deviation"] is None
    assert s["meets_budget_rule"] is None
    assert s["reported"] == {"result": None, "deviations": [], "figures": []}
    assert s["total"]["budget"] is None and s["total"]["missing"] == ["budget", "outcome"]


def test_summary_of_unknown_org_unit_is_422(budget: ServiceHarness) -> None:
    r = budget.client.get(
        "/v1/summary", params={"org_unit": "XYZ", "year": 2024}, headers=budget.auth("read")
    )
    assert r.status_code == 422
