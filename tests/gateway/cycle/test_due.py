"""What is due for a committee and who is late: the calendar joined with what each service
expected and got, the committee's decisions, and the gauge an alert reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from shared.readcache import region_today
from shared.suite import Stack
from tests.gateway.stack import metric

AS_OF = date(2024, 9, 15)


def due(gw: httpx.Client, stack: Stack, key: str = "read", **query: str) -> httpx.Response:
    params = {"org_unit": "HSN", "as_of": AS_OF.isoformat(), **query}
    return gw.get("/v1/due", params=params, headers=stack.auth(key))


def calendar(gw: httpx.Client, stack: Stack, year: int) -> dict[str, Any]:
    answer = gw.get("/v1/calendar", params={"year": year}, headers=stack.auth("read"))
    return {o["id"]: o for o in answer.json()["occasions"]}


def test_hsn_as_of_mid_september_lacks_every_forecast_round_made_so_far(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    answer = due(cgw, cycle_stack)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body["partial"]
    occasions = calendar(cgw, cycle_stack, 2024)
    # No forecasts ship with the suite: each round whose period has ended is late, or due
    # when its date has not passed (the delårsrapport's augusti round).
    forecasts = {i["occasion_id"]: i for i in body["items"] if i["kind"] == "forecast"}
    assert set(forecasts) == {"2024-03", "2024-05", "2024-delar"}
    for occasion_id, item in forecasts.items():
        due_on = date.fromisoformat(occasions[occasion_id]["due_by_org_unit"]["HSN"])
        assert item["due_date"] == due_on.isoformat()
        if due_on < AS_OF:
            assert (item["state"], item["days_late"]) == ("late", (AS_OF - due_on).days)
        else:
            assert (item["state"], item["days_late"]) == ("due", 0)
    assert forecasts["2024-03"]["state"] == "late"
    assert forecasts["2024-delar"]["state"] == "due"
    # The October round's period has not ended: nothing is due for it yet.
    assert not [i for i in body["items"] if i["occasion_id"] == "2024-10"]

    # Every kind the delårsrapport asks for is listed, from the service that owns it.
    interim = {(i["kind"], i["source"]) for i in body["items"] if i["occasion_id"] == "2024-delar"}
    assert {
        ("forecast", "budget"),
        ("outcome", "budget"),
        ("status_report", "assignments"),
        ("decision", "followup"),
    } <= interim
    counts = body["counts"]
    assert counts["late"] == sum(1 for i in body["items"] if i["state"] == "late")
    assert counts["unavailable"] == 0


def test_the_gauge_counts_late_items_by_unit_and_kind(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    body = due(cgw, cycle_stack).json()
    late_forecasts = sum(
        1 for i in body["items"] if i["kind"] == "forecast" and i["state"] == "late"
    )
    assert late_forecasts >= 2
    assert metric(cgw, "followup_late_items", org_unit="HSN", kind="forecast") == late_forecasts
    late_outcomes = sum(1 for i in body["items"] if i["kind"] == "outcome" and i["state"] == "late")
    assert metric(cgw, "followup_late_items", org_unit="HSN", kind="outcome") == late_outcomes


def test_due_is_read_scoped_and_checks_its_input(cgw: httpx.Client, cycle_stack: Stack) -> None:
    assert due(cgw, cycle_stack, key="read_sus").status_code == 403
    assert due(cgw, cycle_stack, key="read_sus", org_unit="SUS").status_code == 200
    region = due(cgw, cycle_stack, org_unit="REGION")
    assert region.status_code == 422
    assert region.json()["errors"][0]["loc"] == ["org_unit"]
    bad_date = due(cgw, cycle_stack, as_of="15/9")
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"][0]["loc"] == ["query", "as_of"]
    unknown = due(cgw, cycle_stack, org_unit="NOWHERE")
    assert unknown.status_code == 422
    no_key = cgw.get("/v1/due", params={"org_unit": "HSN"})
    assert no_key.status_code == 401


def test_a_service_down_marks_its_part_unavailable_not_empty(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    with cycle_stack.killed("budget"):
        answer = due(cgw, cycle_stack)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["partial"] is True
    assert body["sources"]["budget"] == "unavailable"
    assert body["problems"]["budget"]["status"] == 503
    budget_items = [i for i in body["items"] if i["source"] == "budget"]
    assert budget_items and {i["state"] for i in budget_items} == {"unavailable"}
    assert {i["occasion_id"] for i in budget_items if i["kind"] == "forecast"} == {
        "2024-03",
        "2024-05",
        "2024-delar",
    }
    # The other services' items are there as ever.
    assert any(i["source"] == "indicators" and i["state"] != "unavailable" for i in body["items"])


def test_the_overview_counts_each_committees_late_items(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    overview = cgw.get("/v1/follow-up", params={"period": "2024"}, headers=cycle_stack.auth())
    assert overview.status_code == 200, overview.text
    rows = {r["org_unit"]: r for r in overview.json()["committees"]}
    # As of today every 2024 occasion has long been due; no forecasts ship, so HSN is late.
    assert rows["HSN"]["late"] > 0
    hsn = cgw.get("/v1/due", params={"org_unit": "HSN"}, headers=cycle_stack.auth("read")).json()
    assert isinstance(rows["SUS"]["late"], int)
    assert hsn["as_of"] == region_today().isoformat()  # the region's date, not the machine's
