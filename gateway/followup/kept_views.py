"""Views made lately, kept as the JSON sent, by what they were made of.

A committee's view is a function of the answers its calls got (each service's answer is
named by its ETag: ``gateway.upstream.answers.ReadsSeen``) and of the decision it is
compared with (``gateway.cycle.hooks.decision_seen``: id and change number). Asked again
with every service answering 304 to the same ETags, and the same decision, it is the same
view: the JSON kept is sent as it was, neither assembled nor written again. Anything else
(a new answer, another decision, a read that failed or came without an ETag, the cycle's
store away, a partial view) makes the view afresh; only whole views are kept.

The services' 304s still come first: whether the data stood still is theirs to say, on
every ask, after checking the caller's key. The key names no caller because the answers
are the caller's own: a service answers 304 only to a caller allowed to read what it kept.

Kept compressed (a view of 130 kB is about 12 kB), bounded by ``kept_view_bytes``, least
recently used let go first. JSON only: CSV and the workbook are made from the view itself.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from fastapi import Request
from prometheus_client import Counter

from gateway.cycle.hooks import STORE_AWAY, decision_seen, with_decision_changes
from gateway.followup.rendering import Rendered
from gateway.followup.view import FollowUpView, ViewReads
from gateway.upstream.answers import recording_reads
from shared.observability import REGISTRY
from shared.periods import Period

VIEWS_SENT = Counter(
    "gateway_follow_up_views_total",
    "Committee views answered, by how: kept (sent as kept, every service answered 304) "
    "or made (assembled afresh).",
    ["made"],
    registry=REGISTRY,
)
_KEPT, _MADE = VIEWS_SENT.labels("kept"), VIEWS_SENT.labels("made")


class KeptViews:
    """Rendered views by what they were made of, compressed, bounded by bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._kept: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()

    def get(self, key: Hashable) -> Rendered | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        self._kept.move_to_end(key)
        body, digest = kept
        return Rendered(zlib.decompress(body), digest, _json_only, _json_only)

    def put(self, key: Hashable, view: Rendered) -> None:
        body = zlib.compress(view.data, 1)
        if len(body) > self._max_bytes:
            return
        old = self._kept.pop(key, None)
        if old is not None:
            self._bytes -= len(old[0])
        self._kept[key] = (body, view.digest)
        self._bytes += len(body)
        while self._bytes > self._max_bytes:
            _, (dropped, _) = self._kept.popitem(last=False)
            self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._kept)


def _json_only() -> bytes:
    raise RuntimeError("a kept view is sent as JSON only; CSV and xlsx are made afresh")


async def kept_view(
    request: Request,
    views: KeptViews,
    asked: tuple[str, Period, str],
    read: Callable[[], Awaitable[ViewReads]],
    csv: Callable[[FollowUpView], bytes],
    xlsx: Callable[[FollowUpView], bytes],
    *,
    as_json: bool,
) -> Rendered:
    """The view of ``asked`` (org unit, period, tree): kept, or read, assembled, compared
    with its decision and kept. The decision is looked up while the services are asked.
    Only a view going out ``as_json`` is taken from the kept ones (``_json_only``)."""
    org_unit, period, tree = asked
    decision = asyncio.ensure_future(decision_seen(request, org_unit, period))
    try:
        with recording_reads() as seen:
            reads = await read()
    except BaseException:
        decision.cancel()
        raise
    compared_with = await decision
    keepable = seen.complete and compared_with != STORE_AWAY
    key = (org_unit, str(period), tree, seen.key(), compared_with)
    if as_json and keepable and (kept := views.get(key)) is not None:
        _KEPT.inc()
        return kept
    _MADE.inc()
    view = await with_decision_changes(request, reads.assembled(), compared_with)
    made = Rendered.of(view, csv, xlsx)
    if keepable and not view.partial:
        views.put(key, made)
    return made
