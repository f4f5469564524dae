"""Evaluations over HTTP: the region's Σ/Σ value, the target in force, the edge checks."""

from __future__ import annotations

from tests.harness import ServiceHarness
from tests.indicators.conftest import (
    evaluations,
    load,
    one,
    put_indicator,
    put_target,
    result_row,
)


def test_region_value_is_sum_of_numerators_over_sum_of_denominators(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">= 80 %")
    # 90 % of 10 and 50 % of 100: the mean of percentages (70) would fail, Σ/Σ = 59/110 = 53,6364 %.
    load(
        indicators,
        [
            result_row(value=90, numerator=9, denominator=10),
            result_row(org_unit="YSTAD", value=50, numerator=50, denominator=100),
        ],
    )
    item = one(evaluations(indicators, "REGION", "2024"), "ID9001")
    assert item["aggregated"] is True
    assert item["value"] == 53.6364
    assert item["status"] == "not_met"


def test_a_stored_region_value_wins_over_the_units(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(
        indicators,
        [result_row(numerator=9, denominator=10), result_row(org_unit="REGION", value=81)],
    )
    item = one(evaluations(indicators, "REGION", "2024"), "ID9001")
    assert (item["value"], item["aggregated"]) == (81, False)


def test_a_committees_own_target_wins_for_that_committee(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">85%")
    put_target(indicators, "ID9001", 2024, ">92%", org_unit="SUS")
    load(indicators, [result_row(value=90), result_row(org_unit="YSTAD", value=90)])
    sus = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    ystad = one(evaluations(indicators, "YSTAD", "2024"), "ID9001")
    assert (sus["target"]["source"], sus["status"]) == ("org_unit", "not_met")
    assert (ystad["target"]["source"], ystad["status"]) == ("region", "met")


def test_a_malformed_period_in_a_query_is_a_422(indicators: ServiceHarness) -> None:
    r = indicators.client.get(
        "/v1/evaluations",
        params={"org_unit": "REGION", "period": "24"},
        headers=indicators.auth("read"),
    )
    assert r.status_code == 422


def test_an_unknown_org_unit_is_a_422_naming_it(indicators: ServiceHarness) -> None:
    for path in ("/v1/evaluations", "/v1/area-evaluations"):
        r = indicators.client.get(
            path,
            params={"org_unit": "ATLANTIS", "period": "2024"},
            headers=indicators.auth("read"),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["loc"] == ["query", "org_unit"]


def test_an_unknown_indicator_is_404(indicators: ServiceHarness) -> None:
    r = indicators.client.get(
        "/v1/evaluations",
        params={"org_unit": "REGION", "period": "2024", "indicator": "ID9999"},
        headers=indicators.auth("read"),
    )
    assert r.status_code == 404
