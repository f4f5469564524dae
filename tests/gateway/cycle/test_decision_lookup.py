"""The look-up every view made afresh makes of the cycle's store
(``CycleStore.decision_seen``): the unit's latest decided or reopened decision of the
period, beside where the cycle's change counter stands. On Postgres one statement on the
event loop, on SQLite two queries in a worker thread: the same answers either way. A view
starts it once its calls went out (``DecisionLookup``), and one given up before then never
starts it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request

from gateway.cycle.hooks import DecisionLookup
from gateway.cycle.models import INFRASTRUCTURE, decision
from gateway.cycle.store import CycleStore
from shared.keys import KeyVerifier
from shared.periods import Period
from shared.store import AuditTrail, ChangeFeed, utcnow
from tests.harness import ServiceHarness, build_service


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[CycleStore, ServiceHarness]]:
    harness = build_service("gateway", tmp_path)
    engine = harness.engine
    yield (
        CycleStore(
            engine,
            KeyVerifier(engine, INFRASTRUCTURE, 0),
            ChangeFeed(INFRASTRUCTURE),
            AuditTrail(INFRASTRUCTURE),
        ),
        harness,
    )
    harness.client.close()
    engine.dispose()


def record(harness: ServiceHarness, decision_id: str, state: str, period: str = "2024") -> int:
    """A decision of SUS's as the cycle records it, with the next change number."""
    with harness.engine.begin() as conn:
        seq = ChangeFeed(INFRASTRUCTURE).allocate(conn, 1)  # type: ignore[arg-type]
        conn.execute(
            sa.insert(decision).values(
                decision_id=decision_id,
                org_unit="SUS",
                period=period,
                year=int(period[:4]),
                state=state,
                decided_on=date(2025, 2, 20),
                body="RS",
                reference="§ 1",
                locked_org_units="SUS",
                recorded_by="test",
                updated_at=utcnow(),
                change_seq=seq,
            )
        )
    return seq


def seen(store: CycleStore, period: str = "2024") -> tuple[int, tuple[str, int] | None]:
    async def both() -> tuple[int, tuple[str, int] | None]:
        try:
            return await store.decision_seen("SUS", period)
        finally:
            store.close()

    return asyncio.run(both())


def test_no_decision_is_none_beside_the_counter(
    store: tuple[CycleStore, ServiceHarness],
) -> None:
    cycle, harness = store
    with harness.engine.connect() as conn:
        counter = ChangeFeed(INFRASTRUCTURE).version(conn)
    assert seen(cycle) == (counter, None)


def test_the_latest_decided_or_reopened_decision_is_seen_pending_ones_are_not(
    store: tuple[CycleStore, ServiceHarness],
) -> None:
    cycle, harness = store
    first = record(harness, "d-1", "decided")
    assert seen(cycle) == (first, ("d-1", first))
    reopened = record(harness, "d-2", "reopened")
    assert seen(cycle) == (reopened, ("d-2", reopened))
    pending = record(harness, "d-3", "pending")
    # The counter moved; the decision the view is compared with did not.
    assert seen(cycle) == (pending, ("d-2", reopened))
    other = record(harness, "d-4", "decided", period="2023")
    assert seen(cycle) == (other, ("d-2", reopened))
    assert seen(cycle, "2023") == (other, ("d-4", other))


def view_request(cycle: CycleStore) -> Request:
    """A request to the gateway whose cycle store is ``cycle``."""
    app = FastAPI()
    app.state.cycle = cycle
    return Request({"type": "http", "app": app})


def test_a_view_looks_its_decision_up_once_its_calls_went_out(
    store: tuple[CycleStore, ServiceHarness],
) -> None:
    cycle, harness = store
    seq = record(harness, "beslut-1", "decided")

    async def looked_up() -> object:
        try:
            lookup = DecisionLookup(view_request(cycle), "SUS", Period.parse("2024"))
            lookup.after_calls()
            return await lookup.result()
        finally:
            cycle.close()

    assert asyncio.run(looked_up()) == (("beslut-1", seq), seq)


def test_a_view_given_up_before_its_calls_went_out_never_looks_its_decision_up(
    store: tuple[CycleStore, ServiceHarness],
) -> None:
    cycle, _ = store

    async def given_up() -> set[asyncio.Task[object]]:
        try:
            lookup = DecisionLookup(view_request(cycle), "SUS", Period.parse("2024"))
            lookup.after_calls()
            lookup.cancel()  # the view's reads failed at once
            for _ in range(3):
                await asyncio.sleep(0)
            return asyncio.all_tasks() - {asyncio.current_task()}
        finally:
            cycle.close()

    assert asyncio.run(given_up()) == set()
