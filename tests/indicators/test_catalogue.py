"""Indikatorbiblioteket over HTTP: indicators in the goal tree and their versioned targets."""

from __future__ import annotations

from tests.harness import ServiceHarness
from tests.indicators.conftest import INDICATOR, put_indicator, put_target


def test_put_creates_an_indicator_with_its_place_in_the_goal_tree(
    indicators: ServiceHarness,
) -> None:
    r = put_indicator(indicators)
    assert r.status_code == 201, r.text
    assert r.headers["ETag"]
    body = r.json()
    assert body["goal"] == "Tillgänglighet och kvalitet"
    assert body["reportable_at"] == ["region", "committee", "hospital_board"]
    got = indicators.client.get("/v1/indicators/ID9001", headers=indicators.auth("read"))
    assert got.json()["area"] == "God tillgänglighet"


def test_an_area_outside_the_goal_hierarchy_is_rejected(indicators: ServiceHarness) -> None:
    r = put_indicator(indicators, area="Bra vård")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "area"]


def test_codes_without_an_ib_id_are_accepted_but_malformed_codes_are_not(
    indicators: ServiceHarness,
) -> None:
    assert put_indicator(indicators, "EJIB-DIGBOK").status_code == 201
    assert put_indicator(indicators, "id 1").status_code == 422


def test_creating_an_indicator_needs_an_admin_key(indicators: ServiceHarness) -> None:
    r = indicators.client.put(
        "/v1/indicators/ID9001", json=INDICATOR, headers=indicators.auth("write")
    )
    assert r.status_code == 403
    assert indicators.client.put("/v1/indicators/ID9001", json=INDICATOR).status_code == 401


def test_a_stale_if_match_is_refused(indicators: ServiceHarness) -> None:
    etag = put_indicator(indicators).headers["ETag"]
    put_indicator(indicators, name="Nytt namn")
    r = indicators.client.put(
        "/v1/indicators/ID9001",
        json=INDICATOR,
        headers={**indicators.auth(), "If-Match": etag},
    )
    assert r.status_code == 412


def test_indicators_are_listed_by_area_with_paging(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/indicators",
        params={"area": "God tillgänglighet", "limit": 5},
        headers=seeded.auth("read"),
    )
    page = r.json()
    assert len(page["items"]) == 5
    assert {i["area"] for i in page["items"]} == {"God tillgänglighet"}
    rest = seeded.client.get(page["next"], headers=seeded.auth("read")).json()
    assert not {i["code"] for i in rest["items"]} & {i["code"] for i in page["items"]}


def test_population_indicators_cannot_be_reported_by_hospital_boards(
    seeded: ServiceHarness,
) -> None:
    body = seeded.client.get("/v1/indicators/ID0028", headers=seeded.auth("read")).json()
    assert body["not_reportable_by"] == ["hospital_board"]
    assert "hospital_board" not in body["reportable_at"]


def test_targets_are_stored_as_written_and_parsed(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = put_target(indicators, "ID9001", 2024, "<0,5/100 vpl.")
    assert r.status_code == 200, r.text
    assert r.json()["parsed"] == {
        "kind": "threshold",
        "operator": "<",
        "value": "0.5",
        "unit": "per_100_vardplatser",
        "change": None,
        "per_year": False,
    }
    listed = indicators.client.get("/v1/indicators/ID9001/targets", headers=indicators.auth("read"))
    assert [(t["year"], t["expression"], t["source"]) for t in listed.json()["items"]] == [
        (2024, "<0,5/100 vpl.", "region")
    ]


def test_an_unreadable_target_is_a_422_saying_what_could_not_be_read(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    r = put_target(indicators, "ID9001", 2024, "bättre än förut")
    assert r.status_code == 422
    assert "could not be read" in r.json()["detail"]
    assert r.json()["errors"][0]["loc"] == ["body", "expression"]


def test_a_committee_target_looser_than_the_regions_is_rejected(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">85%")
    r = put_target(indicators, "ID9001", 2024, ">80%", org_unit="SUS")
    assert r.status_code == 422
    assert "at least as strict" in r.json()["detail"]
    assert put_target(indicators, "ID9001", 2024, ">90%", org_unit="SUS").status_code == 200


def test_a_target_for_an_unknown_indicator_is_404(indicators: ServiceHarness) -> None:
    assert put_target(indicators, "ID9999", 2024, ">85%").status_code == 404


def test_a_target_year_out_of_range_is_a_422_naming_the_year(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = put_target(indicators, "ID9001", 1850, ">85%")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["path", "year"]


def test_a_target_for_an_unknown_org_unit_is_a_422_naming_it(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = put_target(indicators, "ID9001", 2024, ">90%", org_unit="ATLANTIS")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "org_unit"]


def test_a_bound_key_may_not_set_another_units_target(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = indicators.client.put(
        "/v1/indicators/ID9001/targets/2024",
        json={"expression": ">90%", "org_unit": "YSTAD"},
        headers=indicators.auth("admin", "SUS"),
    )
    assert r.status_code == 403
