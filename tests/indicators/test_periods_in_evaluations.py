"""Evaluations true to their period, over HTTP: monthly results rolled up (with the months
found), year to date standing in for a year not complete (with its coverage and note),
targets holding until replaced, and where each breakdown is placed."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.harness import ServiceHarness
from tests.indicators.conftest import evaluations, load, one, put_indicator, put_target

NOTE = "Resultaten för Q4 är ännu inte färdigbehandlade."


def _month_rows(org_unit: str = "SUS", skip: int | None = None) -> list[dict[str, Any]]:
    """Jan–Aug 2024 of ID9001 (percent): 9 of 10 each month, 5 of 100 in March."""
    rows = []
    for m in range(1, 9):
        if m == skip:
            continue
        num, den = (5, 100) if m == 3 else (9, 10)
        rows.append(
            {
                "indicator": "ID9001",
                "org_unit": org_unit,
                "period": f"2024-{m:02d}",
                "value": round(100 * num / den, 1),
                "numerator": num,
                "denominator": den,
            }
        )
    return rows


def test_an_indicator_rolls_up_by_its_unit_unless_told(indicators: ServiceHarness) -> None:
    assert put_indicator(indicators).json()["time_aggregation"] == "ratio"
    assert put_indicator(indicators, "ID9002", unit="count").json()["time_aggregation"] == "sum"
    told = put_indicator(indicators, "ID9003", unit="percent", time_aggregation="last")
    assert told.json()["time_aggregation"] == "last"
    r = put_indicator(indicators, "ID9004", time_aggregation="median")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][:2] == ["body", "time_aggregation"]


def test_monthly_rates_roll_up_to_jan_aug_with_the_months_found(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, "≥ 70 %")
    load(indicators, _month_rows(skip=5))
    item = one(evaluations(indicators, "SUS", "2024-01/2024-08"), "ID9001")
    # Σ 6×9 + 5 = 59 over Σ 6×10 + 100 = 160: 36,875 % (a mean of the months says 78).
    assert item["value"] == 36.875
    assert item["months"] == {"found": 7, "of": 8}
    assert (item["coverage"], item["status"]) == (None, "not_met")


def test_a_tertial_and_a_year_roll_up_the_same_months(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, _month_rows())
    t2 = one(evaluations(indicators, "SUS", "2024-T2"), "ID9001")
    assert (t2["value"], t2["months"]) == (90, {"found": 4, "of": 4})
    year = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    assert year["months"] == {"found": 8, "of": 12}


def test_a_stored_value_for_the_period_is_not_rolled_up(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(
        indicators,
        [
            *_month_rows(),
            {"indicator": "ID9001", "org_unit": "SUS", "period": "2024-Q1", "value": 1},
        ],
    )
    item = one(evaluations(indicators, "SUS", "2024-Q1"), "ID9001")
    assert (item["value"], item["months"]) == (1, None)


def test_counts_sum_and_a_last_month_indicator_takes_the_latest(indicators: ServiceHarness) -> None:
    put_indicator(indicators, "ID9002", unit="count")
    put_indicator(indicators, "ID9003", unit="percent", time_aggregation="last")
    rows = [
        {"indicator": code, "org_unit": "SUS", "period": f"2024-{m:02d}", "value": 10 * m}
        for code in ("ID9002", "ID9003")
        for m in (1, 2, 3)
    ]
    load(indicators, rows)
    items = evaluations(indicators, "SUS", "2024-Q1")
    assert one(items, "ID9002")["value"] == 60
    assert one(items, "ID9003")["value"] == 30


def test_the_region_rolls_its_units_months_up_through_the_same_rule(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    load(indicators, [*_month_rows("SUS"), *_month_rows("YSTAD", skip=8)])
    item = one(evaluations(indicators, "REGION", "2024-01/2024-08"), "ID9001")
    # Σ numerators over Σ denominators of both units' months (YSTAD has no August).
    num = (7 * 9 + 5) + (6 * 9 + 5)
    den = (7 * 10 + 100) + (6 * 10 + 100)
    assert item["value"] == round(100 * num / den, 4)
    assert (item["aggregated"], item["months"]) == (True, {"found": 8, "of": 8})


def _svf_like(h: ServiceHarness, *, with_jan_sep_2023: bool) -> None:
    put_indicator(
        h,
        "ID9005",
        unit="index_score",
        coverage_notes={"2024-01/2024-09": NOTE},
    )
    put_target(h, "ID9005", 2024, "NPE: förbättring ≥1,0 enhet")
    rows = [
        {"indicator": "ID9005", "org_unit": "REGION", "period": "2024-01/2024-09", "value": 86.4},
        {"indicator": "ID9005", "org_unit": "REGION", "period": "2023", "value": 85.0},
    ]
    if with_jan_sep_2023:
        rows.append(
            {
                "indicator": "ID9005",
                "org_unit": "REGION",
                "period": "2023-01/2023-09",
                "value": 85.9,
            }
        )
    load(h, rows)


def test_a_year_not_complete_is_judged_on_its_year_to_date(indicators: ServiceHarness) -> None:
    _svf_like(indicators, with_jan_sep_2023=False)
    item = one(evaluations(indicators, "REGION", "2024"), "ID9005")
    assert (item["value"], item["coverage"], item["coverage_note"]) == (
        86.4,
        "2024-01/2024-09",
        NOTE,
    )
    assert (item["compared_with"], item["status"]) == ({"period": "2023", "value": 85}, "met")


def test_year_to_date_compares_like_with_like_when_it_can(indicators: ServiceHarness) -> None:
    _svf_like(indicators, with_jan_sep_2023=True)
    item = one(evaluations(indicators, "REGION", "2024"), "ID9005")
    assert item["compared_with"] == {"period": "2023-01/2023-09", "value": 85.9}
    assert item["status"] == "not_met"  # +0,5 on Jan–Sep 2023


def test_evaluations_as_csv_carry_coverage_and_months(indicators: ServiceHarness) -> None:
    _svf_like(indicators, with_jan_sep_2023=False)
    put_indicator(indicators)
    load(indicators, _month_rows(org_unit="REGION", skip=5))
    r = indicators.client.get(
        "/v1/evaluations",
        params={"org_unit": "REGION", "period": "2024"},
        headers={**indicators.auth("read"), "Accept": "text/csv"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = {
        (row["indicator"], row["breakdown"]): row for row in csv.DictReader(io.StringIO(r.text))
    }
    svf = rows[("ID9005", "total")]
    assert (svf["coverage"], svf["coverage_note"], svf["compared_with_period"]) == (
        "2024-01/2024-09",
        NOTE,
        "2023",
    )
    monthly = rows[("ID9001", "total")]
    assert (monthly["months_found"], monthly["months_of"], monthly["coverage"]) == ("7", "12", "")


def test_a_target_holds_until_a_later_one_replaces_it(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">85%")
    item = one(evaluations(indicators, "SUS", "2025"), "ID9001")
    assert (item["target"]["expression"], item["target"]["year"]) == (">85%", 2024)
    put_target(indicators, "ID9001", 2025, ">90%")
    item = one(evaluations(indicators, "SUS", "2025"), "ID9001")
    assert (item["target"]["expression"], item["target"]["year"]) == (">90%", 2025)
    assert one(evaluations(indicators, "SUS", "2024"), "ID9001")["target"]["year"] == 2024


def test_a_breakdown_sits_where_its_placement_puts_it(indicators: ServiceHarness) -> None:
    placed = {
        "area": "G2.A6",
        "delmal": "Fortsatt utveckling av standardiserade vårdförlopp (SVF)",
        "breakdowns": ["standardiserade_vardforlopp"],
    }
    out = put_indicator(indicators, placements=[placed]).json()
    assert out["area"] == "God tillgänglighet"
    assert [p["area"] for p in out["placements"]] == [
        "God tillgänglighet",
        "Högkvalitativ cancervård i hela Skåne",
    ]
    load(
        indicators,
        [
            {"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 1},
            {
                "indicator": "ID9001",
                "org_unit": "SUS",
                "period": "2024",
                "breakdown": "standardiserade_vardforlopp",
                "value": 2,
            },
        ],
    )
    items = evaluations(indicators, "SUS", "2024")
    assert one(items, "ID9001")["area"] == "God tillgänglighet"
    svf = one(items, "ID9001", "standardiserade_vardforlopp")
    assert (svf["goal"], svf["area"]) == (
        "Tillgänglighet och kvalitet",
        "Högkvalitativ cancervård i hela Skåne",
    )


def test_a_bad_placement_or_note_is_a_422_naming_it(indicators: ServiceHarness) -> None:
    unknown = put_indicator(indicators, placements=[{"area": "Atlantis", "breakdowns": ["x"]}])
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "placements", 0, "area"]
    twice = put_indicator(
        indicators,
        placements=[
            {"area": "G2.A6", "breakdowns": ["svf"]},
            {"area": "G2.A2", "breakdowns": ["svf"]},
        ],
    )
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["loc"] == ["body", "placements", 1, "breakdowns"]
    note = put_indicator(indicators, coverage_notes={"Q1-Q3": "x"})
    assert note.status_code == 422
    assert note.json()["errors"][0]["loc"][:2] == ["body", "coverage_notes"]
    assert (
        indicators.client.get("/v1/indicators/ID9001", headers=indicators.auth("read")).status_code
        == 404
    )
