"""Production volumes (``GET /v1/production``): what seed 002 states comes out with the
change it states, monthly volumes are compared with the same months of the previous year
(a missing month is a gap, never filled), and bad input is a 422 naming the field."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from tests.harness import ServiceHarness
from tests.indicators.conftest import INDICATOR, evaluations, load, put_indicator, put_target


def production(h: ServiceHarness, org_unit: str, period: str, **params: Any) -> Any:
    return h.client.get(
        "/v1/production",
        params={"org_unit": org_unit, "period": period, **params},
        headers=h.auth("read"),
    )


def item_of(answer: Any, indicator: str) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    found = [i for i in answer.json()["items"] if i["indicator"] == indicator]
    assert len(found) == 1, found
    item: dict[str, Any] = found[0]
    return item


def exact(number: Any) -> Decimal:
    return Decimal(str(number))


def test_operations_2024_change_is_what_seed_002_states(seeded: ServiceHarness) -> None:
    # 002 line 2447: 131 850 operations in 2024, an increase of 1 071 (0,8 procent) on 2023.
    item = item_of(production(seeded, "REGION", "2024"), "PROD-OPERATIONER")
    assert item["value"] == 131850
    assert item["previous_period"] == "2023"
    assert item["change"] == 1071
    assert exact(item["change_pct"]).quantize(Decimal("0.1")) == Decimal("0.8")
    assert item["basis"] == "period" and item["gaps"] == []


def test_outpatient_share_and_drg_points_change_as_seed_002_states(seeded: ServiceHarness) -> None:
    answer = production(seeded, "REGION", "2024")
    share = item_of(answer, "PROD-OPPENVARDSANDEL")
    # 002 line 2448: "steg från 76,2 procent till 76,9 procent" (procentenheter).
    assert (share["previous_value"], share["value"]) == (76.2, 76.9)
    assert exact(share["change"]) == Decimal("0.7")
    drg = item_of(answer, "PROD-DRG-POANG")
    # 002 lines 2453-2454: "sjunker med 361,1 poäng eller 0,63 procent till 57193,5".
    assert exact(drg["value"]) == Decimal("57193.5")
    assert exact(drg["change"]) == Decimal("-361.1")
    assert exact(drg["change_pct"]) == Decimal("-0.63")


def test_research_figures_of_table_6_compare_year_on_year(seeded: ServiceHarness) -> None:
    # 002 ~1706: 47 new industry-sponsored studies in 2024, down from 62 in 2023 and 90 in 2022.
    studies = item_of(production(seeded, "REGION", "2024"), "FOU-INDUSTRISTUDIER")
    assert (studies["value"], studies["previous_value"], studies["change"]) == (47, 62, -15)
    earlier = item_of(production(seeded, "REGION", "2023"), "FOU-INDUSTRISTUDIER")
    assert (earlier["value"], earlier["previous_value"]) == (62, 90)


def test_hsn_reads_the_regions_volumes(seeded: ServiceHarness) -> None:
    item = item_of(production(seeded, "HSN", "2024"), "PROD-OPERATIONER")
    assert item["org_unit"] == "HSN" and item["value_org_unit"] == "REGION"
    assert item["value"] == 131850


def test_a_year_without_figures_is_a_gap_not_a_value(seeded: ServiceHarness) -> None:
    item = item_of(production(seeded, "REGION", "2025"), "PROD-OPERATIONER")
    assert item["value"] is None and item["previous_value"] == 131850
    assert item["change"] is None and item["change_pct"] is None
    assert item["gaps"] == ["2025"]


def test_volumes_are_not_evaluated_and_take_no_target(seeded: ServiceHarness) -> None:
    codes = {i["indicator"] for i in evaluations(seeded, "REGION", "2024")}
    assert "PROD-OPERATIONER" not in codes and "ID0069" in codes
    r = put_target(seeded, "PROD-OPERATIONER", 2025, "≥ 130000")
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["path", "code"]
    r = seeded.client.get("/v1/indicators/PROD-OPERATIONER", headers=seeded.auth("read"))
    assert r.json()["kind"] == "volume"


def _monthly_volume(h: ServiceHarness) -> None:
    volume = {**INDICATOR, "unit": "count", "kind": "volume", "name": "Unika patienter"}
    assert put_indicator(h, "VOL9001", **volume).status_code == 201
    rows = [
        {"indicator": "VOL9001", "org_unit": "SUS", "period": p, "value": v}
        for p, v in [
            ("2024-01", 1000),
            ("2024-02", 1100),
            ("2024-03", 1200),
            ("2025-01", 1050),
            ("2025-03", 1140),
        ]
    ]
    assert load(h, rows).status_code == 200


def test_months_compare_with_the_same_months_a_year_earlier_and_show_gaps(
    indicators: ServiceHarness,
) -> None:
    _monthly_volume(indicators)
    item = item_of(production(indicators, "SUS", "2025-Q1"), "VOL9001")
    assert item["basis"] == "months"
    assert item["months"] == {"compared": 2, "of": 3}
    assert item["gaps"] == ["2025-02"]
    # January and March of both years only: February 2024 is not set against nothing.
    assert (item["value"], item["previous_value"]) == (1050 + 1140, 1000 + 1200)
    assert item["change"] == (1050 + 1140) - (1000 + 1200)
    feb = next(m for m in item["monthly"] if m["month"] == "2025-02")
    assert feb == {
        "month": "2025-02",
        "value": None,
        "previous_value": 1100,
        "change": None,
        "change_pct": None,
    }
    jan = item_of(production(indicators, "SUS", "2025-01"), "VOL9001")
    assert (jan["value"], jan["previous_value"], jan["change"]) == (1050, 1000, 50)
    assert exact(jan["change_pct"]) == Decimal("5.00")


def test_the_first_year_a_period_may_have_compares_with_nothing(seeded: ServiceHarness) -> None:
    item = item_of(production(seeded, "REGION", "1990-Q1"), "PROD-OPERATIONER")
    assert item["previous_period"] == "1989-Q1" and item["change"] is None
    assert item["gaps"] == ["1990-Q1", "1989-Q1"]


def test_production_as_csv(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/production",
        params={"org_unit": "REGION", "period": "2024"},
        headers={**seeded.auth("read"), "Accept": "text/csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    ops = [row for row in rows if row["indicator"] == "PROD-OPERATIONER"]
    assert ops == [
        {
            **ops[0],
            "line": "period",
            "value": "131850",
            "previous_value": "130779",
            "change": "1071",
            "gaps": "",
        }
    ]


def test_months_in_csv_have_their_own_lines(indicators: ServiceHarness) -> None:
    _monthly_volume(indicators)
    r = indicators.client.get(
        "/v1/production",
        params={"org_unit": "SUS", "period": "2025-Q1"},
        headers={**indicators.auth("read"), "Accept": "text/csv"},
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["line"], row["period"]) for row in rows] == [
        ("period", "2025-Q1"),
        ("month", "2025-01"),
        ("month", "2025-02"),
        ("month", "2025-03"),
    ]
    assert rows[0]["gaps"] == "2025-02"


def _problem_field(r: Any) -> list[Any]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return [e["loc"][-1] for e in r.json()["errors"]]


def test_bad_input_is_a_422_naming_the_field(seeded: ServiceHarness) -> None:
    assert "period" in _problem_field(production(seeded, "REGION", "2024-13"))
    assert "period" in _problem_field(production(seeded, "REGION", "2024-01/2025-02"))
    assert "org_unit" in _problem_field(production(seeded, "NOWHERE", "2024"))
    assert "indicator" in _problem_field(production(seeded, "REGION", "2024", indicator="ID0069"))
    assert "indicator" in _problem_field(production(seeded, "REGION", "2024", indicator="ID9999"))
    r = seeded.client.get("/v1/production", params={"period": "2024"}, headers=seeded.auth("read"))
    assert "org_unit" in _problem_field(r)


def test_a_bound_key_reads_only_its_own_units(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/production",
        params={"org_unit": "HSN", "period": "2024"},
        headers=seeded.auth("read", "SUS"),
    )
    assert r.status_code == 403
    r = seeded.client.get("/v1/production", params={"org_unit": "SUS", "period": "2024"})
    assert r.status_code == 401
