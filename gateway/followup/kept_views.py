"""Views made lately, kept as the JSON sent, with what they were made of.

A committee's view is a function of the answers its calls got (each service's answer is
named by its ETag, and by the data version the service made it at: ``ReadsSeen``), of the
decision it is compared with (``gateway.cycle.hooks.decision_seen``: id and change
number) and of the region's date. A view asked again is the same view when:

1. **nothing changed anywhere** (the common case): each service's change counter and the
   cycle's still read what they read when the view was made, asked after this view was
   asked for (``Upstream.data_version``, ``CycleStore.version``: one ask out at a time,
   shared by every view waiting, ``gateway.upstream.probes``), with the same credential
   as made or last confirmed it, on the same date. The services check the credential on
   that ask: a revoked key is refused as a read would be; or
2. **every answer still stands**: each service is asked whether the answers the view was
   made of still stand (the same calls, with ``If-None-Match``: ``Upstream.unchanged``)
   while the decision is looked up; all 304 and the same decision. A write that changed
   nothing this view shows, or another credential, takes this way; the versions the 304s
   name are then kept for the next ask.

Anything else (a newer answer, another decision, a failure, the cycle's store away) makes
the view afresh, from what the checks found (their answers and failures: no service is
asked twice, nor waited for twice); only a whole view is kept.

Whether a caller may read the view is the services' to say, on every ask, after checking
the caller's key: way 1 only for the credential the services accepted for these very
answers (keys are never widened, only revoked), way 2 for anyone (their 401/403 is raised
as a read raises it), so the kept view is keyed by what was asked, not by who asked.

Kept compressed once sent (``shared.compaction``; HSN's view of 2024, 174 kB, is 22 kB),
bounded by ``kept_view_bytes``, least recently used let go first. The views sent lately are
kept as sent too, up to a quarter of that bound again: decompressing (zlib then) was about
an eighth of the gateway's CPU per kept view sent (py-spy, HSN 2024 asked at one client).
JSON only: CSV and the workbook are made from the view itself.

One module of about 440 lines: the kept views, the two ways one is sent again and the turns
views take to be confirmed or made are one decision, read together.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date

from fastapi import Request
from prometheus_client import Counter

from gateway.config import GatewaySettings
from gateway.cycle.hooks import (
    STORE_AWAY,
    DecisionLookup,
    DecisionSeen,
    with_decision_changes,
)
from gateway.followup.data_versions import versions_now
from gateway.followup.rendering import Rendered
from gateway.followup.sources import deadline_of
from gateway.followup.view import FollowUpView, ViewReads
from gateway.upstream.answers import (
    Checked,
    ReadSeen,
    checked_versions,
    checking,
    note_checked,
    recording_reads,
)
from gateway.upstream.errors import FailureReason, UpstreamFailure
from gateway.upstream.transport import Headers, credential_of
from gateway.upstream.upstream import Upstreams
from shared.compaction import compact_later, pack, unpack
from shared.observability import REGISTRY
from shared.periods import Period
from shared.readcache import region_today


def _counted_by(
    name: str, documentation: str, label: str, values: tuple[str, ...]
) -> list[Counter]:
    """A counter of the gateway's registry, one child per value of its one label."""
    counter = Counter(name, documentation, [label], registry=REGISTRY)
    return [counter.labels(value) for value in values]


_UNCHANGED, _CONFIRMED, _MADE = _counted_by(
    "gateway_follow_up_views_total",
    "Committee views answered, by how: unchanged (sent as kept: no service's data and no "
    "decision changed), confirmed (sent as kept: every answer it was made of still "
    "stood) or made (assembled afresh).",
    "made",
    ("unchanged", "confirmed", "made"),
)
_TURN_FREE, _TURN_WAITED, _TURN_BESIDE = _counted_by(
    "gateway_follow_up_view_turns_total",
    "Turns to confirm a kept view with its services or make it afresh (ViewTurns), by how "
    "they went: free (taken at once), waited (after waiting for one) or beside (the view "
    "waited its share of the time it had left and went beside the others). Many waited or "
    "beside: GATEWAY_VIEWS_MADE_AT_ONCE is low for the load, or the services are slow.",
    "how",
    ("free", "waited", "beside"),
)

