"""Answers of read routes kept per process while the service's data stands still.

Why: the follow-up view asks each service the same questions over and over (every
committee, every period, the BI tools' nightly loads, the page), and an evaluation pass
costs tens of milliseconds of CPU, while asking whether anything changed costs one
one-row read. Every write of a service takes numbers from its change counter
(``shared.store.ChangeFeed``) in its own transaction, under the counter row's lock, so
``change_counter.last_seq`` moves with every committed change of anything the service
stores: an answer computed after reading ``last_seq = v`` is right for as long as the
counter still reads ``v``.

Freshness: the counter is read on every request, before the answer is looked up or
computed. A write committing between that read and the computation makes the stored
answer newer than its version, never older; the next reader sees the new version and
computes afresh. Nothing is served that a reader at the same moment could not have read.

Answers are kept as the bytes sent, with a strong ETag (a hash of the bytes): a client
that sends the ETag back in ``If-None-Match`` (the gateway does) gets ``304 Not Modified``
without a body, and keeps what it has already parsed. Memory is bounded by bytes (the
service's ``read_cache_bytes``, 16 MiB by default; least recently used answers go first);
each process of a service keeps its own.

What an answer depends on besides the data is in its key: the URL (path, query and the
base the links in a body are made from), what the caller's key may read, and the
region's date (answers "as of today" change at midnight without a write).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from pydantic_core import to_json
from sqlalchemy.orm import Session

from shared.app import FeedDep, SessionDep
from shared.keys import Principal, Reader
from shared.store import ChangeFeed

#: The region's time zone: what "today" means for an answer as of today.
REGION_TIME_ZONE = ZoneInfo("Europe/Stockholm")
#: Bytes of answers one process keeps unless its settings say (``read_cache_bytes``): a
#: committee's view section is tens of kilobytes, so a few hundred views' worth.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class KeptAnswer:
    """One answer as sent: its JSON bytes and their strong ETag."""

    body: bytes
    etag: str


class ReadCache:
    """Answers by (key, data version), bounded by their total size in bytes."""

    def __init__(self, counter: sa.Table, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._version = sa.select(counter.c.last_seq).where(counter.c.id == 1)
        self._max_bytes = max_bytes
        self._kept: OrderedDict[tuple[Hashable, int], KeptAnswer] = OrderedDict()
        self._size = 0
        # Endpoints run in the thread pool: the dict and its size change together.
        self._lock = threading.Lock()

    @classmethod
    def of(cls, feed: ChangeFeed, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadCache:
        return cls(feed.t.change_counter, max_bytes)

    def version(self, session: Session) -> int:
        """Where the service's change counter stands, as this session reads it now."""
        return int(session.execute(self._version).scalar_one())

    def answer(self, session: Session, key: Hashable, compute: Callable[[], bytes]) -> KeptAnswer:
        """The answer kept for ``key`` at the data's current version, else ``compute()``'s,
        kept. The version is read first (see the module's docstring for why)."""
        entry = (key, self.version(session))
        with self._lock:
            kept = self._kept.get(entry)
            if kept is not None:
                self._kept.move_to_end(entry)
                return kept
        body = compute()
        kept = KeptAnswer(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
        if len(body) <= self._max_bytes:
            with self._lock:
                if entry not in self._kept:
                    self._kept[entry] = kept
                    self._size += len(body)
                while self._size > self._max_bytes:
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped.body)
        return kept

    @property
    def size(self) -> int:
        """Bytes kept now."""
        return self._size


async def read_cache(request: Request, feed: FeedDep) -> ReadCache:
    """The app's read cache (made on first use, from its change feed's counter)."""
    state = request.app.state
    cache: ReadCache | None = getattr(state, "read_cache", None)
    if cache is None:
        size = getattr(state.settings, "read_cache_bytes", DEFAULT_MAX_BYTES)
        cache = state.read_cache = ReadCache.of(feed, size)
    return cache


ReadCacheDep = Annotated[ReadCache, Depends(read_cache)]


def region_today() -> date:
    return datetime.now(REGION_TIME_ZONE).date()


def kept_json(
    request: Request,
    session: Session,
    cache: ReadCache,
    principal: Principal,
    compute: Callable[[], Any],
) -> Response:
    """``compute()``'s answer (a model, or data of models) as JSON, kept in ``cache`` while the data stands still; 304
    when the caller's ``If-None-Match`` names the answer's ETag.

    Call it after the route has checked that the caller may read what it asks for.
    """
    key = (str(request.url), principal.scopes, principal.org_units, region_today())
    kept = cache.answer(session, key, lambda: to_json(compute()))
    headers = {"ETag": kept.etag, "Cache-Control": "no-cache"}
    if kept.etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(kept.body, media_type="application/json", headers=headers)


def _etags(header: str | None) -> list[str]:
    if not header:
        return []
    return [part.strip().removeprefix("W/") for part in header.split(",")]


@dataclass(frozen=True)
class KeptReads:
    """What a read route answers from the read cache with: its request, its session, the
    app's cache and the caller (a key with the read scope)."""

    request: Request
    session: Session
    cache: ReadCache
    principal: Principal

    def json(self, compute: Callable[[], Any]) -> Response:
        """``kept_json`` of ``compute()``: call it after checking what the caller may read."""
        return kept_json(self.request, self.session, self.cache, self.principal, compute)


async def kept_reads(
    request: Request, session: SessionDep, cache: ReadCacheDep, principal: Reader
) -> KeptReads:
    return KeptReads(request, session, cache, principal)


KeptReadsDep = Annotated[KeptReads, Depends(kept_reads)]
