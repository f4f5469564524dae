"""What the budget service expected and got (``GET /v1/expected``): each month of a
period's outcome, and the forecast of the round a period closes (mars, maj, augusti,
oktober)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from services.budget.due_rules import Booked, forecast_answer, outcome_answer
from services.budget.round_rules import round_closed_by
from shared.periods import Period
from tests.budget.helpers import MN, forecast, load, outcome, put_line
from tests.harness import ServiceHarness

AUGUST = "2024-01/2024-08"


def _expected(budget: ServiceHarness, org_unit: str, *periods: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else budget.auth("read")
    return budget.client.get(
        "/v1/expected",
        params=[("org_unit", org_unit), *(("period", p) for p in periods)],
        headers=headers,
    )


def _items(budget: ServiceHarness, org_unit: str, *periods: str) -> dict[tuple[str, str], Any]:
    """(period, kind) → item."""
    r = _expected(budget, org_unit, *periods)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["periods"] == list(periods)
    return {(i["period"], i["kind"]): i for i in body["items"]}


def _setup(budget: ServiceHarness, unit: str = "HSN") -> None:
    put_line(budget, unit, 2024, "tandvard", revenue=0, cost=1200 * MN)
    put_line(budget, unit, 2024, "lakemedel", revenue=120 * MN, cost=240 * MN)
    rows = [outcome(unit, "tandvard", f"2024-{m:02d}", 0, 100 * MN) for m in range(1, 7)]
    rows += [outcome(unit, "lakemedel", f"2024-{m:02d}", 10 * MN, 20 * MN) for m in range(1, 9)]
    assert load(budget, "outcomes", rows).status_code == 200
    made = [forecast(unit, "tandvard", "2024-03", 0, 1150 * MN)]
    assert load(budget, "forecasts", made).status_code == 200


def test_hsn_outcomes_and_forecast_rounds_expected_and_got(budget: ServiceHarness) -> None:
    _setup(budget)
    items = _items(budget, "HSN", "2024-03", AUGUST, "2024")
    assert set(items) == {
        ("2024-03", "outcome"),
        ("2024-03", "forecast"),
        (AUGUST, "outcome"),
        (AUGUST, "forecast"),
        ("2024", "outcome"),
    }
    march = items[("2024-03", "forecast")]
    assert march["received"] is True
    assert march["subject"] == {"round": "mars", "made_in": "2024-03", "lines": 1, "total": False}
    listed = budget.client.get(
        "/v1/forecasts", params={"org_unit": "HSN"}, headers=budget.auth("read")
    ).json()["items"]
    assert march["received_at"] == listed[0]["updated_at"]

    august = items[(AUGUST, "outcome")]
    assert august["received"] is True and august["subject"]["months_booked"] == 8
    assert items[(AUGUST, "forecast")]["received"] is False
    assert items[(AUGUST, "forecast")]["received_at"] is None
    assert items[(AUGUST, "forecast")]["subject"]["round"] == "augusti"
    year = items[("2024", "outcome")]
    assert year["received"] is False
    assert year["subject"]["missing_months"] == ["2024-09", "2024-10", "2024-11", "2024-12"]
    assert "2024-09" in year["detail"]


def test_a_stated_total_answers_for_the_forecast_and_the_outcome(budget: ServiceHarness) -> None:
    _setup(budget)
    totals = [
        {"org_unit": "HSN", "year": 2024, "kind": "forecast", "month": "2024-08", "result": -5},
        {"org_unit": "HSN", "year": 2024, "kind": "outcome", "month": "2024-10", "result": 7},
    ]
    assert load(budget, "totals", totals).status_code == 200
    items = _items(budget, "HSN", AUGUST, "2024-01/2024-10")
    august = items[(AUGUST, "forecast")]
    assert august["received"] is True
    assert august["subject"] == {
        "round": "augusti",
        "made_in": "2024-08",
        "lines": 0,
        "total": True,
    }
    # Months 9 and 10 are not booked on lines, but the total runs through October.
    october = items[("2024-01/2024-10", "outcome")]
    assert october["received"] is True
    assert october["subject"]["total_through"] == "2024-10"
    assert october["subject"]["missing_months"] == ["2024-09", "2024-10"]
    assert items[("2024-01/2024-10", "forecast")]["received"] is False


def test_the_region_is_expected_nothing_here(budget: ServiceHarness) -> None:
    assert _items(budget, "REGION", AUGUST) == {}


def test_a_bound_key_reads_only_its_own_units(budget: ServiceHarness) -> None:
    _setup(budget)
    _setup(budget, "SUS")
    sus = budget.key("read", "SUS")
    own = _expected(budget, "SUS", AUGUST, key=sus)
    assert own.status_code == 200
    assert {i["org_unit"] for i in own.json()["items"]} == {"SUS"}
    for unit in ("HSN", "REGION"):
        r = _expected(budget, unit, AUGUST, key=sus)
        assert r.status_code == 403, unit
        assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_periods_are_named(budget: ServiceHarness) -> None:
    r = _expected(budget, "HSN", "2024", "2024-08/2024-01")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "period", 1]


def test_the_answer_takes_the_same_queries_whatever_the_count(budget: ServiceHarness) -> None:
    def selects() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            if str(args[2]).lstrip().upper().startswith("SELECT"):
                seen.append(str(args[2]))

        sa.event.listen(budget.engine, "before_cursor_execute", count)
        try:
            assert _expected(budget, "HSN", "2024-03", AUGUST, "2024").status_code == 200
        finally:
            sa.event.remove(budget.engine, "before_cursor_execute", count)
        return len(seen)

    _setup(budget)
    selects()  # the key is looked up once, then remembered
    assert selects() == 0  # nothing changed: the kept answer, nothing computed
    budget.unrelated_write()
    few = selects()
    assert few == 3
    for n in range(12):
        put_line(budget, "HSN", 2024, f"linje{n}", revenue=0, cost=MN)
        rows = [outcome("HSN", f"linje{n}", f"2024-{m:02d}", 0, 1) for m in range(1, 13)]
        assert load(budget, "outcomes", rows).status_code == 200
    assert selects() == few


# --------------------------------------------------------------------------- the rules


def test_the_round_a_period_closes() -> None:
    closed = {p: round_closed_by(Period.parse(p)) for p in ("2024-03", AUGUST, "2024-Q1", "2024")}
    assert closed == {
        "2024-03": ("mars", "2024-03"),
        AUGUST: ("augusti", "2024-08"),
        "2024-Q1": ("mars", "2024-03"),
        "2024": None,
    }
    assert round_closed_by(Period.parse("2024-05")) == ("maj", "2024-05")
    assert round_closed_by(Period.parse("2024-10")) == ("oktober", "2024-10")


def test_outcome_and_forecast_answers() -> None:
    t0 = datetime(2024, 9, 5, tzinfo=UTC)
    q1 = Period.parse("2024-Q1")
    booked = {f"2024-0{m}": Booked(2, t0 + timedelta(days=m)) for m in (1, 2, 3)}
    whole = outcome_answer(q1, booked, {})
    assert (whole.received, whole.received_at, whole.missing_months) == (
        True,
        t0 + timedelta(days=3),
        [],
    )
    gap = outcome_answer(q1, {k: v for k, v in booked.items() if k != "2024-02"}, {})
    assert (gap.received, gap.received_at, gap.missing_months) == (False, None, ["2024-02"])
    by_total = outcome_answer(q1, {}, {"2024-03": t0})
    assert (by_total.received, by_total.received_at, by_total.total_through) == (
        True,
        t0,
        "2024-03",
    )
    # A total through another month does not answer for this one.
    assert outcome_answer(q1, {}, {"2024-02": t0}).received is False
    none = forecast_answer("maj", "2024-05", None, None)
    assert (none.received, none.lines, none.total) == (False, 0, False)
    both = forecast_answer("maj", "2024-05", Booked(3, t0), t0 - timedelta(days=1))
    assert (both.received, both.received_at, both.lines, both.total) == (
        True,
        t0 - timedelta(days=1),
        3,
        True,
    )
