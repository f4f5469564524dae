"""The read cache's bounds and versions (``shared.readcache.ReadCache``), on a real change
counter table: answers beyond the bound make room least recently used first, a write
(the counter moving on) makes every kept answer stale, and a bound of 0 keeps none.
Answers are kept compressed: the bound holds every committee view's sections, the bytes
sent are the JSON as computed and the ETag is the JSON's."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic_core import to_json
from sqlalchemy.orm import Session

from shared.compaction import COMPACT_AFTER, unpack
from shared.keys import Principal
from shared.readcache import DEFAULT_MAX_BYTES, ENTRY_BYTES, ReadCache, kept_json

COUNTER = sa.Table(
    "change_counter",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)


@pytest.fixture
def session() -> Iterator[Session]:
    # One in-memory database, whichever thread asks (a TestClient runs routes in others).
    engine = sa.create_engine(
        "sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}
    )
    COUNTER.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(COUNTER).values(id=1, last_seq=0))
    with Session(engine) as s:
        yield s
    engine.dispose()


def write(session: Session) -> None:
    session.execute(sa.update(COUNTER).values(last_seq=COUNTER.c.last_seq + 1))
    session.commit()


class Computed:
    """Answers of 1000 bytes that do not compress (random), remembering which were
    computed (not served kept)."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def of(self, key: str) -> Callable[[], bytes]:
        def compute() -> bytes:
            self.made.append(key)
            return random.Random(key).randbytes(1000)

        return compute


def test_answers_beyond_the_bound_make_room_least_recently_used_first(session: Session) -> None:
    probe = ReadCache(COUNTER)
    probe.answer(session, "x", Computed().of("x"))
    bound = probe.size * 5 // 2  # room for two answers, not three
    cache, computed = ReadCache(COUNTER, max_bytes=bound), Computed()
    for key in ("a", "b", "a", "c", "a", "b"):
        cache.answer(session, key, computed.of(key))
    # "a" asked again before "c" came, so "b" was the one to go.
    assert computed.made == ["a", "b", "c", "b"]
    assert cache.size <= bound


def test_a_write_makes_every_kept_answer_stale(session: Session) -> None:
    cache, computed = ReadCache(COUNTER), Computed()
    first = cache.answer(session, "a", computed.of("a"))
    assert cache.answer(session, "a", computed.of("a")) is first
    write(session)
    again = cache.answer(session, "a", computed.of("a"))
    assert computed.made == ["a", "a"]
    # The same bytes have the same strong ETag, whatever their version.
    assert again.etag == first.etag and again.body == first.body


def test_a_bound_of_zero_keeps_nothing(session: Session) -> None:
    cache, computed = ReadCache(COUNTER, max_bytes=0), Computed()
    for _ in range(3):
        cache.answer(session, "a", computed.of("a"))
    assert computed.made == ["a", "a", "a"] and cache.size == 0


def section(key: str) -> bytes:
    """A committee's indicator section as the view asks for it: JSON of about 45 kB, its
    keys repeated item after item, its numbers and texts varying."""
    rng = random.Random(key)
    items = [
        {
            "indicator": f"ID{rng.randrange(1000, 9999)}",
            "name": f"Andel patienter {rng.choice(['inom', 'med', 'utan'])} vårdgaranti {i}",
            "period": "2024-08",
            "value": f"{rng.uniform(0, 100):.2f}",
            "target": f"≥{rng.randrange(50, 100)}%",
            "verdict": rng.choice(["met", "not_met", "no_result"]),
            "links": {"self": f"http://indicators/v1/indicators/ID{i}?org_unit={key}"},
        }
        for i in range(190)
    ]
    return to_json({"org_unit": key, "evaluations": items})


def test_the_bound_holds_every_section_of_the_committee_views(session: Session) -> None:
    # 19 org units × 26 periods of 45 kB: 22 MB of JSON, more than the 16 MiB bound, so
    # kept as sent a client going round them would never find one kept (every answer goes
    # before it is asked again). Compressed they all fit: the second round computes none.
    keys = [f"{unit}/{period}" for unit in range(19) for period in range(26)]
    assert sum(len(section(k)) for k in keys[:10]) * len(keys) / 10 > DEFAULT_MAX_BYTES
    cache, made = ReadCache(COUNTER), []

    def compute(key: str) -> Callable[[], bytes]:
        def run() -> bytes:
            made.append(key)
            return section(key)

        return run

    for _ in range(2):
        for key in keys:
            cache.answer(session, key, compute(key))
    assert made == keys
    assert len(cache) == len(keys) and cache.size <= DEFAULT_MAX_BYTES


