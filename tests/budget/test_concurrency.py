"""Lost updates: writers holding the same ETag race; exactly one may win (Postgres).

Each round reads the resource's ETag, then releases N writers together, each sending that
tag in ``If-Match`` with a body of its own. The compare and the write happen under one
lock, so one writer gets 200 and every other 412, and what is stored is the winner's body.
SQLite takes its write lock up front (``BEGIN IMMEDIATE``), so the race is run on Postgres.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.budget.helpers import comp, put_line
from tests.harness import ServiceHarness

WRITERS = 6
ROUNDS = 4


@pytest.fixture
def pg_budget(budget: ServiceHarness) -> ServiceHarness:
    if budget.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")
    return budget


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at once; their answers, in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _puts(
    budget: ServiceHarness, path: str, bodies: list[dict[str, Any]], headers: dict[str, str]
) -> list[Any]:
    """PUT each body to ``path`` at once; the answers, in body order."""

    def put(body: dict[str, Any]) -> Callable[[], Any]:
        return lambda: budget.client.put(path, json=body, headers=headers)

    return _together([put(b) for b in bodies])


def _race(
    budget: ServiceHarness, path: str, scope: str, body: Callable[[int], dict[str, Any]]
) -> None:
    for round_ in range(ROUNDS):
        tag = budget.client.get(path, headers=budget.auth("read")).headers["ETag"]
        headers = {**budget.auth(scope), "If-Match": tag}
        answers = _puts(budget, path, [body(round_ * 100 + n) for n in range(WRITERS)], headers)
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] + [412] * (WRITERS - 1), (round_, codes)
        (winner,) = [a for a in answers if a.status_code == 200]
        stored = budget.client.get(path, headers=budget.auth("read"))
        assert stored.headers["ETag"] == winner.headers["ETag"] != tag
        assert stored.json() == winner.json()


def test_concurrent_grant_puts_with_one_etag_one_wins(pg_budget: ServiceHarness) -> None:
    def body(n: int) -> dict[str, Any]:
        return {"components": [comp("base", 1_000_000 + n)]}

    pg_budget.client.put("/v1/grants/SUS/2024", json=body(0), headers=pg_budget.auth("admin"))
    _race(pg_budget, "/v1/grants/SUS/2024", "admin", body)


def test_concurrent_grant_puts_with_mirrored_transfers_one_wins(
    pg_budget: ServiceHarness,
) -> None:
    """A transfer writes the other committee's grant too: still one winner, no deadlock."""

    def body(n: int) -> dict[str, Any]:
        return {"components": [comp("base", 10), comp("transfer", -1 - n, counterparty="HSN")]}

    pg_budget.client.put("/v1/grants/SUS/2024", json=body(0), headers=pg_budget.auth("admin"))
    _race(pg_budget, "/v1/grants/SUS/2024", "admin", body)
    hsn = pg_budget.client.get("/v1/grants/HSN/2024", headers=pg_budget.auth("read")).json()
    sus = pg_budget.client.get("/v1/grants/SUS/2024", headers=pg_budget.auth("read")).json()
    assert hsn["total"] == -(sus["total"] - 10)  # the mirror follows the winner


def test_concurrent_budget_line_puts_with_one_etag_one_wins(pg_budget: ServiceHarness) -> None:
    def body(n: int) -> dict[str, Any]:
        return {"revenue": 0, "cost": 1_000 + n, "counterparty": "external"}

    put_line(pg_budget, "SUS", 2024, "vard", cost=1)
    _race(pg_budget, "/v1/budget-lines/SUS/2024/vard", "write", body)


def test_concurrent_earmarked_puts_with_one_etag_one_wins(pg_budget: ServiceHarness) -> None:
    def body(n: int) -> dict[str, Any]:
        return {"org_unit": "SUS", "year": 2024, "purpose": "Statsbidrag", "amount": 100 + n}

    r = pg_budget.client.put("/v1/earmarked/e1", json=body(0), headers=pg_budget.auth("admin"))
    assert r.status_code == 200
    _race(pg_budget, "/v1/earmarked/e1", "admin", body)


def test_concurrent_creates_of_one_line_all_succeed_none_fails(pg_budget: ServiceHarness) -> None:
    """Without If-Match the last writer wins; a new line's writers never collide (no 500)."""
    for round_ in range(ROUNDS):
        path = f"/v1/budget-lines/SUS/2024/ny_{round_}"
        bodies = [{"revenue": 0, "cost": n, "counterparty": "external"} for n in range(WRITERS)]
        answers = _puts(pg_budget, path, bodies, pg_budget.auth("write"))
        assert sorted(a.status_code for a in answers) == [200] * WRITERS
        seqs = sorted(a.json()["change_seq"] for a in answers)
        assert len(set(seqs)) == WRITERS  # each wrote in turn, and answers what it wrote
        stored = pg_budget.client.get(path, headers=pg_budget.auth("read")).json()
        assert stored["change_seq"] == seqs[-1]  # the last writer's is what stays


def test_concurrent_creates_of_one_earmark_all_succeed_none_fails(
    pg_budget: ServiceHarness,
) -> None:
    for round_ in range(ROUNDS):
        path = f"/v1/earmarked/ny-{round_}"
        bodies = [
            {"org_unit": "SUS", "year": 2024, "purpose": "Statsbidrag", "amount": n}
            for n in range(WRITERS)
        ]
        answers = _puts(pg_budget, path, bodies, pg_budget.auth("admin"))
        assert sorted(a.status_code for a in answers) == [200] * WRITERS
