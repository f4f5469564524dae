"""The reporting calendar: the plan's occasions of a year with their dates, and an admin's
change of an occasion's due dates (If-Match under the store's lock, audited)."""

from __future__ import annotations

import json
from datetime import date

import httpx

from shared.reference import committees
from shared.suite import Stack
from tests.gateway.cycle.store import audit_entries


def test_hsns_2024_calendar_lists_the_occasions_of_the_plan_with_dates(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    answer = cgw.get("/v1/calendar", params={"year": 2024}, headers=cycle_stack.auth("read"))
    assert answer.status_code == 200, answer.text
    occasions = {o["id"]: o for o in answer.json()["occasions"]}
    kinds = {o["kind"] for o in occasions.values()}
    assert kinds == {"monthly", "forecast_round", "interim", "annual", "internal_control"}
    rounds = sorted(o["period"] for o in occasions.values() if o["kind"] == "forecast_round")
    assert rounds == ["2024-03", "2024-05", "2024-10"]  # augusti is the delårsrapport's
    interim = occasions["2024-delar"]
    assert interim["period"] == "2024-01/2024-08"
    assert interim["meeting"]["body"] == "regionfullmäktige"
    assert occasions["2024-bokslut"]["period"] == "2024"
    assert occasions["2024-bokslut"]["meeting"]["date"].startswith("2025-04")  # April
    internal_control = [o["period"] for o in occasions.values() if o["kind"] == "internal_control"]
    assert sorted(internal_control) == ["2024", "2024-01/2024-08"]
    for occasion in occasions.values():
        assert set(occasion["due_by_org_unit"]) == set(committees())
        assert occasion["due_by_org_unit"]["HSN"] == occasion["due_date"]
    # The one day the plan states, the council's meeting on the 2023 delårsrapport.
    earlier = cgw.get("/v1/calendar", params={"year": 2023}, headers=cycle_stack.auth("read"))
    meeting = {o["id"]: o["meeting"] for o in earlier.json()["occasions"]}["2023-delar"]
    assert (meeting["date"], meeting["stated_in_plan"]) == ("2023-10-24", True)
    assert not interim["meeting"]["stated_in_plan"]


def test_an_admin_changes_due_dates_under_if_match_and_it_is_audited(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    path = "/v1/calendar/occasions/2023-02"
    read = cgw.get(path, headers=cycle_stack.auth("read"))
    tag = read.headers["etag"]
    change = {"due_date": "2023-03-14", "due_by_org_unit": {"SUS": "2023-03-20"}}
    changed = cgw.put(path, json=change, headers={**cycle_stack.auth("admin"), "If-Match": tag})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["due_date"] == "2023-03-14"
    assert body["due_by_org_unit"]["SUS"] == "2023-03-20"
    assert body["due_by_org_unit"]["HSN"] == "2023-03-14"
    assert not body["due_stated_in_plan"]
    assert changed.headers["etag"] != tag

    # The tag read before the change is stale now: 412, and nothing changes.
    stale = cgw.put(
        path,
        json={"due_date": "2023-03-01"},
        headers={**cycle_stack.auth("admin"), "If-Match": tag},
    )
    assert stale.status_code == 412
    assert cgw.get(path, headers=cycle_stack.auth("read")).json()["due_date"] == "2023-03-14"

    entries = audit_entries(cycle_stack, action="change_due_dates", resource_id="2023-02")
    assert len(entries) == 1
    recorded = json.loads(entries[0].change)
    assert recorded["before"]["due_date"] == "2023-03-12"
    assert recorded["after"]["due_by_org_unit"] == {"SUS": "2023-03-20"}


def test_bad_changes_are_refused_naming_the_field_and_refusals_are_audited(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    path = "/v1/calendar/occasions/2023-04"
    admin = cycle_stack.auth("admin")
    region = cgw.put(
        path,
        json={"due_date": "2023-05-12", "due_by_org_unit": {"REGION": "2023-05-01"}},
        headers=admin,
    )
    assert region.status_code == 422
    assert region.json()["errors"][0]["loc"] == ["body", "due_by_org_unit", "REGION"]
    unknown = cgw.put(
        path,
        json={"due_date": "2023-05-12", "due_by_org_unit": {"NOWHERE": "2023-05-01"}},
        headers=admin,
    )
    assert unknown.status_code == 422
    assert "NOWHERE" in unknown.text
    bad_date = cgw.put(path, json={"due_date": "12 maj"}, headers=admin)
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"][0]["loc"][-1] == "due_date"
    missing = cgw.put(
        "/v1/calendar/occasions/1999-01", json={"due_date": "2023-05-12"}, headers=admin
    )
    assert missing.status_code == 404

    # A key is checked before the body is read: a broken body without a key is a 401.
    no_key = cgw.put(path, content=b"{not json", headers={"content-type": "application/json"})
    assert no_key.status_code == 401
    assert no_key.headers["content-type"] == "application/problem+json"
    refused = cgw.put(path, json={"due_date": "2023-05-12"}, headers=cycle_stack.auth("read"))
    assert refused.status_code == 403
    bound = cgw.put(path, json={"due_date": "2023-05-12"}, headers=cycle_stack.auth("admin_hsn"))
    assert bound.status_code == 403
    assert cgw.get(path, headers=admin).json()["due_date"] == date(2023, 5, 12).isoformat()
    refusals = audit_entries(cycle_stack, action="refused", resource_id=path)
    assert {json.loads(r.change)["status"] for r in refusals} == {401, 403}
    assert len(refusals) == 3


def test_the_cycles_audit_trail_is_read_by_an_unbound_admin(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    trail = cgw.get("/v1/audit/followup", headers=cycle_stack.auth("admin"))
    assert trail.status_code == 200
    actions = {e["action"] for e in trail.json()["items"]}
    assert {"change_due_dates", "refused"} <= actions
    assert cgw.get("/v1/audit/followup", headers=cycle_stack.auth("admin_hsn")).status_code == 403
    assert cgw.get("/v1/audit/followup").status_code == 401
    # The services' trails are still the proxy's.
    assert cgw.get("/v1/audit/budget", headers=cycle_stack.auth("admin")).status_code == 200
