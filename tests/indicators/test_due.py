"""What the indicators service expected and got (``GET /v1/expected``, ``kind: results``):
HSN's expected results are REGION's, an indicator is expected from last year's record
(same span, or monthly), received when its result (or each month's) is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from services.indicators.due_rules import expected_for, got
from shared.periods import Period
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row


def _expected(h: ServiceHarness, org_unit: str, *periods: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else h.auth("read")
    return h.client.get(
        "/v1/expected",
        params=[("org_unit", org_unit), *(("period", p) for p in periods)],
        headers=headers,
    )


def _items(h: ServiceHarness, org_unit: str, *periods: str) -> dict[tuple[str, str], Any]:
    r = _expected(h, org_unit, *periods)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_unit"] == org_unit and body["periods"] == list(periods)
    assert {i["kind"] for i in body["items"]} <= {"results"}
    return {(i["period"], i["subject"]["indicator"]): i for i in body["items"]}


def _row(code: str, unit: str, period: str) -> dict[str, Any]:
    return result_row(indicator=code, org_unit=unit, period=period)


def _months(year: int, last: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def _setup(h: ServiceHarness) -> None:
    for code in ("ID9001", "ID9002", "ID9003", "ID9004", "ID9005", "ID9006", "ID9007"):
        assert put_indicator(h, code).status_code in (200, 201)
    rows = [
        # ID9001: the region's yearly value, 2023 and 2024.
        _row("ID9001", "REGION", "2023"),
        _row("ID9001", "REGION", "2024"),
        # ID9002: the region's 2023 value, none yet for 2024.
        _row("ID9002", "REGION", "2023"),
        # ID9003: monthly in 2023; January-May of 2024 so far.
        *(_row("ID9003", "REGION", m) for m in _months(2023, 12)),
        *(_row("ID9003", "REGION", m) for m in _months(2024, 5)),
        # ID9004: SUS's own, not HSN's.
        _row("ID9004", "SUS", "2023"),
        _row("ID9004", "SUS", "2024"),
        # ID9005: nothing in 2023: not expected for 2024.
        _row("ID9005", "REGION", "2022"),
        # ID9006: HSN's own result.
        _row("ID9006", "HSN", "2023"),
        _row("ID9006", "HSN", "2024"),
        # ID9007: the region's January-August 2023 (a delårsrapport figure), none for 2024.
        _row("ID9007", "REGION", "2023-01/2023-08"),
    ]
    r = load(h, rows)
    assert r.status_code == 200, r.text


def test_hsn_expects_the_regions_results_and_sees_which_came(indicators: ServiceHarness) -> None:
    _setup(indicators)
    items = _items(indicators, "HSN", "2024-01/2024-08", "2024")
    assert set(items) == {
        ("2024-01/2024-08", "ID9003"),
        ("2024-01/2024-08", "ID9007"),
        ("2024", "ID9001"),
        ("2024", "ID9002"),
        ("2024", "ID9003"),
        ("2024", "ID9006"),
    }
    yearly = items[("2024", "ID9001")]
    assert yearly["received"] is True and yearly["subject"]["reported_by"] == "REGION"
    assert yearly["subject"]["expected_from"] == ["HSN", "REGION"]
    assert yearly["subject"]["cadence"] == "period" and yearly["org_unit"] == "HSN"
    stored = indicators.client.get(
        "/v1/results",
        params={"indicator": "ID9001", "org_unit": "REGION", "period": "2024"},
        headers=indicators.auth("read"),
    ).json()["items"]
    assert yearly["received_at"] == stored[0]["updated_at"]

    assert items[("2024", "ID9002")]["received"] is False
    assert items[("2024", "ID9002")]["received_at"] is None
    assert "No result for 2024" in items[("2024", "ID9002")]["detail"]

    monthly = items[("2024-01/2024-08", "ID9003")]
    assert monthly["received"] is False
    assert monthly["subject"]["cadence"] == "monthly"
    assert (monthly["subject"]["months_found"], monthly["subject"]["months"]) == (5, 8)
    assert "2024-06, 2024-07, 2024-08" in monthly["detail"]
    assert items[("2024-01/2024-08", "ID9007")]["received"] is False
    own = items[("2024", "ID9006")]
    assert own["received"] is True and own["subject"]["reported_by"] == "HSN"


def test_a_monthly_indicator_is_received_when_every_month_is_stored(
    indicators: ServiceHarness,
) -> None:
    _setup(indicators)
    before = _items(indicators, "HSN", "2024-01/2024-05", "2024-03")
    assert before[("2024-01/2024-05", "ID9003")]["received"] is True
    assert before[("2024-03", "ID9003")]["received"] is True
    r = load(indicators, [_row("ID9003", "REGION", m) for m in ("2024-06", "2024-07", "2024-08")])
    assert r.status_code == 200
    after = _items(indicators, "HSN", "2024-01/2024-08")[("2024-01/2024-08", "ID9003")]
    assert after["received"] is True and after["subject"]["months_found"] == 8


def test_a_unit_expects_its_own_results_only(indicators: ServiceHarness) -> None:
    _setup(indicators)
    items = _items(indicators, "SUS", "2024")
    assert set(items) == {("2024", "ID9004")}
    assert items[("2024", "ID9004")]["subject"]["expected_from"] == ["SUS"]


def test_a_bound_key_reads_only_its_own_units(indicators: ServiceHarness) -> None:
    _setup(indicators)
    sus = indicators.key("read", "SUS")
    assert _expected(indicators, "SUS", "2024", key=sus).status_code == 200
    for unit in ("HSN", "REGION"):
        r = _expected(indicators, unit, "2024", key=sus)
        assert r.status_code == 403, unit
        assert r.headers["content-type"].startswith("application/problem+json")
    hsn = indicators.key("read", "HSN")
    assert _expected(indicators, "HSN", "2024", key=hsn).status_code == 200


def test_bad_periods_are_named(indicators: ServiceHarness) -> None:
    r = _expected(indicators, "HSN", "2024", "2024-13")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "period", 1]
    missing = _expected(indicators, "HSN")
    assert missing.status_code == 422
    too_many = _expected(indicators, "HSN", *_months(2024, 12), *_months(2023, 12), "2022")
    assert too_many.status_code == 422
    assert indicators.client.get("/v1/expected", params={"period": "2024"}).status_code == 401


def test_the_answer_takes_the_same_queries_whatever_the_count(indicators: ServiceHarness) -> None:
    def statements() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            if str(args[2]).lstrip().upper().startswith("SELECT"):
                seen.append(str(args[2]))

        sa.event.listen(indicators.engine, "before_cursor_execute", count)
        try:
            assert _expected(indicators, "HSN", "2024", "2024-01/2024-08").status_code == 200
        finally:
            sa.event.remove(indicators.engine, "before_cursor_execute", count)
        return len(seen)

    _setup(indicators)
    statements()  # the key is looked up once, then remembered
    # Asked again while nothing changed: the kept answer (the data version is read on the
    # bare connection, not counted here), nothing computed; the overview asks it of every
    # committee, on every ask.
    assert statements() == 0
    indicators.unrelated_write()
    few = statements()
    assert few == 1
    codes = [f"ID8{n:03d}" for n in range(40)]
    for code in codes:
        put_indicator(indicators, code)
    load(indicators, [_row(c, "REGION", p) for c in codes for p in ("2023", "2024")])
    assert statements() == few


# --------------------------------------------------------------------------- the rules


def test_a_december_snapshot_is_not_a_monthly_indicator() -> None:
    history = [("ID0710", (2023, 1, 12)), ("ID0710", (2023, 12, 12))]
    assert expected_for(history, Period.parse("2024")) == {"ID0710": "period"}
    assert expected_for(history, Period.parse("2024-12")) == {"ID0710": "period"}
    assert expected_for(history, Period.parse("2024-Q4")) == {}
    monthly = [("X", (2023, 1, 1)), ("X", (2023, 2, 2))]
    assert expected_for(monthly, Period.parse("2024-Q4")) == {"X": "monthly"}
    # Only the year before counts.
    assert expected_for([("X", (2022, 1, 12))], Period.parse("2024")) == {}


def test_got_prefers_the_first_unit_and_names_missing_months() -> None:
    at = datetime(2024, 9, 1, tzinfo=UTC)
    later = datetime(2024, 9, 2, tzinfo=UTC)
    stored = {("X", "HSN", (2024, 1, 8)): at, ("X", "REGION", (2024, 1, 8)): later}
    came = got("X", "period", Period.parse("2024-01/2024-08"), ("HSN", "REGION"), stored)
    assert (came.received, came.reported_by, came.received_at) == (True, "HSN", at)
    months = {("X", "REGION", (2024, m, m)): at for m in (1, 2)} | {
        ("X", "REGION", (2024, 3, 3)): later
    }
    whole = got("X", "monthly", Period.parse("2024-Q1"), ("HSN", "REGION"), months)
    assert (whole.received, whole.received_at, whole.months_found) == (True, later, 3)
    part = got("X", "monthly", Period.parse("2024-T1"), ("HSN", "REGION"), months)
    assert (part.received, part.reported_by, part.months_found, part.months) == (
        False,
        "REGION",
        3,
        4,
    )
    assert "missing 2024-04" in part.detail
