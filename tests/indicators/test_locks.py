"""A decided report locks the indicators it reads (issue 14, point 4): results of the
locked units' decided months cannot be loaded, changed or deleted, nor that year's targets
set, until an admin reopens the decision; a load racing the decision either commits before
it or is refused."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, put_target, result_row
from tests.shared.test_locks import (
    Running,
    at_once,
    lock,
    postgres_only,
    reopen,
    writer_lock_held,
)

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
DECISION = "hsn-2024-t2"


@pytest.fixture
def svc(indicators: ServiceHarness) -> ServiceHarness:
    assert put_indicator(indicators).status_code == 201
    return indicators


def results(h: ServiceHarness, **params: Any) -> list[dict[str, Any]]:
    r = h.client.get("/v1/results", params=params, headers=h.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def refused(r: Any, org_unit: str, period: str, row: int | None = None) -> None:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["decision_id"] == DECISION and DECISION in problem["detail"]
    assert (problem["org_unit"], problem["period"]) == (org_unit, period)
    assert problem["locked_period"] == "2024-01/2024-08"
    assert problem.get("row") == row


def test_a_locked_period_refuses_a_load_and_nothing_is_written(svc: ServiceHarness) -> None:
    assert lock(svc, DECISION).status_code == 201
    region = result_row(org_unit="REGION", period="2024-03")
    sus = result_row(org_unit="SUS", period="2024-03")
    refused(load(svc, [sus, region]), "REGION", "2024-03", row=2)
    refused(load(svc, [result_row(org_unit="HSN", period="2024")]), "HSN", "2024", row=1)
    csv = HEADER + "ID9001,SUS,2024-03,total,90,,,final\nID9001,REGION,2024-05,total,91,,,final\n"
    refused(load(svc, csv), "REGION", "2024-05", row=2)
    refused(load(svc, [region], dry_run="true"), "REGION", "2024-03", row=1)
    assert results(svc) == []
    # Outside the decision: an earlier year, a later month, another unit.
    free = [
        result_row(org_unit="REGION", period="2023"),
        result_row(org_unit="REGION", period="2024-09"),
        result_row(org_unit="SUS", period="2024-03"),
    ]
    assert load(svc, free).json()["inserted"] == 3


def test_a_partial_load_rejects_the_locked_rows_naming_the_decision(svc: ServiceHarness) -> None:
    lock(svc, DECISION)
    body = (
        HEADER
        + "ID9001,REGION,2024-02,total,90,,,final\n"
        + "ID9001,SUS,2024-02,total,90,,\n"  # broken: too few columns
        + "ID9001,SUS,2024-02,total,90,,,final\n"
        + "ID9001,HSN,2024-08,total,90,,,final\n"
        + "ID9001,HSN,2024-09,total,90,,,final\n"
    )
    r = load(svc, body, mode="partial")
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["inserted"] == 2
    assert [x["row"] for x in answer["rejected"]] == [1, 2, 4]
    locked = answer["rejected"][2]["errors"][0]
    assert locked["decision_id"] == DECISION and locked["loc"] == ["period"]
    assert DECISION in locked["msg"]
    assert {(x["org_unit"], x["period"]) for x in results(svc)} == {
        ("SUS", "2024-02"),
        ("HSN", "2024-09"),
    }


def test_results_of_a_locked_period_are_not_deleted(svc: ServiceHarness) -> None:
    load(svc, [result_row(org_unit="REGION", period="2024-03"), result_row(org_unit="SUS")])
    (stored,) = results(svc, org_unit="REGION")
    lock(svc, DECISION)
    writer = svc.auth("write")
    refused(svc.client.delete(f"/v1/results/{stored['id']}", headers=writer), "REGION", "2024-03")
    bulk = svc.client.delete("/v1/results", params={"indicator": "ID9001"}, headers=writer)
    refused(bulk, "REGION", "2024-03")
    assert len(results(svc)) == 2
    gone = svc.client.delete("/v1/results", params={"org_unit": "SUS"}, headers=writer)
    assert gone.json() == {"deleted": 1}


def test_that_years_targets_of_the_locked_units_are_locked(svc: ServiceHarness) -> None:
    lock(svc, DECISION)
    refused(put_target(svc, "ID9001", 2024, "≥80%"), "REGION", "2024")
    refused(put_target(svc, "ID9001", 2024, "≥85%", org_unit="HSN"), "HSN", "2024")
    assert put_target(svc, "ID9001", 2025, "≥80%").status_code == 200
    assert put_target(svc, "ID9001", 2024, "≥85%", org_unit="SUS").status_code == 200
    targets = svc.client.get("/v1/indicators/ID9001/targets", headers=svc.auth("read")).json()
    assert {(t["year"], t["org_unit"]) for t in targets["items"]} == {(2025, None), (2024, "SUS")}


def test_a_reopened_decision_lets_writes_in_and_locking_again_stops_them(
    svc: ServiceHarness,
) -> None:
    lock(svc, DECISION)
    region = result_row(org_unit="REGION", period="2024-03")
    refused(load(svc, [region]), "REGION", "2024-03", row=1)
    reopened = reopen(svc, DECISION, "Felaktigt värde för mars")
    assert load(svc, [region]).json()["inserted"] == 1
    audit = svc.client.get("/v1/audit", headers=svc.auth()).json()["items"]
    (entry,) = [e for e in audit if e["action"] == "reopen"]
    assert entry["resource_id"] == DECISION and entry["key_id"] == reopened["reopened_by"]
    assert entry["change"]["reason"] == "Felaktigt värde för mars" and entry["at"]
    assert lock(svc, DECISION).status_code == 200  # the same decision locks again
    refused(load(svc, [{**region, "value": 91}]), "REGION", "2024-03", row=1)


def test_a_sus_bound_admin_may_not_lock(svc: ServiceHarness) -> None:
    assert lock(svc, DECISION, headers=svc.auth("admin", "SUS")).status_code == 403
    assert load(svc, [result_row(org_unit="REGION", period="2024-03")]).status_code == 200


# --------------------------------------------------------------------------- races (Postgres)


def _seq_of_result(h: ServiceHarness, org_unit: str, period: str) -> int | None:
    found = results(h, org_unit=org_unit, period=period)
    return int(found[0]["change_seq"]) if found else None


def test_a_load_queued_behind_the_decision_is_refused(svc: ServiceHarness) -> None:
    """The load's rows are read and checked before the decision commits, but it writes
    after it: it must be refused, nothing written."""
    postgres_only(svc)
    row = result_row(org_unit="REGION", period="2024-03")
    with writer_lock_held(svc) as queued:
        deciding = Running(lambda: lock(svc, DECISION))
        queued(1)
        loading = Running(lambda: load(svc, [row]))
        queued(2)
    assert deciding.answer().status_code == 201
    refused(loading.answer(), "REGION", "2024-03", row=1)
    assert results(svc) == []


def test_a_load_queued_before_the_decision_is_in_the_decided_data(svc: ServiceHarness) -> None:
    postgres_only(svc)
    row = result_row(org_unit="REGION", period="2024-03")
    with writer_lock_held(svc) as queued:
        loading = Running(lambda: load(svc, [row]))
        queued(1)
        deciding = Running(lambda: lock(svc, DECISION))
        queued(2)
    assert loading.answer().json()["inserted"] == 1
    decided = deciding.answer()
    assert decided.status_code == 201
    seq = _seq_of_result(svc, "REGION", "2024-03")
    assert seq is not None and seq < decided.json()["change_seq"]


def test_loads_racing_decisions_never_write_into_a_decided_period(svc: ServiceHarness) -> None:
    """Released together, eight times: each load commits before its decision (a lower
    change number) or is refused; never a row committed after the decision."""
    postgres_only(svc)
    outcomes: set[str] = set()
    for trial in range(8):
        year = 2001 + trial
        rows = [result_row(org_unit="REGION", period=f"{year}-0{m}") for m in (3, 4)]
        decision, loaded = at_once(
            partial(lock, svc, f"d{year}", period=str(year)), partial(load, svc, rows)
        )
        assert decision.status_code == 201, decision.text
        if loaded.status_code == 409:
            assert loaded.json()["decision_id"] == f"d{year}"
            assert results(svc, period=f"{year}-03") == []
            outcomes.add("refused")
            continue
        assert loaded.status_code == 200, loaded.text
        for period in (f"{year}-03", f"{year}-04"):
            seq = _seq_of_result(svc, "REGION", period)
            assert seq is not None and seq < decision.json()["change_seq"]
        outcomes.add("before")
    assert outcomes  # both happen (two runs of eight trials: some before, some refused)
