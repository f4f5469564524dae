"""One evaluation pass for the follow-up view: ``GET /v1/evaluation-summary`` gives exactly
the items of ``/v1/evaluations`` and ``/v1/area-evaluations``, fresh on read, scoped like
them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, put_target, result_row

CASES = [
    ("REGION", "2024"),
    ("REGION", "2024-08"),
    ("REGION", "2023"),
    ("HSN", "2024"),
    ("RS", "2024-Q3"),
    ("SUS", "2024"),
    ("REGION", "2024-01/2024-09"),
]


def _get(h: ServiceHarness, path: str, unit: str, period: str, **headers: str) -> Any:
    r = h.client.get(
        path, params={"org_unit": unit, "period": period}, headers=headers or h.auth("read")
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(("unit", "period"), CASES)
def test_the_summary_is_the_two_lists(seeded: ServiceHarness, unit: str, period: str) -> None:
    summary = _get(seeded, "/v1/evaluation-summary", unit, period)
    assert set(summary) == {"evaluations", "areas"}
    assert summary["evaluations"] == _get(seeded, "/v1/evaluations", unit, period)["items"]
    assert summary["areas"] == _get(seeded, "/v1/area-evaluations", unit, period)["items"]
    if unit == "REGION" and period == "2024":
        assert len(summary["evaluations"]) > 100 and summary["areas"]


def test_a_result_written_is_in_the_next_summary(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">80%")
    before = _get(indicators, "/v1/evaluation-summary", "SUS", "2024")
    assert [e["status"] for e in before["evaluations"]] == ["no_data"]
    assert before["areas"][0]["verdict"] == "not_evaluable"
    assert load(indicators, [result_row(value=91)]).status_code == 200
    after = _get(indicators, "/v1/evaluation-summary", "SUS", "2024")
    assert [(e["value"], e["status"]) for e in after["evaluations"]] == [(91, "met")]
    assert (after["areas"][0]["met"], after["areas"][0]["verdict"]) == (1, "met")
    assert load(indicators, [result_row(value=70)]).json()["updated"] == 1
    again = _get(indicators, "/v1/evaluation-summary", "SUS", "2024")
    assert [(e["value"], e["status"]) for e in again["evaluations"]] == [(70, "not_met")]


def test_a_region_summary_sums_the_units_fresh(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">80%")
    load(
        indicators,
        [
            result_row(org_unit="SUS", value=90, numerator=90, denominator=100),
            result_row(org_unit="YSTAD", value=60, numerator=30, denominator=50),
        ],
    )
    (item,) = _get(indicators, "/v1/evaluation-summary", "REGION", "2024")["evaluations"]
    assert (item["value"], item["aggregated"], item["status"]) == (80, True, "not_met")


def test_a_bound_key_reads_only_its_own_units_summary(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    sus = indicators.auth("read", "SUS")
    own = indicators.client.get(
        "/v1/evaluation-summary", params={"org_unit": "SUS", "period": "2024"}, headers=sus
    )
    assert own.status_code == 200
    for unit in ("YSTAD", "REGION"):
        r = indicators.client.get(
            "/v1/evaluation-summary", params={"org_unit": unit, "period": "2024"}, headers=sus
        )
        assert r.status_code == 403, unit
        assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"org_unit": "REGION"}, "period"), ({"period": "2024"}, "org_unit")],
)
def test_a_summary_needs_the_org_unit_and_the_period(
    indicators: ServiceHarness, params: dict[str, str], field: str
) -> None:
    r = indicators.client.get(
        "/v1/evaluation-summary", params=params, headers=indicators.auth("read")
    )
    assert r.status_code == 422
    assert field in r.text
