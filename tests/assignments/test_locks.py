"""A decided report locks the status reports it reads (issue 14, point 4): no report of a
locked unit's decided months, one at a time or in bulk, nor an internal-control follow-up
of them, nor deleting an assignment with such reports, until an admin reopens the
decision; a bulk load racing the decision either commits before it or is refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assignments.conftest import new_assignment, report
from tests.assignments.internal_control_data import ACTIONS, AUGUST, FOLLOWUPS, RISKS, load
from tests.harness import ServiceHarness
from tests.shared.test_locks import Running, lock, postgres_only, reopen, writer_lock_held

DECISION = "hsn-2024-t2"


@pytest.fixture
def assignment(assignments: ServiceHarness) -> str:
    created = new_assignment(assignments, org_units=["HSN", "PVN"])
    return str(created["id"])


def stored(h: ServiceHarness) -> list[tuple[str, str]]:
    r = h.client.get("/v1/reports", params={"limit": 1000}, headers=h.auth("read"))
    assert r.status_code == 200, r.text
    return sorted((x["org_unit"], x["period"]) for x in r.json()["items"])


def refused(r: Any, org_unit: str, period: str, row: int | None = None) -> None:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["decision_id"] == DECISION and DECISION in problem["detail"]
    assert (problem["org_unit"], problem["period"], problem.get("row")) == (org_unit, period, row)


def row(assignment: str, org_unit: str, period: str, **more: Any) -> dict[str, Any]:
    return {
        "assignment_id": assignment,
        "org_unit": org_unit,
        "period": period,
        "status": "pagar_enligt_plan",
        **more,
    }


def bulk(h: ServiceHarness, rows: list[dict[str, Any]], **params: Any) -> Any:
    return h.client.post("/v1/reports", json=rows, params=params, headers=h.auth("write"))


def test_a_report_of_a_locked_period_is_refused(
    assignments: ServiceHarness, assignment: str
) -> None:
    assert lock(assignments, DECISION).status_code == 201
    refused(report(assignments, assignment, "HSN", "2024-03", "klart"), "HSN", "2024-03")
    refused(report(assignments, assignment, "HSN", "2024", "klart"), "HSN", "2024")
    named = assignments.client.post(
        f"/v1/assignments/{assignment}/reports",
        json={
            "org_unit": "PVN",
            "period": "2024-T2",
            "status": "pagar_enligt_plan",
            "on_behalf_of": ["HSN"],
        },
        headers=assignments.auth("write"),
    )
    refused(named, "HSN", "2024-T2")  # a report naming HSN speaks for HSN too
    assert stored(assignments) == []
    for unit, period in (("HSN", "2024-T3"), ("HSN", "2023"), ("PVN", "2024-03")):
        r = report(assignments, assignment, unit, period, "pagar_enligt_plan")
        assert r.status_code == 201, r.text


def test_a_bulk_load_is_refused_whole_or_loses_only_the_locked_rows(
    assignments: ServiceHarness, assignment: str
) -> None:
    lock(assignments, DECISION)
    rows = [row(assignment, "PVN", "2024-03"), row(assignment, "HSN", "2024-01/2024-08")]
    refused(bulk(assignments, rows), "HSN", "2024-01/2024-08", row=2)
    assert stored(assignments) == []
    partial = bulk(assignments, [*rows, row(assignment, "HSN", "2024-09")], mode="partial")
    assert partial.status_code == 200, partial.text
    answer = partial.json()
    assert answer["inserted"] == 2
    ((rejected,),) = [x["errors"] for x in answer["rejected"]]
    assert answer["rejected"][0]["row"] == 2
    assert rejected["decision_id"] == DECISION and rejected["loc"] == ["period"]
    assert stored(assignments) == [("HSN", "2024-09"), ("PVN", "2024-03")]


def test_an_assignment_with_decided_reports_is_not_deleted(
    assignments: ServiceHarness, assignment: str
) -> None:
    assert report(assignments, assignment, "HSN", "2024-03", "klart").status_code == 201
    lock(assignments, DECISION)
    gone = assignments.client.delete(f"/v1/assignments/{assignment}", headers=assignments.auth())
    refused(gone, "HSN", "2024-03")
    assert stored(assignments) == [("HSN", "2024-03")]
    reopen(assignments, DECISION)
    gone = assignments.client.delete(f"/v1/assignments/{assignment}", headers=assignments.auth())
    assert gone.status_code == 204


def test_a_reopened_decision_lets_reports_in_and_is_audited(
    assignments: ServiceHarness, assignment: str
) -> None:
    lock(assignments, DECISION)
    refused(report(assignments, assignment, "HSN", "2024-03", "klart"), "HSN", "2024-03")
    reopened = reopen(assignments, DECISION, "Rapporten för mars saknades")
    assert report(assignments, assignment, "HSN", "2024-03", "klart").status_code == 201
    audit = assignments.client.get("/v1/audit", headers=assignments.auth()).json()["items"]
    (entry,) = [e for e in audit if e["action"] == "reopen"]
    assert entry["key_id"] == reopened["reopened_by"] and entry["at"]
    assert entry["change"]["reason"] == "Rapporten för mars saknades"


def test_internal_control_follow_ups_of_a_locked_period_are_refused(
    assignments: ServiceHarness,
) -> None:
    assert load(assignments, "/v1/risks", RISKS).status_code == 200
    assert load(assignments, "/v1/risk-actions", ACTIONS).status_code == 200
    lock(assignments, DECISION)
    refused(load(assignments, "/v1/risk-followups", FOLLOWUPS), "HSN", AUGUST, row=1)
    later = [{**f, "period": "2024-09/2024-12", "followed_up_on": None} for f in FOLLOWUPS]
    partial = load(assignments, "/v1/risk-followups?mode=partial", [FOLLOWUPS[0], later[1]])
    assert partial.status_code == 200, partial.text
    assert partial.json()["inserted"] == 1
    assert partial.json()["rejected"][0]["errors"][0]["decision_id"] == DECISION


def test_a_sus_bound_admin_may_not_lock(assignments: ServiceHarness, assignment: str) -> None:
    assert lock(assignments, DECISION, headers=assignments.auth("admin", "SUS")).status_code == 403
    assert report(assignments, assignment, "HSN", "2024-03", "klart").status_code == 201


def test_a_bulk_load_queued_behind_the_decision_is_refused(
    assignments: ServiceHarness, assignment: str
) -> None:
    postgres_only(assignments)
    rows = [row(assignment, "HSN", "2024-05")]
    with writer_lock_held(assignments) as queued:
        deciding = Running(lambda: lock(assignments, DECISION))
        queued(1)
        loading = Running(lambda: bulk(assignments, rows))
        queued(2)
    assert deciding.answer().status_code == 201
    refused(loading.answer(), "HSN", "2024-05", row=1)
    assert stored(assignments) == []


def test_a_bulk_load_queued_before_the_decision_is_in_the_decided_data(
    assignments: ServiceHarness, assignment: str
) -> None:
    postgres_only(assignments)
    rows = [row(assignment, "HSN", "2024-05")]
    with writer_lock_held(assignments) as queued:
        loading = Running(lambda: bulk(assignments, rows))
        queued(1)
        deciding = Running(lambda: lock(assignments, DECISION))
        queued(2)
    assert loading.answer().json()["inserted"] == 1
    decided = deciding.answer()
    assert decided.status_code == 201
    r = assignments.client.get("/v1/reports", headers=assignments.auth("read")).json()
    assert r["items"][0]["change_seq"] < decided.json()["change_seq"]
