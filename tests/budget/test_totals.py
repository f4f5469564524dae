"""A committee's total is data: loaded at /v1/totals, the summary's headline comes from it.

HSN's report states its 2024 result (+85,3 mnkr) and no budgeted result; the two lines
that happen to have both budget and outcome sum to -83,9 mnkr, which is shown as a line
sum, never as the committee's result.
"""

from __future__ import annotations

from typing import Any

from tests.budget.helpers import MN, load, put_line
from tests.harness import ServiceHarness


def _summary(budget: ServiceHarness, org_unit: str = "PVN", **params: Any) -> Any:
    r = budget.client.get(
        "/v1/summary",
        params={"org_unit": org_unit, "year": 2024, **params},
        headers=budget.auth("read"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def _total(kind: str, month: str | None = None, **amounts: int) -> dict[str, Any]:
    row: dict[str, Any] = {"org_unit": "PVN", "year": 2024, "kind": kind, **amounts}
    if month is not None:
        row["month"] = month
    return row


def test_the_seeded_hsn_2024_headline_is_the_committees_own_result(
    budget: ServiceHarness,
) -> None:
    budget.seed()
    s = _summary(budget, "HSN")
    assert s["outcome_result"] == 85_300_000
    assert s["mnkr"]["outcome_result"] == "85,3"
    total = s["total"]
    assert total["outcome"]["result"] == 85_300_000 and total["outcome"]["month"] == "2024-12"
    assert total["outcome"]["revenue"] is None and total["outcome"]["cost"] is None
    assert "85,3 miljoner kronor" in total["outcome"]["source_text"]
    assert total["outcome_months"] == 12
    # The report states no budgeted result: it is missing, not invented, and so is what
    # would follow from it.
    assert total["budget"] is None and total["missing"] == ["budget"]
    assert s["budget_result"] is None and s["deviation"] is None
    assert s["meets_budget_rule"] is None and s["meets_budget_rule_basis"] is None
    assert "No budget total is stated" in total["explanation"]
    # The two lines with budget and outcome are a line sum (77,1 - 161 = -83,9), not the total.
    sums = s["line_sums"]
    assert sums["deviation"] == -83_900_000 and sums["mnkr"]["deviation"] == "-83,9"
    assert sums["compared"] == 2 and sums["lines"] == 4
    assert s["reported"]["result"]["outcome_result"] == 85_300_000


def test_the_budget_rule_verdict_follows_from_the_totals(budget: ServiceHarness) -> None:
    put_line(budget, "PVN", 2024, "vard", revenue=0, cost=10 * MN)  # a line, not the total
    assert (
        load(budget, "totals", [_total("budget", revenue=1200 * MN, cost=1200 * MN)]).status_code
        == 200
    )
    assert load(budget, "totals", [_total("outcome", "2024-12", result=-5)]).status_code == 200
    s = _summary(budget)
    assert s["budget_result"] == 0 and s["outcome_result"] == -5 and s["deviation"] == -5
    assert (s["meets_budget_rule"], s["meets_budget_rule_basis"]) == (False, "outcome")
    assert s["total"]["missing"] == []
    assert "not met" in s["total"]["explanation"]

    assert load(budget, "totals", [_total("outcome", "2024-12", result=5)]).json()["updated"] == 1
    s = _summary(budget)
    assert (s["meets_budget_rule"], s["deviation"]) == (True, 5)


def test_part_of_the_year_judges_on_the_forecast_else_the_outcome_to_date(
    budget: ServiceHarness,
) -> None:
    rows = [
        _total("budget", result=-1200),
        _total("outcome", "2024-04", result=-500),
        _total("outcome", "2024-08", result=-850),
    ]
    assert load(budget, "totals", rows).status_code == 200
    s = _summary(budget, through="2024-08")
    assert s["outcome_result"] == -850 and s["budget_result_to_date"] == -800
    assert s["deviation"] == -50
    assert (s["meets_budget_rule"], s["meets_budget_rule_basis"]) == (False, "outcome_pro_rata")
    assert s["total"]["missing"] == ["forecast"]
    # Through June the latest outcome stated is April's: the budget to date follows it.
    june = _summary(budget, through="2024-06")
    assert june["total"]["outcome"]["month"] == "2024-04" and june["total"]["outcome_months"] == 4
    assert june["budget_result_to_date"] == -400 and june["deviation"] == -100
    # A forecast made by then is what the year is judged on.
    assert load(budget, "totals", [_total("forecast", "2024-08", result=-1100)]).status_code == 200
    s = _summary(budget, through="2024-08")
    assert s["forecast_result"] == -1100 and s["forecast_deviation"] == 100
    assert (s["meets_budget_rule"], s["meets_budget_rule_basis"]) == (True, "forecast")
    assert s["total"]["missing"] == []


def test_a_total_loaded_over_the_api_changes_the_headline(budget: ServiceHarness) -> None:
    budget.seed()
    hsn = {"org_unit": "HSN", "year": 2024, "kind": "budget", "result": 100 * MN}
    r = load(budget, "totals", [hsn])
    assert r.status_code == 200 and r.json()["inserted"] == 1
    s = _summary(budget, "HSN")
    assert s["budget_result"] == 100 * MN and s["deviation"] == -14_700_000
    assert s["mnkr"]["deviation"] == "-14,7"
    assert (s["meets_budget_rule"], s["meets_budget_rule_basis"]) == (False, "outcome")
    assert s["total"]["missing"] == []
    listed = budget.client.get(
        "/v1/totals", params={"org_unit": "HSN", "kind": "budget"}, headers=budget.auth("read")
    ).json()["items"]
    assert [(t["id"], t["result"], t["result_mnkr"]) for t in listed] == [
        ("HSN/2024/budget", 100 * MN, "100,0")
    ]


def test_bad_total_rows_are_422_naming_the_row_and_nothing_is_written(
    budget: ServiceHarness,
) -> None:
    rows = [
        _total("budget", result=0),  # 1: good
        _total("budget", "2024-12", result=0),  # 2: a budget has no month
        _total("outcome", result=0),  # 3: an outcome needs its month
        _total("outcome", "2023-12", result=0),  # 4: not a month of 2024
        _total("forecast", "2024-05", revenue=10),  # 5: revenue without cost
        _total("outcome", "2024-06", revenue=10, cost=4, result=7),  # 6: 10 - 4 is not 7
        _total("budget"),  # 7: states nothing
        {**_total("budget"), "result": 12.5},  # 8: not whole kronor
        {**_total("quarter", result=1)},  # 9: no such kind
        {**_total("budget", result=1), "org_unit": "XYZ"},  # 10: no such org unit
    ]
    r = load(budget, "totals", rows)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    named = {(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]}
    assert named == {
        (2, "month"),
        (3, "month"),
        (4, "month"),
        (5, "cost"),
        (6, "result"),
        (7, "result"),
        (8, "result"),
        (9, "kind"),
        (10, "org_unit"),
    }
    assert budget.client.get("/v1/totals", headers=budget.auth("read")).json()["items"] == []
    partial = load(budget, "totals", rows, mode="partial").json()
    assert partial["inserted"] == 1 and [e["row"] for e in partial["rejected"]] == list(
        range(2, 11)
    )


def test_a_total_loads_from_swedish_csv_and_twice_changes_nothing(budget: ServiceHarness) -> None:
    body = "org_unit;year;kind;month;revenue;cost;result\nPVN;2024;outcome;2024-12;;;85 300 000\n"
    h = {**budget.auth("write"), "Content-Type": "text/csv"}
    first = budget.client.post("/v1/totals", content=body.encode(), headers=h)
    assert first.status_code == 200, first.text
    assert first.json()["inserted"] == 1
    again = budget.client.post("/v1/totals", content=body.encode(), headers=h).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert _summary(budget)["outcome_result"] == 85_300_000


def test_mnkr_of_a_total_is_exact_half_away_from_zero(budget: ServiceHarness) -> None:
    rows = [_total("budget", result=-85_250_000), _total("outcome", "2024-12", result=85_249_999)]
    assert load(budget, "totals", rows).status_code == 200
    s = _summary(budget)
    assert s["mnkr"]["budget_result"] == "-85,3"  # -85,25 away from zero
    assert s["mnkr"]["outcome_result"] == "85,2"
    assert s["mnkr"]["deviation"] == "170,5"  # 170 499 999 kronor