#: Failures of a data-version ask that its service's reads in the same view take as theirs.
_NOT_ASKED_AGAIN = frozenset(
    {
        FailureReason.CONNECT_ERROR,
        FailureReason.TIMEOUT,
        FailureReason.TRANSPORT_ERROR,
        FailureReason.BREAKER_OPEN,
    }
)

#: A view as asked: org unit, period and goal tree.
Asked = tuple[str, str, str]


@dataclass(frozen=True)
class KeptView:
    """A view's JSON (compressed) and its hash, and what it was made of."""

    reads: tuple[ReadSeen, ...]
    decision: DecisionSeen
    #: The view's JSON as made until packed (``shared.compaction``), then compressed.
    body: bytes
    digest: str
    #: Each service's data version its answers were made at (``None``: one answer named
    #: none), the cycle's version before the decision was looked up, and the date.
    versions: Mapping[str, int] | None
    cycle_version: int | None
    made_on: date
    #: The credential the services accepted for these answers (``Asking.credential``).
    made_for: str
    packed: bool = False


class KeptViews:
    """Views by what was asked, compressed, bounded by bytes; the lately sent ones as sent
    too (``sent``); and the turns to make them afresh (``turns``)."""

    def __init__(self, max_bytes: int, made_at_once: int = 8) -> None:
        self.turns = ViewTurns(made_at_once)
        self._max_bytes = max_bytes
        self._bytes = 0
        self._kept: OrderedDict[Asked, KeptView] = OrderedDict()
        #: The lately sent views' JSON by what was asked, with their hash.
        self._as_sent: OrderedDict[Asked, tuple[str, bytes]] = OrderedDict()
        self._as_sent_bytes = 0
        self._max_as_sent_bytes = max_bytes // 4

    def sent(self, asked: Asked, kept: KeptView) -> Rendered:
        """``kept`` as it goes out: its JSON as sent lately, else decompressed."""
        as_sent = self._as_sent.get(asked)
        if as_sent is not None and as_sent[0] == kept.digest:
            self._as_sent.move_to_end(asked)
            data = as_sent[1]
        elif not kept.packed:
            data = kept.body
        else:
            data = unpack(kept.body)
            self.keep_as_sent(asked, kept.digest, data)
        return Rendered(data, kept.digest, _json_only, _json_only)

    def keep_as_sent(self, asked: Asked, digest: str, data: bytes) -> None:
        old = self._as_sent.pop(asked, None)
        if old is not None:
            self._as_sent_bytes -= len(old[1])
        if len(data) > self._max_as_sent_bytes:
            return
        self._as_sent[asked] = (digest, data)
        self._as_sent_bytes += len(data)
        while self._as_sent_bytes > self._max_as_sent_bytes:
            _, (_, dropped) = self._as_sent.popitem(last=False)
            self._as_sent_bytes -= len(dropped)

    def get(self, asked: Asked) -> KeptView | None:
        kept = self._kept.get(asked)
        if kept is not None:
            self._kept.move_to_end(asked)
        return kept

    def put(self, asked: Asked, view: KeptView) -> None:
        """Keep ``view``; one not packed yet is packed later (``shared.compaction``), and
        older views are let go for it only then: the bound counts views packed."""
        old = self._kept.pop(asked, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._kept[asked] = view
        self._bytes += len(view.body)
        if view.packed:
            self._within_bound(asked, view)
        else:
            compact_later(lambda: self._pack(asked, view))

    def _pack(self, asked: Asked, view: KeptView) -> None:
        if self._kept.get(asked) is not view:
            return  # let go or replaced already
        packed = replace(view, body=pack(view.body), packed=True)
        self._kept[asked] = packed  # in its place: the order of use stays
        self._bytes += len(packed.body) - len(view.body)
        self._within_bound(asked, packed)

    def _within_bound(self, asked: Asked, view: KeptView) -> None:
        """``view`` (packed) let go if it alone is over the bound, else the least recently
        used views until all are within it."""
        if len(view.body) > self._max_bytes:
            del self._kept[asked]
            self._bytes -= len(view.body)
            return
        while self._bytes > self._max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._kept)


