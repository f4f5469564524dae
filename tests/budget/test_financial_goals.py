"""The region's financial goals through the API: its yearly figures loaded (JSON, CSV),
listed, exported, and the goals judged for a year on them.

The figures are made up by the tests (the seeds state the rules, not the region's
figures): five years whose result adds up to exactly 2 % of the revenue, a net debt of
exactly 25 %, investments financed exactly by result and depreciation.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.budget.helpers import load
from tests.harness import ServiceHarness

REVENUE = 50_000_000_000
YEARS = (2020, 2021, 2022, 2023, 2024)
#: Σ = 5 000 000 000 = 2 % of Σ revenue 250 000 000 000.
RESULTS = {2020: -1_000_000_000, 2021: 0, 2022: 3_000_000_000, 2023: 0, 2024: 3_000_000_000}


def _year(year: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "year": year,
        "tax_and_grant_revenue": REVENUE,
        "result": RESULTS[year],
        "balance_adjustments": -RESULTS[year] if RESULTS[year] > 0 else 0,
        "depreciation": 2_000_000_000,
        "investments": 2_000_000_000 + RESULTS[year],
        "net_debt": REVENUE // 4,
        "source_text": f"test figures {year}",
    }
    return {**row, **changes}


def _rows(**changes_2024: Any) -> list[dict[str, Any]]:
    return [_year(y, **(changes_2024 if y == 2024 else {})) for y in YEARS]


def _goals(budget: ServiceHarness, year: int = 2024) -> dict[str, dict[str, Any]]:
    r = budget.client.get("/v1/financial-goals", params={"year": year}, headers=budget.auth("read"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["org_unit"], body["year"]) == ("REGION", year)
    return {g["goal"]: g for g in body["goals"]}


def _figures(budget: ServiceHarness, **params: Any) -> list[dict[str, Any]]:
    r = budget.client.get("/v1/financial-figures", params=params, headers=budget.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_every_goal_on_its_boundary_is_met(budget: ServiceHarness) -> None:
    r = load(budget, "financial-figures", _rows())
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 5

    goals = _goals(budget)
    result = goals["result"]
    assert result["status"] == "met"
    assert result["window"] == {"first": 2020, "last": 2024}
    assert result["years"] == list(YEARS)
    assert result["figures"] == [
        {"year": y, "result": RESULTS[y], "tax_and_grant_revenue": REVENUE} for y in YEARS
    ]
    assert (result["value"], result["limit"]) == (5_000_000_000, "5000000000")
    assert (result["ratio_numerator"], result["ratio_denominator"]) == (
        5_000_000_000,
        250_000_000_000,
    )
    assert (result["ratio_bp"], result["ratio_exact"], result["threshold_bp"]) == (200, True, 200)

    debt = goals["net_debt"]
    assert (debt["status"], debt["ratio_bp"], debt["threshold_bp"]) == ("met", 2500, 2500)
    assert debt["figures"] == [
        {"year": 2024, "net_debt": REVENUE // 4, "tax_and_grant_revenue": REVENUE}
    ]
    assert debt["window"] is None

    financing = goals["self_financing"]
    assert (financing["status"], financing["ratio_bp"]) == ("met", 10_000)
    assert financing["value"] == 5_000_000_000 and financing["debt_goal_status"] == "met"

    balance = goals["balance_requirement"]
    assert (balance["status"], balance["value"], balance["limit"]) == ("met", 0, "0")


def test_one_krona_beside_each_boundary_is_not_met(budget: ServiceHarness) -> None:
    worse = _rows(
        result=RESULTS[2024] - 1,
        balance_adjustments=-RESULTS[2024],
        net_debt=REVENUE // 4 + 1,
    )
    assert load(budget, "financial-figures", worse).json()["inserted"] == 5
    goals = _goals(budget)
    assert {g: goals[g]["status"] for g in goals} == {
        "result": "not_met",
        "balance_requirement": "not_met",
        "self_financing": "not_met",
        "net_debt": "not_met",
    }
    # Shown rounded toward not meeting the goal: never 2.00 % or 25.00 % when not met.
    assert (goals["result"]["ratio_bp"], goals["result"]["ratio_exact"]) == (199, False)
    assert goals["net_debt"]["ratio_bp"] == 2501
    assert goals["self_financing"]["ratio_bp"] == 9999
    assert goals["self_financing"]["debt_goal_status"] == "not_met"
    assert goals["balance_requirement"]["value"] == -1


def test_a_window_with_a_missing_year_is_not_evaluable_naming_it(budget: ServiceHarness) -> None:
    rows = [r for r in _rows() if r["year"] != 2021]
    assert load(budget, "financial-figures", rows).status_code == 200
    goals = _goals(budget)
    result = goals["result"]
    assert result["status"] == "not_evaluable"
    assert result["missing_years"] == [2021]
    assert "2021" in result["explanation"]
    assert result["value"] is None and result["ratio_bp"] is None and result["limit"] is None
    assert [f["year"] for f in result["figures"]] == [2020, 2022, 2023, 2024]
    # The yearly goals have their year.
    assert goals["net_debt"]["status"] == "met"

    # A year with nothing stored: every goal not evaluable, nothing guessed.
    empty = _goals(budget, 2030)
    assert {g["status"] for g in empty.values()} == {"not_evaluable"}
    assert empty["result"]["missing_years"] == [2026, 2027, 2028, 2029, 2030]


def test_a_figure_not_stated_is_named(budget: ServiceHarness) -> None:
    assert load(budget, "financial-figures", _rows(net_debt=None)).status_code == 200
    debt = _goals(budget)["net_debt"]
    assert debt["status"] == "not_evaluable"
    assert debt["missing_figures"] == [{"year": 2024, "figure": "net_debt"}]
    assert _figures(budget, year=2024)[0]["net_debt"] is None


def test_bad_rows_are_422_naming_row_and_field_and_nothing_is_written(
    budget: ServiceHarness,
) -> None:
    rows = [
        _year(2020),
        _year(2021, result="många"),  # 2: text for a number
        _year(2022, investments=12.5),  # 3: a float amount
        {**_year(2023), "year": "23"},  # 4: a year not written YYYY
        {**_year(2024), "year": "2024-01"},  # 5: a month, not a year
        {k: v for k, v in _year(2024).items() if k != "depreciation"},  # 6: a figure left out
        _year(2024, tax_and_grant_revenue=0),  # 7: nothing to take 2 % of
        _year(2024, net_debt=1.0),  # 8: a float, even a whole one
    ]
    r = load(budget, "financial-figures", rows)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    named = {(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]}
    assert named == {
        (2, "result"),
        (3, "investments"),
        (4, "year"),
        (5, "year"),
        (6, "depreciation"),
        (7, "tax_and_grant_revenue"),
        (8, "net_debt"),
    }
    assert _figures(budget) == []

    partial = load(budget, "financial-figures", rows, mode="partial").json()
    assert partial["inserted"] == 1
    assert [r["row"] for r in partial["rejected"]] == [2, 3, 4, 5, 6, 7, 8]
    assert [f["year"] for f in _figures(budget)] == [2020]


def test_csv_loads_in_both_forms_and_bad_cells_are_named(budget: ServiceHarness) -> None:
    header = (
        "year;tax_and_grant_revenue;result;balance_adjustments;depreciation;investments;net_debt"
    )
    swedish = "\ufeff" + "\n".join(
        [
            header,
            "2023;50 000 000 000;0;0;2 000 000 000;2 000 000 000;12 500 000 000",
            "2024;50 000 000 000;−3 000 000 000;;2 000 000 000;1 000 000 000;",
        ]
    )
    h = {**budget.auth("write"), "Content-Type": "text/csv"}
    r = budget.client.post("/v1/financial-figures", content=swedish.encode(), headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2
    (y2024,) = _figures(budget, year=2024)
    assert (y2024["result"], y2024["balance_adjustments"], y2024["net_debt"]) == (
        -3_000_000_000,
        None,
        None,
    )

    api_form = (
        "year,tax_and_grant_revenue,result,balance_adjustments,depreciation,investments,net_debt\n"
        "2022,50000000000,12.5,0,0,0,0\n"
        "FY2021,50000000000,0,0,0,0,0\n"
        "2020,50000000000,abc,0,0,0,0\n"
    )
    r = budget.client.post("/v1/financial-figures", content=api_form.encode(), headers=h)
    assert r.status_code == 422
    assert {(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]} == {
        (1, "result"),
        (2, "year"),
        (3, "result"),
    }
    assert [f["year"] for f in _figures(budget)] == [2023, 2024]


def test_loads_are_idempotent_dry_runs_write_nothing_and_changes_are_fed(
    budget: ServiceHarness,
) -> None:
    dry = load(budget, "financial-figures", _rows(), dry_run="true").json()
    assert (dry["inserted"], dry["dry_run"]) == (5, True)
    assert _figures(budget) == []

    assert load(budget, "financial-figures", _rows()).json()["inserted"] == 5
    first = {f["year"]: f["change_seq"] for f in _figures(budget)}
    again = load(budget, "financial-figures", _rows()).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert {f["year"]: f["change_seq"] for f in _figures(budget)} == first

    changed = load(budget, "financial-figures", _rows(net_debt=1)).json()
    assert (changed["updated"], changed["unchanged"]) == (1, 4)
    fed = _figures(budget, after_seq=max(first.values()))
    assert [(f["id"], f["net_debt"]) for f in fed] == [("REGION/2024", 1)]

    audit = budget.client.get("/v1/audit", headers=budget.auth("admin")).json()["items"]
    loads = [a for a in audit if a["resource"] == "region_financial_figures"]
    assert len(loads) == 3  # two writing loads and the unchanged one; the dry run is not


def test_the_figures_export_as_csv(budget: ServiceHarness) -> None:
    load(budget, "financial-figures", _rows())
    r = budget.client.get(
        "/v1/financial-figures",
        params={"year": 2024},
        headers={**budget.auth("read"), "Accept": "text/csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    head, row = r.text.strip().splitlines()
    assert head.startswith(
        "id,year,tax_and_grant_revenue,result,balance_adjustments,depreciation,investments,"
        "net_debt,source_text,updated_at,change_seq"
    )
    assert row.startswith(
        "REGION/2024,2024,50000000000,3000000000,-3000000000,2000000000,5000000000,"
        "12500000000,test figures 2024,"
    )


# --- who may read and write the region's figures ------------------------------------------


def test_a_sus_key_may_not_read_or_write_the_regions_figures(budget: ServiceHarness) -> None:
    assert load(budget, "financial-figures", _rows()).status_code == 200
    for scope in ("read", "write", "admin"):
        sus = budget.auth(scope, "SUS")
        for path in ("/v1/financial-figures", "/v1/financial-goals?year=2024"):
            refused = budget.client.get(path, headers=sus)
            assert refused.status_code == 403, (scope, path)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert "REGION" in refused.json()["detail"]
        csv = budget.client.get("/v1/financial-figures", headers={**sus, "Accept": "text/csv"})
        assert csv.status_code == 403
    for scope in ("write", "admin"):
        r = budget.client.post(
            "/v1/financial-figures",
            json=_rows(net_debt=0),
            headers=budget.auth(scope, "SUS"),
        )
        assert r.status_code == 403 and "REGION" in r.json()["detail"]
    assert _figures(budget, year=2024)[0]["net_debt"] == REVENUE // 4  # nothing written


def test_a_key_bound_to_region_reads_and_writes_them(budget: ServiceHarness) -> None:
    r = budget.client.post(
        "/v1/financial-figures", json=_rows(), headers=budget.auth("write", "REGION")
    )
    assert r.status_code == 200 and r.json()["inserted"] == 5
    reader = budget.auth("read", "REGION")
    assert budget.client.get("/v1/financial-figures", headers=reader).status_code == 200
    goals = budget.client.get("/v1/financial-goals?year=2024", headers=reader)
    assert goals.status_code == 200 and len(goals.json()["goals"]) == 4
    # A read key may not load.
    refused = budget.client.post("/v1/financial-figures", json=_rows(), headers=budget.auth("read"))
    assert refused.status_code == 403


def test_a_row_of_another_org_unit_is_refused(budget: ServiceHarness) -> None:
    r = load(budget, "financial-figures", [_year(2024, org_unit="SUS")])
    assert r.status_code == 422
    assert [(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]] == [(1, "org_unit")]


def test_the_goals_need_a_year(budget: ServiceHarness) -> None:
    for params in ({}, {"year": "2024-01"}, {"year": "24"}):
        r = budget.client.get("/v1/financial-goals", params=params, headers=budget.auth("read"))
        assert r.status_code == 422, params
        assert r.json()["errors"][0]["loc"][-1] == "year"


# --- at once (Postgres) ---------------------------------------------------------------------


def test_the_same_load_twice_at_once_stores_each_year_once(budget: ServiceHarness) -> None:
    if budget.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]
    headers = budget.auth("write")

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = budget.client.post("/v1/financial-figures", json=_rows(), headers=headers)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200, 200]
    counts = sorted((a.json()["inserted"], a.json()["unchanged"]) for a in answers)
    assert counts == [(0, 5), (5, 0)]
    assert [f["year"] for f in _figures(budget)] == list(YEARS)
