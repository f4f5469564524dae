"""Deciding a committee's report: archived as it stood, its data locked in every service,
one act across three services (idempotent, and nothing left behind when one fails), and
reopened by an admin with a reason. The tests run in this module's order on one suite."""

from __future__ import annotations

import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import openpyxl

from shared.suite import Stack
from tests.gateway.cycle.store import audit_entries

HSN_2024 = {
    "decision_id": "hsn-2024-vb",
    "period": "2024",
    "decided_on": "2025-02-20",
    "body": "Hälso- och sjukvårdsnämnden",
    "reference": "HSN § 12/2025",
}
#: A 2024 result of REGION's that HSN's view shows (seed: ID0285 vårdcentraler 79,7).
REGION_RESULT = {
    "indicator": "ID0285",
    "org_unit": "REGION",
    "period": "2024",
    "breakdown": "vardcentraler",
    "value": 80.1,
    "status": "final",
}


def decide(gw: httpx.Client, stack: Stack, body: dict[str, Any], key: str = "admin") -> Any:
    return gw.post("/v1/follow-up/HSN/decisions", json=body, headers=stack.auth(key))


def lock_of(stack: Stack, service: str, decision_id: str) -> httpx.Response:
    base = stack.services[service].base_url
    return httpx.get(f"{base}/v1/locks/{decision_id}", headers=stack.auth("admin"), timeout=10)