class ViewTurns:
    """How many views are confirmed with their services (way 2) or read afresh at once.

    Why a bound: fifty views made at once put 150 calls in flight, and the gateway's
    connection pools and the services' threads then spend more on taking turns than on the
    work (the gateway's CPU per view made afresh rose from about 11 to 18 ms; with 8 at a
    time, 50 clients from cold got 55-131 views/s instead of 40-42, p99 0.9-1.3 s instead
    of 2.1 s, and no partial view: measured). A confirmation costs the services as much
    (each computes its section again to find it unchanged): 50 clients right after a write
    to every service got p99 262-315 ms and 1 210-1 304 views/s with confirmations taking
    turns, 502-605 ms and 585-810 views/s without (two runs each, alternating).
    """

    def __init__(self, at_once: int) -> None:
        self._making = asyncio.Semaphore(at_once)

    @asynccontextmanager
    async def turn(self, wait: float) -> AsyncIterator[None]:
        """A turn to confirm a view or make it afresh, waited for at most ``wait`` seconds,
        after which the view is made beside the others rather than late (its deadline runs
        from when it was asked for: a hung service must not starve the views behind it)."""
        if not self._making.locked():
            await self._making.acquire()  # free: returns at once
            _TURN_FREE.inc()
        else:
            try:
                await asyncio.wait_for(self._making.acquire(), max(wait, 0.0))
            except TimeoutError:
                _TURN_BESIDE.inc()
                yield
                return
            _TURN_WAITED.inc()
        try:
            yield
        finally:
            self._making.release()


def _json_only() -> bytes:
    raise RuntimeError("a kept view is sent as JSON only; CSV and xlsx are made afresh")


@dataclass(frozen=True)
class Asking:
    """How the view's calls go out: to which services, with the caller's headers, by the
    deadlines counted from when the view was asked for (``arrived``)."""

    upstreams: Upstreams
    settings: GatewaySettings
    headers: Headers
    arrived: float | None

    @property
    def credential(self) -> str:
        """The caller's ``Authorization``, as the services are asked with it."""
        return credential_of(self.headers)


@dataclass(frozen=True)
class ViewOrder:
    """A committee's view as it was asked for (org unit, period, goal tree) and how it is
    made: its calls (``asking``), its reads (``read``), its CSV and workbook."""

    org_unit: str
    period: Period
    tree: str
    asking: Asking
    #: The view's reads, given what to start once its calls are on their way.
    read: Callable[[Callable[[], None]], Awaitable[ViewReads]]
    csv: Callable[[FollowUpView], bytes]
    xlsx: Callable[[FollowUpView], bytes]

    @property
    def asked(self) -> Asked:
        """What the view is kept by."""
        return (self.org_unit, str(self.period), self.tree)


async def kept_view(request: Request, order: ViewOrder, *, as_json: bool) -> Rendered:
    """The view ``order`` asks for: the kept one while what it was made of stands, else
    read, assembled, compared with its decision and kept. The decision is looked up while
    the services are asked. Only a view going out ``as_json`` is taken from the kept ones
    (``_json_only``)."""
    views: KeptViews = request.app.state.kept_views
    key = order.asked
    kept = views.get(key) if as_json else None
    today = region_today()
    # What the checks find, the reads after them take instead of asking again.
    with checking():
        if kept is not None and await _nothing_changed(request, kept, order.asking, today):
            _UNCHANGED.inc()
            return views.sent(key, kept)
        return await _confirmed_or_made(request, order, kept, today)


