"""Benchmark: reading where a change counter stands, the query every kept view asks of
every service and of the cycle's store (issue #13).

    .venv/bin/python bench/counter_read.py [--reads 3000] [--rounds 3]

Against the indicators schema of the database ``BENCH_DATABASE_URL`` (default
postgresql://postgres@127.0.0.1:5432/bench; migrated and seeded by
``bench/gateway_followup.py`` or ``make run``'s seed on Postgres), in one process on
uvloop, the same statement two ways, back to back, ``--rounds`` times:

- **thread + pool** (the baseline, the way before ``shared.counter_reads``): a worker
  thread (``run_in_threadpool``) checks a connection out of the service's own SQLAlchemy
  pool (autocommit, ``shared.db.reading_engine``) and runs it on a bare DB-API cursor;
- **loop** (``shared.counter_reads.CounterReader``): one psycopg connection of the
  reader's own, on the event loop.

And, inside a session (what every kept answer of a service reads first,
``shared.readcache.ReadCache.version``), in the same process without a thread:

- **session, SQLAlchemy** (the baseline, the way before): ``session.execute`` of the
  select on the counter's table;
- **session, bare cursor** (``shared.counter_reads.counter_version``): the same statement's text
  on a DB-API cursor of the session's connection.

Printed per round: CPU and wall microseconds per read of each and their ratio, with the
load average. Nothing is asserted: the figures are for the README.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
import uvloop
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from services.indicators.spec import SPEC
from shared.counter_reads import CounterReader, counter_version
from shared.db import make_engine, reading_engine

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench"


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


async def per_read(read: Callable[[], Awaitable[int]], reads: int) -> tuple[float, float]:
    """CPU and wall microseconds per read, after 100 reads to warm up."""
    for _ in range(100):
        await read()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(reads):
        await read()
    return (
        1e6 * (time.process_time() - cpu) / reads,
        1e6 * (time.perf_counter() - wall) / reads,
    )


def in_session(read: Callable[[], int], reads: int) -> tuple[float, float]:
    """``per_read`` for a read made in this thread (a session's, as an endpoint makes it)."""
    for _ in range(100):
        read()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(reads):
        read()
    return (
        1e6 * (time.process_time() - cpu) / reads,
        1e6 * (time.perf_counter() - wall) / reads,
    )


async def main(url: str, reads: int, rounds: int) -> None:
    engine = reading_engine(make_engine(url, "indicators"))
    counter = SPEC.infrastructure.change_counter
    reader = CounterReader(engine, counter)

    def pooled_read() -> int:
        # The baseline: the same statement (``counter_version``: a bare cursor) on a
        # connection checked out of the pool, in a worker thread.
        with engine.connect() as conn:
            return counter_version(conn, counter)

    async def through_pool() -> int:
        return await run_in_threadpool(pooled_read)

    def orm_read(session: Session) -> int:
        select = sa.select(counter.c.last_seq).where(counter.c.id == 1)
        return int(session.execute(select).scalar_one())

    print(f"{reads} reads a round; CPU / wall microseconds per read")
    for n in range(1, rounds + 1):
        base_cpu, base_wall = await per_read(through_pool, reads)
        loop_cpu, loop_wall = await per_read(reader.read, reads)
        print(
            f"  round {n}: thread + pool {base_cpu:5.0f} / {base_wall:5.0f}"
            f"   loop {loop_cpu:5.0f} / {loop_wall:5.0f}"
            f"   CPU {loop_cpu / base_cpu:.2f}x  wall {loop_wall / base_wall:.2f}x"
            f"   {load_average()}"
        )
    with Session(engine) as session:
        for n in range(1, rounds + 1):
            base_cpu, base_wall = in_session(lambda: orm_read(session), reads)
            bare_cpu, bare_wall = in_session(lambda: counter_version(session, counter), reads)
            print(
                f"  round {n}: session, SQLAlchemy {base_cpu:5.0f} / {base_wall:5.0f}"
                f"   bare cursor {bare_cpu:5.0f} / {bare_wall:5.0f}"
                f"   CPU {bare_cpu / base_cpu:.2f}x  wall {bare_wall / base_wall:.2f}x"
                f"   {load_average()}"
            )
    reader.close()
    engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    uvloop.run(main(url, args.reads, args.rounds))
