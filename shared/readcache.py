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

Answers are kept compressed (``shared.compaction``: JSON shrinks 8–14×, a committee's
indicator section of 89 kB to about 6 kB, in 0.05 ms), packed after the answer they were
made for went out, with a strong ETag (a hash of the JSON bytes as sent): a client that
sends the ETag back in ``If-None-Match`` (the gateway does) gets ``304 Not Modified`` without a body, and keeps what it has already
parsed; only a 200 unpacks the bytes. Memory is bounded by what is kept (the compressed
bytes plus ``ENTRY_BYTES`` an answer, against the service's ``read_cache_bytes``, 16 MiB
by default; least recently used answers go first): the 494 committee sections of the
indicators service, 22 MB as JSON, take about 3 MB. Each process of a service keeps its own.

The body is sent unencoded whatever ``Accept-Encoding`` says, though the kept bytes could
go as they are with ``Content-Encoding``: the gateway's proxy relays a service's bytes as
they come and rewrites the ``next`` link of a JSON page in them (a list page is kept too),
which it cannot do in a compressed body.

What an answer depends on besides the data is in its key: the URL (path, query and the
base the links in a body are made from), what the caller's key may read, and the
region's date (answers "as of today" change at midnight without a write).

Each kept answer names the counter's value it was made at (``Data-Version``), and
``GET /v1/data-version`` (``shared.app``) says where the counter stands now: a client
holding answers made at version ``v`` knows they all still stand while the counter reads
``v``, with one ask for all of them (the gateway's kept views: ``gateway.upstream.probes``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from pydantic_core import to_json
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shared.app import FeedDep, SessionDep
from shared.compaction import compact_later, on_loop, pack, unpack
from shared.counter_reads import counter_version
from shared.keys import Principal, Reader
from shared.loop_reads import LoopReadFailed, LoopReads
from shared.openapi_doc import answers_not_modified
from shared.paging import next_link
from shared.store import DATA_VERSION, ChangeFeed

#: The region's time zone: what "today" means for an answer as of today.
REGION_TIME_ZONE = ZoneInfo("Europe/Stockholm")
#: Bytes of answers one process keeps unless its settings say (``read_cache_bytes``): a
#: committee's view section is a few kilobytes compressed, so thousands of views' worth.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: What keeping an answer costs besides its compressed bytes, counted against the bound:
#: its key (the URL, the caller's scopes), its ETag and the dict's entry, about 0.9 kB
#: (measured with tracemalloc). Without it many small answers would hold far more memory
#: than the bound says.
ENTRY_BYTES = 1024


class KeptAnswer:
    """One answer: its JSON bytes, compressed once packed (``shared.compaction``), and the
    strong ETag of the JSON bytes."""

    __slots__ = ("_json", "compressed", "etag", "headers")

    def __init__(self, body: bytes, etag: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        #: The JSON as made, until ``pack`` lets go of it.
        self._json: bytes | None = body
        self.compressed = b""
        self.etag = etag
        #: Headers sent with it beside the ETag: a page's ``Link`` to the next (``next_link``).
        self.headers = headers

    @classmethod
    def of(cls, body: bytes, headers: Mapping[str, str] | None = None) -> KeptAnswer:
        # SHA-256 cut to 96 bits: with the CPU's SHA extensions a third of BLAKE2b's time
        # for the same bytes (0.06 against 0.16 ms for a 90 kB section).
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        return cls(body, etag, tuple((headers or {}).items()))

    @property
    def packed(self) -> bool:
        return self._json is None

    def compress(self) -> bytes:
        """The JSON compressed (``shared.compaction.pack``)."""
        return self.compressed if self._json is None else pack(self._json)

    def pack(self, compressed: bytes) -> None:
        """Keep ``compressed`` (``compress()``) and let go of the JSON."""
        self.compressed = compressed
        self._json = None

    @property
    def body(self) -> bytes:
        """The JSON bytes: as made until packed, then unpacked on each call (only a 200
        needs them, a 304 never)."""
        made = self._json
        return made if made is not None else unpack(self.compressed)

    @property
    def size(self) -> int:
        """What it counts against the cache's bound: its bytes as kept now."""
        made = self._json
        return (len(made) if made is not None else len(self.compressed)) + ENTRY_BYTES


class ReadCache:
    """Answers by (key, data version), bounded by their total size in bytes."""

    def __init__(self, counter: sa.Table, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._counter = counter
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
        return counter_version(session, self._counter)

    def answer(
        self, session: Session, key: Hashable, compute: Callable[[], bytes | KeptAnswer]
    ) -> KeptAnswer:
        """The answer kept for ``key`` at the data's current version, else ``compute()``'s
        (its JSON, or that made a ``KeptAnswer`` with its headers), kept. The version is
        read first (see the module's docstring for why)."""
        return self.answer_at(session, key, compute)[0]

    def answer_at(
        self, session: Session, key: Hashable, compute: Callable[[], bytes | KeptAnswer]
    ) -> tuple[KeptAnswer, int]:
        """``answer``, with the version it stands for."""
        version = self.version(session)
        entry = (key, version)
        with self._lock:
            kept = self._kept.get(entry)
            if kept is not None:
                self._kept.move_to_end(entry)
                return kept, version
        made = compute()
        kept = made if isinstance(made, KeptAnswer) else KeptAnswer.of(made)
        self._keep(entry, kept)
        return kept, version

    def _keep(self, entry: tuple[Hashable, int], kept: KeptAnswer) -> None:
        """Keep ``kept``: at once packed in a worker thread; on the event loop as made,
        packed later (``shared.compaction``). The bound counts packed answers: older
        answers are let go for one only once it is packed."""
        if self._max_bytes == 0:
            return
        if not on_loop():
            kept.pack(kept.compress())
        with self._lock:
            if entry in self._kept:
                return
            self._kept[entry] = kept
            self._size += kept.size
            if kept.packed:
                self._within_bound(entry, kept)
        if not kept.packed:
            compact_later(lambda: self._pack(entry, kept))

    def _pack(self, entry: tuple[Hashable, int], kept: KeptAnswer) -> None:
        if self._kept.get(entry) is not kept:
            return  # let go already: nothing to pack
        compressed = kept.compress()
        with self._lock:
            before = kept.size
            kept.pack(compressed)
            if self._kept.get(entry) is kept:
                self._size += kept.size - before
                self._within_bound(entry, kept)

    def _within_bound(self, entry: tuple[Hashable, int], kept: KeptAnswer) -> None:
        """Under the lock, ``kept`` just packed: let go of it if it alone is over the
        bound, else of the least recently used answers until all are within it."""
        if kept.size > self._max_bytes:
            del self._kept[entry]
            self._size -= kept.size
            return
        while self._size > self._max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._size -= dropped.size

    def __len__(self) -> int:
        """Answers kept now."""
        return len(self._kept)

    @property
    def size(self) -> int:
        """Bytes counted against the bound now (see ``KeptAnswer.size``)."""
        return self._size


@answers_not_modified  # every route that takes the cache answers through ``kept_json``
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
    """``compute()``'s answer (a model, or data of models) as JSON, kept in ``cache`` while
    the data stands still; 304 when the caller's ``If-None-Match`` names the answer's ETag.

    Call it after the route has checked that the caller may read what it asks for.
    """
    key = (str(request.url), principal.scopes, principal.org_units, region_today())

    # The JSON made for this request, if it was made now: sent as it is, not unpacked
    # again from the copy just compressed for the cache (0.1-0.2 ms for an indicators
    # follow-up section of 40-90 kB).
    made_now: list[bytes] = []

    def made() -> KeptAnswer:
        data = compute()
        # A page (``page_body``) names its next in a Link header too, kept with it.
        link = next_link(data.get("next")) if isinstance(data, dict) else {}
        made_now.append(to_json(data))
        return KeptAnswer.of(made_now[0], link)

    kept, version = cache.answer_at(session, key, made)
    headers = {
        **dict(kept.headers),
        "ETag": kept.etag,
        "Cache-Control": "no-cache",
        DATA_VERSION: str(version),
    }
    if kept.etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    body = made_now[0] if made_now else kept.body
    return Response(body, media_type="application/json", headers=headers)


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

    async def json_on_loop(self, compute: Callable[[Session], Any]) -> Response:
        """``json`` of ``compute(session)``, read and computed on the event loop, on the
        loop's own connection (``shared.loop_reads``), for a route whose reads are a few
        indexed statements; in a worker thread on the request's session, as ``json`` from
        a plain ``def`` route, where there is no such connection (SQLite, the setting off)
        or when the loop's read did not complete (its leash ran out, the connection
        failed). Call it after checking what the caller may read."""

        def answer(session: Session) -> Response:
            return kept_json(
                self.request, session, self.cache, self.principal, lambda: compute(session)
            )

        # Every service has it (``create_service_app``): None on SQLite or with the setting off.
        loop_reads: LoopReads | None = self.request.app.state.loop_reads
        if loop_reads is not None:
            try:
                return loop_reads.run(answer)
            except LoopReadFailed:
                pass
        return await run_in_threadpool(answer, self.session)


async def kept_reads(
    request: Request, session: SessionDep, cache: ReadCacheDep, principal: Reader
) -> KeptReads:
    return KeptReads(request, session, cache, principal)


KeptReadsDep = Annotated[KeptReads, Depends(kept_reads)]
