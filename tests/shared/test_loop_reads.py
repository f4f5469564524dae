"""The follow-up section read on the event loop, on a connection of its own
(``shared.loop_reads``), on Postgres: it never waits for the service's pool, a read held
up past its leash goes on in a worker thread while the service keeps answering, and it
answers exactly what the worker-thread form answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from shared.loop_reads import APPLICATION_NAME
from shared.registry import app
from tests.harness import ServiceHarness, build_app
from tests.harness import test_database_url as pg_url

pytestmark = pytest.mark.skipif(not pg_url(), reason="the loop's reads are Postgres's")

SECTION = "/v1/follow-up-section?org_unit=HSN&period={period}"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.02)


def waiting_on_locks(engine: sa.Engine) -> list[str]:
    """The application names of the server processes waiting for a lock now."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT application_name FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalars()
        )


@pytest.fixture
def seeded(budget: ServiceHarness) -> Iterator[ServiceHarness]:
    assert budget.seed() > 0
    yield budget


def test_the_section_is_answered_while_every_pooled_connection_is_taken(
    seeded: ServiceHarness,
) -> None:
    auth = seeded.auth("read")
    # The key is verified (and kept for a few seconds) while the pool is free.
    assert seeded.client.get(SECTION.format(period="2024"), headers=auth).status_code == 200
    pool = seeded.engine.pool
    with ExitStack() as held:
        # Every connection the pool may give (its size and its overflow), held as a long
        # export holds one: a read through the pool would wait its timeout, then fail.
        for _ in range(pool.size() + pool._max_overflow):  # type: ignore[attr-defined]
            held.enter_context(seeded.engine.connect()).exec_driver_sql("SELECT 1")
        while_taken = seeded.client.get(SECTION.format(period="2024-08"), headers=auth)
    assert while_taken.status_code == 200, while_taken.text
    seeded.app.state.read_cache = None
    again = seeded.client.get(SECTION.format(period="2024-08"), headers=auth)
    assert again.json() == while_taken.json()
    assert again.headers["etag"] == while_taken.headers["etag"]


def test_a_read_held_up_past_its_leash_goes_on_in_a_thread_while_the_service_answers(
    seeded: ServiceHarness, caplog: pytest.LogCaptureFixture
) -> None:
    auth = seeded.auth("read")
    asked: dict[str, Any] = {}
    # One client, one event loop for every request (the context form), as uvicorn serves.
    with TestClient(seeded.app) as client:
        expected = client.get(SECTION.format(period="2024-08"), headers=auth)
        assert expected.status_code == 200
        client.app.state.read_cache = None  # type: ignore[attr-defined]
        with seeded.engine.connect() as locker:
            # What a migration's ALTER TABLE takes: every read of the table waits.
            locker.exec_driver_sql("LOCK TABLE budget.forecast IN ACCESS EXCLUSIVE MODE")
            section = threading.Thread(
                target=lambda: asked.update(
                    section=client.get(SECTION.format(period="2024-08"), headers=auth)
                )
            )
            health = threading.Thread(target=lambda: asked.update(health=client.get("/health")))
            try:
                section.start()
                # The read on the loop's connection met the lock, its leash ran out, and
                # it is waiting again on a pooled connection, in a worker thread.
                wait_for(
                    lambda: any(
                        name != APPLICATION_NAME for name in waiting_on_locks(seeded.engine)
                    ),
                    "the section read waiting on the lock outside the loop",
                )
                health.start()
                health.join(timeout=10)
                answered_meanwhile = "health" in asked and section.is_alive()
            finally:
                locker.rollback()
        section.join(timeout=30)
        health.join(timeout=30)
    assert answered_meanwhile, "the service did not answer while the section's read waited"
    assert asked["health"].status_code == 200
    assert asked["section"].status_code == 200, asked["section"].text
    assert asked["section"].json() == expected.json()
    # The operator is told the loop's read was cut short, and why.
    assert "statement timeout" in caplog.text


def test_on_the_loop_and_in_worker_threads_the_sections_are_the_same(
    seeded: ServiceHarness,
) -> None:
    settings = seeded.app.state.settings.model_copy(update={"loop_reads": False})
    in_threads = build_app(app("budget"), settings)
    assert in_threads.state.loop_reads is None and seeded.app.state.loop_reads is not None
    auth = seeded.auth("read")
    with TestClient(in_threads) as threads_client:
        for unit in ("HSN", "PVN", "REGION"):
            for period in ("2024", "2024-03", "2024-08", "2023"):
                path = f"/v1/follow-up-section?org_unit={unit}&period={period}"
                on_loop = seeded.client.get(path, headers=auth)
                in_thread = threads_client.get(path, headers=auth)
                assert on_loop.status_code == in_thread.status_code == 200, path
                assert on_loop.content == in_thread.content, path
                assert on_loop.headers["etag"] == in_thread.headers["etag"], path
    in_threads.state.engine.dispose()