async def _confirmed_or_made(
    request: Request, order: ViewOrder, kept: KeptView | None, today: date
) -> Rendered:
    """Way 2 of the module's docstring, else the view made afresh and kept."""
    views: KeptViews = request.app.state.kept_views
    key, asking = order.asked, order.asking
    decision = DecisionLookup(request, order.org_unit, order.period)
    try:
        # Confirming takes a turn too: each service computes the section again to find it
        # unchanged (its data moved), which costs it what making the view afresh does.
        async with views.turns.turn(_turn_wait(asking)):
            if kept is not None and await _confirmed(views, key, kept, asking, decision, today):
                return views.sent(key, kept)
            with recording_reads() as seen:
                reads = await order.read(decision.after_calls)
    except BaseException:
        decision.cancel()
        raise
    compared_with, cycle_at = await decision.result()
    _MADE.inc()
    view = await with_decision_changes(request, reads.assembled(), compared_with)
    made = Rendered.of(view, order.csv, order.xlsx)
    if seen.complete and compared_with != STORE_AWAY and not view.partial:
        views.keep_as_sent(key, made.digest, made.data)
        views.put(
            key,
            KeptView(
                seen.key(),
                compared_with,
                made.data,
                made.digest,
                seen.versions.all_known(),
                cycle_at,
                today,
                asking.credential,
            ),
        )
    return made


async def _confirmed(
    views: KeptViews,
    key: Asked,
    kept: KeptView,
    asking: Asking,
    decision: DecisionLookup,
    today: date,
) -> bool:
    """Way 2 of the module's docstring: whether every answer ``kept`` was made of still
    stands and its decision is the same; if so it is kept anew, confirmed by them."""
    decision.start()
    if not await _still_standing(kept, asking):
        return False
    compared_with, cycle_at = await decision.result()
    if compared_with != kept.decision:
        return False
    confirmed = replace(
        kept,
        versions=checked_versions().all_known(),
        cycle_version=cycle_at,
        made_on=today,
        made_for=asking.credential,
    )
    views.put(key, confirmed)
    _CONFIRMED.inc()
    return True


def _turn_wait(asking: Asking) -> float:
    """How long a view may wait for its turn to be made: ``view_turn_share`` of the time
    left before the earliest of its calls' deadlines."""
    now = asyncio.get_running_loop().time()
    ends = (
        deadline_of(upstream, asking.settings, asking.arrived) or now + upstream.deadline
        for upstream in asking.upstreams.values()
    )
    return asking.settings.view_turn_share * (min(ends) - now)


async def _nothing_changed(request: Request, kept: KeptView, asking: Asking, today: date) -> bool:
    """Whether no service the kept view read and not the cycle changed since it was made
    (way 1 of the module's docstring), asked after this view was asked for, each service
    by the view's deadline for it. What is found of each service is noted for the checks
    that follow when something did change (``answers.checking``): a service whose data
    stood still is not asked again, one that failed is not waited for again."""
    if (
        kept.versions is None
        or kept.cycle_version is None
        or kept.made_on != today
        or kept.made_for != asking.credential
    ):
        return False
    now, cycle = await versions_now(
        request,
        asking.upstreams,
        asking.headers,
        list(kept.versions),
        lambda upstream: deadline_of(upstream, asking.settings, asking.arrived),
    )
    if now == kept.versions and cycle == kept.cycle_version:
        return True
    for upstream, asked, etag in kept.reads:
        found = now[upstream]
        if isinstance(found, UpstreamFailure):
            # A service that did not answer in time or at all is not waited for again; any
            # other failure of this ask (a 404 from a service without the route) is left
            # to the checks of the answers themselves.
            if found.reason in _NOT_ASKED_AGAIN:
                note_checked(upstream, asked, Checked(failure=found))
        elif found == kept.versions[upstream]:
            asking.upstreams[upstream].note_standing(asked, etag, found)
    return False


async def _still_standing(kept: KeptView, asking: Asking) -> bool:
    """Whether every answer the kept view was made of still stands (all at once)."""

    async def unchanged(read: ReadSeen) -> bool:
        name, key, etag = read
        upstream = asking.upstreams[name]
        return await upstream.unchanged(
            key,
            etag,
            headers=asking.headers,
            deadline_at=deadline_of(upstream, asking.settings, asking.arrived),
        )

    return all(await asyncio.gather(*(unchanged(read) for read in kept.reads)))
