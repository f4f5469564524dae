"""Forecast rounds (mars, maj, augusti, oktober): the latest round made by a month, its
deviation from the budget and its movement since the previous round, per line and for the
committee's own total; a forecast made in another month belongs to no round.

The seeds state no forecast for 2024 (seed 002): the tests make their own.
"""

from __future__ import annotations

from typing import Any

from services.budget.round_rules import (
    Round,
    latest_two,
    round_figures,
    round_of,
    rounds_through,
)
from shared.periods import Period
from tests.budget.helpers import MN, forecast, load, put_line
from tests.harness import ServiceHarness


def _rounds(budget: ServiceHarness, org_unit: str = "HSN", **params: Any) -> Any:
    r = budget.client.get(
        "/v1/forecast-rounds",
        params={"org_unit": org_unit, "year": 2024, **params},
        headers=budget.auth("read"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def _total(kind: str, result: int, month: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"org_unit": "HSN", "year": 2024, "kind": kind, "result": result}
    if month is not None:
        row["month"] = month
    return row


def _setup(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "tandvard", revenue=0, cost=1200 * MN)
    put_line(budget, "HSN", 2024, "lakemedel", revenue=120 * MN, cost=240 * MN)
    rows = [
        forecast("HSN", "tandvard", "2024-03", 0, 1150 * MN),
        forecast("HSN", "lakemedel", "2024-03", 120 * MN, 250 * MN),
        forecast("HSN", "tandvard", "2024-05", 0, 1250 * MN),  # maj: tandvård only
        forecast("HSN", "tandvard", "2024-06", 0, 9999 * MN),  # June: no round
        forecast("HSN", "tandvard", "2024-08", 0, 1320 * MN),
        forecast("HSN", "lakemedel", "2024-08", 125 * MN, 260 * MN),
    ]
    assert load(budget, "forecasts", rows).status_code == 200
    totals = [
        _total("budget", -1000 * MN),
        _total("forecast", -1050 * MN, "2024-03"),
        _total("forecast", -1100 * MN, "2024-08"),  # no total stated in maj
    ]
    assert load(budget, "totals", totals).status_code == 200


def _lines(answer: Any) -> dict[str, Any]:
    return {ln["line"]: ln for ln in answer["lines"]}


def test_the_latest_round_by_the_month_and_its_movement(budget: ServiceHarness) -> None:
    _setup(budget)
    s = _rounds(budget, through="2024-09")
    assert (s["latest_round"], s["latest_made_in"]) == ("augusti", "2024-08")
    assert (s["previous_round"], s["previous_made_in"]) == ("maj", "2024-05")
    tandvard = _lines(s)["tandvard"]
    assert tandvard["budget_result"] == -1200 * MN
    assert tandvard["forecast_result"] == -1320 * MN
    assert tandvard["deviation"] == -120 * MN
    assert tandvard["previous_forecast_result"] == -1250 * MN
    assert tandvard["movement"] == -70 * MN
    assert tandvard["mnkr"]["movement"] == "-70,0"
    lakemedel = _lines(s)["lakemedel"]
    assert (lakemedel["forecast_result"], lakemedel["deviation"]) == (-135 * MN, -15 * MN)
    # No lakemedel forecast in maj: no movement, never one invented from mars.
    assert lakemedel["previous_forecast_result"] is None and lakemedel["movement"] is None
    total = s["total"]
    assert (total["budget_result"], total["forecast_result"]) == (-1000 * MN, -1100 * MN)
    assert total["deviation"] == -100 * MN
    assert total["previous_forecast_result"] is None and total["movement"] is None
    assert [(r["round"], r["made"], r["lines"], r["total_result"]) for r in s["rounds"]] == [
        ("mars", True, 2, -1050 * MN),
        ("maj", True, 1, None),
        ("augusti", True, 2, -1100 * MN),
    ]


def test_an_earlier_month_sees_the_round_made_by_then(budget: ServiceHarness) -> None:
    _setup(budget)
    july = _rounds(budget, through="2024-07")
    assert (july["latest_round"], july["previous_round"]) == ("maj", "mars")
    tandvard = _lines(july)["tandvard"]
    # June's forecast belongs to no round: maj's stands.
    assert tandvard["forecast_result"] == -1250 * MN
    assert tandvard["movement"] == -100 * MN
    lakemedel = _lines(july)["lakemedel"]
    assert lakemedel["forecast_result"] is None and lakemedel["deviation"] is None
    assert lakemedel["previous_forecast_result"] == -130 * MN
    assert july["total"]["forecast_result"] is None
    assert july["total"]["previous_forecast_result"] == -1050 * MN
    assert july["total"]["movement"] is None

    april = _rounds(budget, through="2024-04")
    assert (april["latest_round"], april["previous_round"]) == ("mars", None)
    assert _lines(april)["tandvard"]["movement"] is None
    assert april["total"]["deviation"] == -50 * MN

    february = _rounds(budget, through="2024-02")
    assert february["rounds"] == [] and february["latest_round"] is None
    assert february["total"]["forecast_result"] is None
    assert february["total"]["budget_result"] == -1000 * MN

    december = _rounds(budget)
    assert december["through"] == "2024-12"
    assert [r["made"] for r in december["rounds"]] == [True, True, True, False]
    assert december["latest_round"] == "augusti"


def test_each_forecast_names_its_round(budget: ServiceHarness) -> None:
    _setup(budget)
    listed = budget.client.get(
        "/v1/forecasts", params={"org_unit": "HSN", "line": "tandvard"}, headers=budget.auth("read")
    ).json()["items"]
    assert {f["made_in"]: f["round"] for f in listed} == {
        "2024-03": "mars",
        "2024-05": "maj",
        "2024-06": None,
        "2024-08": "augusti",
    }
    totals = budget.client.get(
        "/v1/totals", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()["items"]
    assert {(t["kind"], t["month"]): t["round"] for t in totals} == {
        ("budget", None): None,
        ("forecast", "2024-03"): "mars",
        ("forecast", "2024-08"): "augusti",
    }


def test_a_bound_key_reads_only_its_own_units_rounds(budget: ServiceHarness) -> None:
    _setup(budget)
    sus = {"Authorization": f"Bearer {budget.key('read', 'SUS')}"}
    own = budget.client.get(
        "/v1/forecast-rounds", params={"org_unit": "SUS", "year": 2024}, headers=sus
    )
    assert own.status_code == 200 and own.json()["lines"] == []
    for unit in ("HSN", "REGION"):
        r = budget.client.get(
            "/v1/forecast-rounds", params={"org_unit": unit, "year": 2024}, headers=sus
        )
        assert r.status_code == 403, unit


def test_bad_input_is_named(budget: ServiceHarness) -> None:
    r = budget.client.get(
        "/v1/forecast-rounds",
        params={"org_unit": "HSN", "year": 2024, "through": "2023-08"},
        headers=budget.auth("read"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "through"]
    r = budget.client.get(
        "/v1/forecast-rounds",
        params={"org_unit": "HSN", "year": 2024, "through": "2024-13"},
        headers=budget.auth("read"),
    )
    assert r.status_code == 422


# --------------------------------------------------------------------------- the rules


def test_round_rules() -> None:
    assert [round_of(f"2024-{m:02d}") for m in (3, 5, 8, 10, 6, 12)] == [
        "mars",
        "maj",
        "augusti",
        "oktober",
        None,
        None,
    ]
    assert [r.name for r in rounds_through(Period.parse("2024-08"))] == ["mars", "maj", "augusti"]
    rounds = rounds_through(Period.parse("2024-12"))
    assert latest_two(rounds, {"2024-03", "2024-08"}) == (
        Round("augusti", "2024-08"),
        Round("mars", "2024-03"),
    )
    assert latest_two(rounds, set()) == (None, None)
    figures = round_figures(-100, -130, -110)
    assert (figures.deviation, figures.movement) == (-30, -20)
    missing = round_figures(None, -130, None)
    assert (missing.deviation, missing.movement) == (None, None)
