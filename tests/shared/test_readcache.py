"""The read cache's bounds and versions (``shared.readcache.ReadCache``), on a real change
counter table: answers beyond the bound make room least recently used first, a write
(the counter moving on) makes every kept answer stale, and a bound of 0 keeps none."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.readcache import ReadCache

COUNTER = sa.Table(
    "change_counter",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = sa.create_engine("sqlite://")
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
    """Answers of 100 bytes, remembering which were computed (not served kept)."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def of(self, key: str) -> Callable[[], bytes]:
        def compute() -> bytes:
            self.made.append(key)
            return key.encode() * 100

        return compute


def test_answers_beyond_the_bound_make_room_least_recently_used_first(session: Session) -> None:
    cache, computed = ReadCache(COUNTER, max_bytes=250), Computed()
    for key in ("a", "b", "a", "c", "a", "b"):
        cache.answer(session, key, computed.of(key))
    # "a" asked again before "c" came, so "b" was the one to go.
    assert computed.made == ["a", "b", "c", "b"]
    assert cache.size <= 250


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
