"""Period locks (``shared.locks``): the rules without a database, and the ``/v1/locks``
routes every service mounts, on a real migrated service (the budget service's store).

The helpers at the bottom (``HSN_DECISION``, ``lock``, ``writer_lock_held``, ``at_once``)
serve the services' own lock tests too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from shared.bulk import LoadMode, RowError
from shared.errors import Conflict
from shared.locks import Lock, LockGuard, Touch, period_text
from shared.periods import Period
from tests.harness import ServiceHarness

DECIDED = datetime(2024, 9, 25, 10, 0, tzinfo=UTC)


def _lock(decision: str = "hsn-2024-t2", units: str = "HSN,REGION", months: str = "1-8") -> Lock:
    first, last = (int(m) for m in months.split("-"))
    return Lock(decision, frozenset(units.split(",")), 2024, first, last, DECIDED, "HSN", "§ 45")


# --------------------------------------------------------------------------- the rules


def test_a_touch_is_the_months_a_write_changes() -> None:
    assert Touch.of("REGION", "2024-03") == Touch("REGION", 2024, 3, 3)
    assert Touch.of("REGION", "2024") == Touch("REGION", 2024, 1, 12)
    assert Touch.of("HSN", Period.parse("2024-T2")) == Touch("HSN", 2024, 5, 8)
    assert Touch.month("HSN", 2024, 8) == Touch("HSN", 2024, 8, 8)
    assert Touch("HSN", 2024).period == "2024"
    assert period_text(2024, 1, 8) == "2024-01/2024-08"
    assert period_text(2024, 3, 3) == "2024-03"


def test_a_lock_covers_its_units_months_of_its_year_only() -> None:
    lock = _lock()
    assert lock.covers(Touch.of("REGION", "2024-03"))
    assert lock.covers(Touch.of("HSN", "2024-08"))
    assert lock.covers(Touch.of("HSN", "2024"))  # a year's figure changes months 1–8 too
    assert lock.covers(Touch.of("HSN", "2024-Q3"))  # July–September overlaps
    assert not lock.covers(Touch.of("HSN", "2024-09"))
    assert not lock.covers(Touch.of("HSN", "2023-03"))
    assert not lock.covers(Touch.of("SUS", "2024-03"))


def test_the_guard_refuses_naming_the_decision_unit_and_period() -> None:
    guard = LockGuard((_lock(),))
    guard.refuse([Touch.of("SUS", "2024-03"), Touch.of("HSN", "2024-09")])
    with pytest.raises(Conflict) as refused:
        guard.refuse([Touch.of("SUS", "2024-03"), Touch.of("REGION", "2024-05")], row=7)
    problem = refused.value.to_problem()
    assert problem["status"] == 409
    assert problem["decision_id"] == "hsn-2024-t2"
    assert (problem["org_unit"], problem["period"], problem["row"]) == ("REGION", "2024-05", 7)
    assert problem["locked_period"] == "2024-01/2024-08"
    assert "hsn-2024-t2" in problem["detail"] and "Row 7" in problem["detail"]
    LockGuard(()).refuse([Touch.of("REGION", "2024-05")])  # no lock: nothing refused


def test_screening_a_load_refuses_it_whole_or_rejects_the_locked_rows() -> None:
    guard = LockGuard((_lock(),))
    rows = [("SUS", "2024-03"), ("REGION", "2024-03"), ("HSN", "2024-10"), ("HSN", "2024")]

    def touch(row: tuple[str, str]) -> Touch:
        return Touch.of(*row)

    numbers_asked: list[int] = []

    def numbers() -> list[int]:
        numbers_asked.append(1)
        return [2, 3, 5, 6]  # row 4 was rejected already

    rejected = [RowError(row=4, errors=[])]
    kept = guard.screen(
        rows, touch, mode=LoadMode.partial, rejected=rejected, numbers=numbers, loc=["period"]
    )
    assert kept == [("SUS", "2024-03"), ("HSN", "2024-10")]
    assert [r.row for r in rejected] == [3, 4, 6]
    assert rejected[0].errors[0]["decision_id"] == "hsn-2024-t2"
    assert rejected[0].errors[0]["loc"] == ["period"]
    with pytest.raises(Conflict) as refused:
        guard.screen(rows, touch, mode=LoadMode.atomic, rejected=[], numbers=numbers, loc=[])
    assert refused.value.extra["row"] == 3
    free = [("SUS", "2024-03")]
    numbers_asked.clear()
    assert guard.screen(free, touch, mode=LoadMode.atomic, rejected=[], numbers=numbers, loc=[])
    assert numbers_asked == []  # row numbers are worked out only for a locked row


# --------------------------------------------------------------------------- the routes


def test_a_decision_is_recorded_once_and_the_same_put_changes_nothing(
    budget: ServiceHarness,
) -> None:
    first = lock(budget, "hsn-2024-t2")
    assert first.status_code == 201, first.text
    out = first.json()
    assert out["org_units"] == ["HSN", "REGION"] and out["period"] == "2024-01/2024-08"
    assert out["active"] is True and out["decided_by"]
    assert out["decided_at"].startswith("2024-09-25T10:00:00")
    again = lock(budget, "hsn-2024-t2")
    assert again.status_code == 200
    assert again.json() == out  # unchanged: same change number
    other = lock(budget, "hsn-2024-t2", period="2024")
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["differs"] == ["period"]
    audit = budget.client.get("/v1/audit", headers=budget.auth()).json()["items"]
    assert [e["action"] for e in audit if e["resource"] == "lock"] == ["lock"]


def test_reopening_needs_a_reason_keeps_the_lock_and_is_audited(budget: ServiceHarness) -> None:
    lock(budget, "hsn-2024-t2")
    admin = budget.auth()
    missing = budget.client.delete("/v1/locks/hsn-2024-t2", headers=admin)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["query", "reason"]
    blank = budget.client.request(
        "DELETE", "/v1/locks/hsn-2024-t2", json={"reason": "  "}, headers=admin
    )
    assert blank.status_code == 422
    reopened = budget.client.request(
        "DELETE", "/v1/locks/hsn-2024-t2", json={"reason": "Felaktigt utfall mars"}, headers=admin
    )
    assert reopened.status_code == 200, reopened.text
    out = reopened.json()
    assert out["active"] is False and out["reopen_reason"] == "Felaktigt utfall mars"
    assert out["reopened_by"] and out["reopened_at"]
    kept = budget.client.get("/v1/locks/hsn-2024-t2", headers=budget.auth("read"))
    assert kept.status_code == 200 and kept.json()["active"] is False
    assert (
        budget.client.delete(
            "/v1/locks/hsn-2024-t2", params={"reason": "Felaktigt utfall mars"}, headers=admin
        ).json()
        == out
    )  # the same reopening again changes nothing
    assert (
        budget.client.delete("/v1/locks/hsn-2024-t2", params={"reason": "x"}, headers=admin)
    ).status_code == 409
    assert (
        budget.client.delete("/v1/locks/nope", params={"reason": "x"}, headers=admin).status_code
        == 404
    )
    relocked = lock(budget, "hsn-2024-t2")
    assert relocked.status_code == 200 and relocked.json()["active"] is True
    assert relocked.json()["change_seq"] > out["change_seq"]
    audit = budget.client.get("/v1/audit", headers=admin).json()["items"]
    entries = [e for e in audit if e["resource"] == "lock"]
    assert [e["action"] for e in entries] == ["lock", "reopen", "relock"]
    reopen = entries[1]
    assert reopen["change"]["reason"] == "Felaktigt utfall mars"
    assert reopen["key_id"] == out["reopened_by"] and reopen["at"]


def test_only_an_admin_bound_to_no_unit_locks_or_reopens(budget: ServiceHarness) -> None:
    sus_admin = budget.auth("admin", "SUS")
    assert lock(budget, "d1", headers=sus_admin).status_code == 403
    assert lock(budget, "d1", headers=budget.auth("write")).status_code == 403
    lock(budget, "d1")
    refused = budget.client.delete("/v1/locks/d1", params={"reason": "x"}, headers=sus_admin)
    assert refused.status_code == 403
    assert budget.client.get("/v1/locks/d1", headers=budget.auth()).json()["active"] is True
    audit = budget.client.get("/v1/audit", headers=budget.auth()).json()["items"]
    assert [e["resource"] for e in audit if e["action"] == "refused"] == ["locks"] * 3


def test_locks_are_listed_by_unit_and_year_and_a_bound_key_sees_its_units(
    budget: ServiceHarness,
) -> None:
    lock(budget, "hsn-2024-t2")
    lock(budget, "sus-2024", org_units=["SUS"], period="2024")
    lock(budget, "hsn-2023", period="2023")
    reader = budget.auth("read")

    def listed(headers: dict[str, str] | None = None, **params: Any) -> Any:
        r = budget.client.get("/v1/locks", params=params, headers=headers or reader)
        return r.status_code, [i["decision_id"] for i in r.json().get("items", [])]

    assert listed() == (200, ["hsn-2023", "hsn-2024-t2", "sus-2024"])
    assert listed(org_unit="REGION") == (200, ["hsn-2023", "hsn-2024-t2"])
    assert listed(year=2024) == (200, ["hsn-2024-t2", "sus-2024"])
    sus = budget.auth("read", "SUS")
    assert listed(sus) == (200, ["sus-2024"])
    assert listed(sus, org_unit="HSN")[0] == 403
    assert budget.client.get("/v1/locks/hsn-2024-t2", headers=sus).status_code == 403
    assert budget.client.get("/v1/locks/sus-2024", headers=sus).status_code == 200
    assert budget.client.get("/v1/locks/nope", headers=reader).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("d1", {"org_units": [], "period": "2024"}, "org_units"),
        ("d1", {"org_units": ["NOWHERE"], "period": "2024"}, "org_units"),
        ("d1", {"org_units": ["HSN"], "period": "2024-13"}, "period"),
        ("d1", {"org_units": ["HSN"], "period": "2024", "decided_at": "2024-09-25"}, "decided_at"),
        ("d1", {"org_units": ["HSN"], "period": "2024", "body": "x" * 501}, "body"),
        ("d1", {"org_units": ["HSN"], "period": "2024", "extra": 1}, "extra"),
        ("-bad", {"org_units": ["HSN"], "period": "2024"}, "id"),
    ],
)
def test_a_bad_lock_is_a_422_naming_the_field(
    budget: ServiceHarness, path: str, body: dict[str, Any], field: str
) -> None:
    r = budget.client.put(f"/v1/locks/{path}", json=body, headers=budget.auth())
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert any(field in e["loc"] for e in r.json()["errors"])
    assert budget.client.get("/v1/locks", headers=budget.auth()).json()["items"] == []


# --------------------------------------------------------------------------- helpers


HSN_DECISION = {
    "org_units": ["HSN", "REGION"],
    "period": "2024-01/2024-08",
    "decided_at": "2024-09-25T10:00:00Z",
    "body": "Hälso- och sjukvårdsnämnden",
    "reference": "§ 45",
}


def lock(
    h: ServiceHarness,
    decision_id: str,
    *,
    headers: dict[str, str] | None = None,
    **changes: Any,
) -> Any:
    """``PUT /v1/locks/{decision_id}`` of HSN's Jan–Aug 2024 decision, with ``changes``."""
    body = {**HSN_DECISION, **changes}
    return h.client.put(f"/v1/locks/{decision_id}", json=body, headers=headers or h.auth())