def test_kept_bytes_are_the_json_as_computed_and_its_etag_the_jsons(session: Session) -> None:
    body = section("HSN/2024-08")
    cache = ReadCache(COUNTER)
    first = cache.answer(session, "a", lambda: body)
    kept = cache.answer(session, "a", lambda: b"not asked")
    assert kept is first
    assert kept.body == body and unpack(kept.compressed) == body
    # The ETag a client holds from before stays valid: a hash of the JSON bytes.
    assert kept.etag == '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    assert len(kept.compressed) * 4 < len(body)


def test_on_the_event_loop_an_answer_is_kept_as_made_and_packed_once_it_went_out(
    session: Session,
) -> None:
    body = section("HSN/2024-08")
    cache = ReadCache(COUNTER)

    async def asked_twice() -> None:
        first = cache.answer(session, "a", lambda: body)
        # Kept at once (asked again, nothing is computed) and as made: packing it is not
        # the cost of the answer it was made for.
        assert cache.answer(session, "a", lambda: b"not asked") is first
        assert not first.packed and cache.size == len(body) + ENTRY_BYTES
        await asyncio.sleep(COMPACT_AFTER * 2)
        assert first.packed and first.body == body
        assert cache.size == len(first.compressed) + ENTRY_BYTES
        assert len(first.compressed) * 4 < len(body)

    asyncio.run(asked_twice())


def test_on_the_event_loop_room_is_made_for_an_answer_once_it_is_packed(session: Session) -> None:
    probe = ReadCache(COUNTER)
    probe.answer(session, "x", Computed().of("x"))
    bound = probe.size * 5 // 2  # room for two packed answers, not three
    cache, computed = ReadCache(COUNTER, max_bytes=bound), Computed()

    async def three_asked() -> None:
        for key in ("a", "b", "c"):
            cache.answer(session, key, computed.of(key))
            if key != "c":
                await asyncio.sleep(COMPACT_AFTER * 2)
        # "c" waits to be packed: nothing was let go for it yet.
        assert len(cache) == 3
        await asyncio.sleep(COMPACT_AFTER * 2)
        assert len(cache) == 2 and cache.size <= bound
        cache.answer(session, "a", computed.of("a"))  # the least recently used went

    asyncio.run(three_asked())
    assert computed.made == ["a", "b", "c", "a"]


ANSWER: dict[str, Any] = {
    "org_unit": "HSN",
    "items": [{"value": "90.5", "n": i} for i in range(500)],
}


@pytest.fixture
def served(session: Session) -> Iterator[tuple[TestClient, ReadCache]]:
    """An app answering one route through ``kept_json``, and its cache."""
    app, cache = FastAPI(), ReadCache(COUNTER)
    reader = Principal("k", frozenset({"read"}), frozenset())

    @app.get("/answer")
    def answer(request: Request) -> Response:
        return kept_json(request, session, cache, reader, lambda: ANSWER)

    with TestClient(app) as c:
        yield c, cache


def test_the_bytes_sent_are_the_json_as_computed_and_a_304_sends_none(
    served: tuple[TestClient, ReadCache],
) -> None:
    client, cache = served
    json = to_json(ANSWER)
    for encoding in ("identity", "gzip, deflate"):  # computed, then kept
        sent = client.get("/answer", headers={"Accept-Encoding": encoding})
        assert sent.status_code == 200 and "content-encoding" not in sent.headers
        assert sent.content == json
        assert sent.headers["etag"] == '"' + hashlib.sha256(json).hexdigest()[:24] + '"'
        again = client.get("/answer", headers={"If-None-Match": sent.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == sent.headers["etag"]
    # What was sent the second time came from the kept bytes, a fraction of the JSON.
    assert len(cache) == 1 and cache.size - ENTRY_BYTES < len(json) / 4
