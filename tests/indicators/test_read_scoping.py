"""Read scoping: a key bound to org units reads only its own units' results and
evaluations; indicators and the region's targets are read by every key; defining them
needs an admin key not bound to org units."""

from __future__ import annotations

import csv
import io

from tests.harness import ServiceHarness
from tests.indicators.conftest import INDICATOR, load, put_indicator, put_target, result_row


def _two_units(h: ServiceHarness) -> None:
    put_indicator(h)
    put_target(h, "ID9001", 2024, ">80%")
    load(h, [result_row(), result_row(org_unit="YSTAD", value=70)])


def test_a_bound_key_lists_only_its_own_units_results(indicators: ServiceHarness) -> None:
    _two_units(indicators)
    sus = indicators.auth("read", "SUS")
    listed = indicators.client.get("/v1/results", headers=sus).json()["items"]
    assert {r["org_unit"] for r in listed} == {"SUS"}
    assert (
        indicators.client.get("/v1/results", params={"org_unit": "SUS"}, headers=sus).status_code
        == 200
    )
    other = indicators.client.get("/v1/results", params={"org_unit": "YSTAD"}, headers=sus)
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
    exported = indicators.client.get("/v1/results", headers={**sus, "Accept": "text/csv"})
    assert {row["org_unit"] for row in csv.DictReader(io.StringIO(exported.text))} == {"SUS"}
    everyone = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()
    assert {r["org_unit"] for r in everyone["items"]} == {"SUS", "YSTAD"}


def test_a_bound_key_evaluates_only_its_own_units(indicators: ServiceHarness) -> None:
    _two_units(indicators)
    sus = indicators.auth("read", "SUS")
    for path in ("/v1/evaluations", "/v1/area-evaluations"):
        own = indicators.client.get(path, params={"org_unit": "SUS", "period": "2024"}, headers=sus)
        assert own.status_code == 200
        for unit in ("YSTAD", "REGION"):
            r = indicators.client.get(
                path, params={"org_unit": unit, "period": "2024"}, headers=sus
            )
            assert r.status_code == 403, (path, unit)


def test_hsn_reads_the_regions_values_under_its_own_name(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(org_unit="REGION", value=81)])
    hsn = indicators.auth("read", "HSN")
    r = indicators.client.get(
        "/v1/evaluations", params={"org_unit": "HSN", "period": "2024"}, headers=hsn
    )
    (item,) = r.json()["items"]
    assert (item["org_unit"], item["value_org_unit"], item["value"]) == ("HSN", "REGION", 81)
    region = indicators.client.get(
        "/v1/evaluations", params={"org_unit": "REGION", "period": "2024"}, headers=hsn
    )
    assert region.status_code == 403


def test_every_key_reads_indicators_and_the_regions_targets(indicators: ServiceHarness) -> None:
    _two_units(indicators)
    put_target(indicators, "ID9001", 2024, ">90%", org_unit="YSTAD")
    put_target(indicators, "ID9001", 2024, ">85%", org_unit="SUS")
    sus = indicators.auth("read", "SUS")
    assert indicators.client.get("/v1/indicators", headers=sus).json()["items"][0]["code"] == (
        "ID9001"
    )
    assert indicators.client.get("/v1/indicators/ID9001", headers=sus).status_code == 200
    targets = indicators.client.get("/v1/indicators/ID9001/targets", headers=sus).json()["items"]
    assert sorted(str(t["org_unit"]) for t in targets) == ["None", "SUS"]


def test_defining_region_wide_things_needs_an_unbound_admin(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    bound = indicators.auth("admin", "SUS")
    r = indicators.client.put("/v1/indicators/ID9002", json=INDICATOR, headers=bound)
    assert r.status_code == 403
    region_target = indicators.client.put(
        "/v1/indicators/ID9001/targets/2024", json={"expression": ">80%"}, headers=bound
    )
    assert region_target.status_code == 403
    own = indicators.client.put(
        "/v1/indicators/ID9001/targets/2024",
        json={"expression": ">80%", "org_unit": "SUS"},
        headers=bound,
    )
    assert own.status_code == 200
    assert indicators.client.get("/v1/indicators/ID9002", headers=bound).status_code == 404