def test_deciding_archives_the_view_and_locks_hsns_2024_in_every_service(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    view = cgw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=cycle_stack.auth())
    assert view.json()["changed_after_decision"] is None
    # The view shows the forecast rounds made by the period's end: none ship with the suite.
    rounds = view.json()["forecast_rounds"]
    assert [r["round"] for r in rounds["rounds"]] == ["mars", "maj", "augusti", "oktober"]
    assert rounds["latest_round"] is None and not any(r["made"] for r in rounds["rounds"])
    decided = decide(cgw, cycle_stack, HSN_2024)
    assert decided.status_code == 201, decided.text
    body = decided.json()
    assert body["state"] == "decided"
    assert body["locked_org_units"] == ["HSN", "REGION"]
    assert decided.headers["location"] == "/v1/follow-up/HSN/decisions/hsn-2024-vb"
    for service in cycle_stack.services:
        found = lock_of(cycle_stack, service, "hsn-2024-vb")
        assert found.status_code == 200, (service, found.text)
        assert found.json()["active"] is True
    # The view, asked again, is compared with the report now decided (not the one kept).
    again = cgw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=cycle_stack.auth())
    assert again.json()["changed_after_decision"]["decision_id"] == "hsn-2024-vb"

    report = cgw.get(
        "/v1/follow-up/HSN/decisions/hsn-2024-vb/report", headers=cycle_stack.auth("read")
    )
    assert report.status_code == 200
    digest = hashlib.sha256(report.content).hexdigest()
    assert report.headers["x-content-sha256"] == digest == body["report"]["json_sha256"]
    archived = report.json()
    assert (archived["org_unit"], archived["period"]) == ("HSN", "2024")
    assert archived["economy"] == view.json()["economy"]
    workbook = cgw.get(
        "/v1/follow-up/HSN/decisions/hsn-2024-vb/report",
        headers={
            **cycle_stack.auth("read"),
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert hashlib.sha256(workbook.content).hexdigest() == body["report"]["xlsx_sha256"]
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames

    (entry,) = audit_entries(cycle_stack, action="decide", resource_id="hsn-2024-vb")
    assert json.loads(entry.change)["reference"] == "HSN § 12/2025"


def test_the_same_decision_again_is_the_same_and_other_content_is_a_conflict(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    again = decide(cgw, cycle_stack, HSN_2024)
    assert again.status_code == 200
    assert again.json()["report"] == decide(cgw, cycle_stack, HSN_2024).json()["report"]
    other = decide(cgw, cycle_stack, {**HSN_2024, "reference": "HSN § 13/2025"})
    assert other.status_code == 409
    assert other.json()["differs"] == ["reference"]
    second = decide(cgw, cycle_stack, {**HSN_2024, "decision_id": "hsn-2024-again"})
    assert second.status_code == 409
    assert second.json()["decision_id"] == "hsn-2024-vb"
    listed = cgw.get(
        "/v1/follow-up/HSN/decisions", params={"period": "2024"}, headers=cycle_stack.auth()
    )
    assert [d["decision_id"] for d in listed.json()["items"]] == ["hsn-2024-vb"]


def test_a_decided_period_refuses_writes_until_an_admin_reopens_it(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    write = cgw.post("/v1/results", json=[REGION_RESULT], headers=cycle_stack.auth("admin"))
    assert write.status_code == 409, write.text
    assert write.json()["decision_id"] == "hsn-2024-vb"

    path = "/v1/follow-up/HSN/decisions/hsn-2024-vb"
    assert cgw.delete(path, headers=cycle_stack.auth("admin")).status_code == 422
    bound = cgw.delete(path, params={"reason": "x"}, headers=cycle_stack.auth("admin_hsn"))
    assert bound.status_code == 403
    reason = "Rättelse av ID0285 efter beslut"
    reopened = cgw.delete(path, params={"reason": reason}, headers=cycle_stack.auth("admin"))
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["state"], reopened.json()["reopen_reason"]) == ("reopened", reason)
    for service in cycle_stack.services:
        assert lock_of(cycle_stack, service, "hsn-2024-vb").json()["active"] is False
    assert len(audit_entries(cycle_stack, action="reopen", resource_id="hsn-2024-vb")) == 1

    before = cgw.get(f"{path}/report", headers=cycle_stack.auth())
    write = cgw.post("/v1/results", json=[REGION_RESULT], headers=cycle_stack.auth("admin"))
    assert write.status_code == 200, write.text

    # The archived report does not change with the data; the live view says what did.
    after = cgw.get(f"{path}/report", headers=cycle_stack.auth())
    assert after.content == before.content
    live = cgw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=cycle_stack.auth())
    changed = live.json()["changed_after_decision"]
    assert changed["decision_id"] == "hsn-2024-vb"
    assert changed["state"] == "reopened"
    moved = [
        c
        for c in changed["changes"]
        if "ID0285" in c["path"] and str(c["archived"]) == "79.7" and str(c["live"]) == "80.1"
    ]
    assert moved, changed["changes"][:10]


def test_two_identical_decisions_at_once_give_one_decision(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    body = {**HSN_2024, "decision_id": "hsn-delar-2024", "period": "2024-01/2024-08"}
    base = cgw.base_url
    headers = cycle_stack.auth("admin")

    def post(_: int) -> httpx.Response:
        return httpx.post(
            f"{base}/v1/follow-up/HSN/decisions", json=body, headers=headers, timeout=60
        )

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(post, range(2)))
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    assert answers[0].json()["report"] == answers[1].json()["report"]
    listed = cgw.get(
        "/v1/follow-up/HSN/decisions",
        params={"period": "2024-01/2024-08"},
        headers=cycle_stack.auth(),
    )
    assert len(listed.json()["items"]) == 1
    assert len(audit_entries(cycle_stack, action="decide", resource_id="hsn-delar-2024")) == 1


def test_a_service_killed_mid_decision_leaves_no_lock_and_no_decision(
    cgw: httpx.Client, cycle_stack: Stack
) -> None:
    body = {**HSN_2024, "decision_id": "hsn-2023-vb", "period": "2023", "decided_on": "2024-02-22"}
    with cycle_stack.killed("budget"):
        failed = decide(cgw, cycle_stack, body)
        assert failed.status_code == 503, failed.text
        problem = failed.json()
        assert problem["upstream"] == "budget"
        assert problem["decision_id"] == "hsn-2023-vb"
        # The locks taken before the budget service failed were released.
        for service in ("indicators", "assignments"):
            assert lock_of(cycle_stack, service, "hsn-2023-vb").json()["active"] is False
        missing = cgw.get("/v1/follow-up/HSN/decisions/hsn-2023-vb", headers=cycle_stack.auth())
        assert missing.status_code == 404
        assert audit_entries(cycle_stack, action="decision_abandoned", resource_id="hsn-2023-vb")
    # With the service back, the same request decides it whole.
    again = decide(cgw, cycle_stack, body)
    assert again.status_code == 201, again.text
    for service in cycle_stack.services:
        assert lock_of(cycle_stack, service, "hsn-2023-vb").json()["active"] is True