def reopen(h: ServiceHarness, decision_id: str, reason: str = "Rättelse") -> Any:
    r = h.client.delete(f"/v1/locks/{decision_id}", params={"reason": reason}, headers=h.auth())
    assert r.status_code == 200, r.text
    return r.json()


def postgres_only(h: ServiceHarness) -> None:
    if h.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers up front: no race to lose (TEST_DATABASE_URL)")


def _waiting(engine: sa.Engine) -> int:
    """Sessions of this database waiting for a lock (pg_stat_activity, read afresh)."""
    with engine.connect() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).scalar_one()
        )


@contextmanager
def writer_lock_held(h: ServiceHarness) -> Iterator[Callable[[int], None]]:
    """Hold the service's writer lock (the change counter's row) in a transaction of its
    own; yields ``queued(n)``, which returns once ``n`` sessions wait for it. The lock is
    let go on leaving: the waiting writers then go on in the order they queued."""
    counter = h.spec.infrastructure.change_counter
    with h.engine.connect() as conn:
        conn.begin()
        conn.execute(sa.update(counter).values(last_seq=counter.c.last_seq))

        def queued(n: int) -> None:
            for _ in range(3000):  # a bound, not a timing: the writers queue in milliseconds
                if _waiting(h.engine) >= n:
                    return
                time.sleep(0.01)
            raise AssertionError(f"{n} writers never queued for the writer lock")

        yield queued
        conn.rollback()


class Running:
    """A request sent from a thread of its own; ``answer()`` waits for its response."""

    def __init__(self, send: Callable[[], Any]) -> None:
        self._answer: list[Any] = []
        self._thread = threading.Thread(target=lambda: self._answer.append(send()))
        self._thread.start()

    def answer(self) -> Any:
        self._thread.join()
        return self._answer[0]


def at_once(*sends: Callable[[], Any]) -> list[Any]:
    """The requests released together by a barrier; their responses, in order."""
    barrier = threading.Barrier(len(sends))

    def released(send: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            barrier.wait()
            return send()

        return run

    running = [Running(released(send)) for send in sends]
    return [r.answer() for r in running]
