"""Identical report loads at the same moment store each report once (issue 11, point 2).

Before the natural key and the writer lock, two identical bulk loads released together
stored their 12 reports twice in 3 of 6 trials. Here three loads are released at once by a
barrier, six times over, on Postgres (SQLite serialises writers up front, so there is no race
to lose there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa

from services.assignments.models import STATUS_REPORT
from tests.assignments.conftest import BOARDS
from tests.harness import ServiceHarness

LOADS = 3
TRIALS = 6


def _rows(trial: int) -> list[dict[str, Any]]:
    """Twelve reports: the eight boards on UP2023-013, HSN on three of its own, PVN on one."""
    said = f"Lägesrapport {trial}."
    rows = [
        {
            "assignment_id": "UP2023-013",
            "org_unit": board,
            "period": "2024-05",
            "status": "pagar_enligt_plan",
            "explanation": said,
        }
        for board in BOARDS
    ]
    rows += [
        {
            "assignment_id": assignment_id,
            "org_unit": "HSN",
            "period": "2024-01/2024-08",
            "status": "avvikelse",
            "explanation": said,
        }
        for assignment_id in ("HSN2024-007", "HSN2024-012", "UP2023-026")
    ]
    rows.append(
        {
            "assignment_id": "HSN2024-015",
            "org_unit": "PVN",
            "period": "2024-T2",
            "status": "ej_startat",
            "explanation": said,
        }
    )
    return rows


def _at_once(count: int, send: Callable[[], Any]) -> list[Any]:
    """``count`` calls of ``send`` released together; their responses."""
    barrier = threading.Barrier(count)
    answers: list[Any] = []

    def run() -> None:
        barrier.wait()
        answers.append(send())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _stored(svc: ServiceHarness, explanation: str) -> int:
    with svc.engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(STATUS_REPORT)
            .where(STATUS_REPORT.c.explanation == explanation)
        ).scalar_one()
    return int(count)


def _postgres_only(svc: ServiceHarness) -> None:
    if svc.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")


def test_identical_loads_at_the_same_moment_store_each_report_once(
    seeded: ServiceHarness,
) -> None:
    _postgres_only(seeded)
    headers = seeded.auth("write")
    for trial in range(TRIALS):
        rows = _rows(trial)
        load = partial(seeded.client.post, "/v1/reports", json=rows, headers=headers)
        answers = _at_once(LOADS, load)
        assert [a.status_code for a in answers] == [200] * LOADS, [a.text for a in answers]
        bodies = [a.json() for a in answers]
        assert sorted(b["inserted"] for b in bodies) == [0] * (LOADS - 1) + [12], bodies
        assert all(b["inserted"] + b["unchanged"] == 12 for b in bodies), bodies
        assert _stored(seeded, f"Lägesrapport {trial}.") == 12, f"trial {trial}"
    # Loading the same file once more still changes nothing.
    again = seeded.client.post("/v1/reports", json=_rows(TRIALS - 1), headers=headers).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 12)


def test_identical_single_reports_at_the_same_moment_are_stored_once(
    seeded: ServiceHarness,
) -> None:
    _postgres_only(seeded)
    headers = seeded.auth("write")
    for trial in range(TRIALS):
        body = {
            "org_unit": "SUS",
            "period": "2024-05",
            "status": "avvikelse",
            "explanation": f"Bemanningsbrist {trial}.",
        }
        post = partial(
            seeded.client.post, "/v1/assignments/UP2023-013/reports", json=body, headers=headers
        )
        answers = _at_once(LOADS, post)
        assert sorted(a.status_code for a in answers) == [200] * (LOADS - 1) + [201]
        assert len({a.json()["id"] for a in answers}) == 1
        assert _stored(seeded, f"Bemanningsbrist {trial}.") == 1


def test_the_store_refuses_a_second_copy_of_a_report(seeded: ServiceHarness) -> None:
    """The natural key is a unique index: a copy cannot get in by any path."""
    r = seeded.client.post("/v1/reports", json=_rows(0)[:1], headers=seeded.auth("write")).json()
    assert r["inserted"] == 1
    with seeded.engine.connect() as conn:
        stored = conn.execute(
            sa.select(STATUS_REPORT).where(STATUS_REPORT.c.explanation == "Lägesrapport 0.")
        ).one()
    copy = {k: v for k, v in stored._mapping.items() if k != "id"}
    with pytest.raises(sa.exc.IntegrityError) as refused, seeded.engine.begin() as conn:
        conn.execute(sa.insert(STATUS_REPORT).values(**copy))
    assert "natural_key" in str(refused.value) or "UNIQUE constraint" in str(refused.value)
