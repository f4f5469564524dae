"""Internal control writes that race: released together by a barrier, on Postgres (SQLite
serialises writers up front, so there is no race to lose there).

- A risk deleted while a follow-up of it is loaded: never a 500, never a follow-up left
  pointing at a deleted risk; the load either comes first (and its item goes with the risk,
  leaving a tombstone) or finds the risk gone (422 on ``risk``).
- Two replacements of the risk analysis sent with the same ``If-Match``: one wins, the other
  gets 412.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from services.assignments.models import RISK, RISK_FOLLOWUP
from tests.assignments.internal_control_data import FOLLOWUPS, RISKS, load
from tests.harness import ServiceHarness

TRIALS = 6


@pytest.fixture
def on_postgres(assignments: ServiceHarness) -> ServiceHarness:
    if assignments.engine.dialect.name != "postgresql":
        pytest.skip("a race needs concurrent writers: SQLite serialises them up front")
    return assignments


def _together(*sends: Callable[[], Any]) -> list[Any]:
    """Every ``send`` released at once; their answers in the order given."""
    barrier = threading.Barrier(len(sends))
    answers: list[Any] = [None] * len(sends)

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = sends[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(sends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_a_follow_up_racing_its_risks_deletion(on_postgres: ServiceHarness) -> None:
    svc = on_postgres
    reassessment, write = FOLLOWUPS[2], svc.auth("write")  # R2's; the key made up front
    outcomes = set()
    for _ in range(TRIALS):
        assert load(svc, "/v1/risks", [RISKS[1]]).status_code == 200
        deleted, loaded = _together(
            lambda: svc.client.delete("/v1/risks/HSN-2024-R2", headers=write),
            lambda: load(svc, "/v1/risk-followups", [reassessment], headers=write),
        )
        assert deleted.status_code == 204
        assert loaded.status_code in (200, 422), loaded.text
        if loaded.status_code == 422:
            assert loaded.json()["rejected"][0]["errors"][0]["loc"] == ["risk"]
        outcomes.add(loaded.status_code)
        with svc.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(RISK)).scalar() == 0
            left = conn.execute(sa.select(sa.func.count()).select_from(RISK_FOLLOWUP)).scalar()
        assert left == 0
    assert outcomes  # each trial ended in one of the two orders


def test_two_replacements_with_the_same_if_match(on_postgres: ServiceHarness) -> None:
    svc = on_postgres
    url, write = "/v1/risk-analyses/HSN/2024", svc.auth("write")
    for trial in range(TRIALS):
        first = svc.client.put(url, json={"decided_on": "2023-12-14"}, headers=write)
        tag = first.headers["ETag"]
        sends = [
            partial(
                svc.client.put,
                url,
                json={"decided_on": "2024-01-25", "decision": f"HSN § {trial}{n}"},
                headers={**write, "If-Match": tag},
            )
            for n in range(2)
        ]
        answers = _together(*sends)
        assert sorted(a.status_code for a in answers) == [200, 412]
        winner = next(a for a in answers if a.status_code == 200)
        now = svc.client.get(url, headers=svc.auth("read")).json()
        assert now["decision"] == winner.json()["decision"]
        svc.client.put(url, json={"decided_on": "2023-12-14"}, headers=write)
