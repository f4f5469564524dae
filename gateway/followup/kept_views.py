"""Views made lately, kept as the JSON sent, with what they were made of.

A committee's view is a function of the answers its calls got (each service's answer is
named by its ETag: ``gateway.upstream.answers.ReadsSeen``) and of the decision it is
compared with (``gateway.cycle.hooks.decision_seen``: id and change number). A view asked
again first asks each service whether the answers it was made of still stand (the same
calls, with ``If-None-Match``: ``Upstream.unchanged``) while the decision is looked up;
all 304 and the same decision, it is the same view, and the JSON kept is sent as it was:
nothing parsed, assembled or written again. Anything else (a newer answer, another
decision, a failure, the cycle's store away) makes the view afresh, from what the checks
found (their answers and failures: no service is asked twice, nor waited for twice);
only a whole view is kept.

Whether the data stood still is the services' to say, on every ask, after checking the
caller's key: a key they refuse is refused (their 401/403 is raised as a read raises it),
so the kept view is keyed by what was asked, not by who asked.

Kept compressed (a view of 130 kB is about 12 kB), bounded by ``kept_view_bytes``, least
recently used let go first. JSON only: CSV and the workbook are made from the view itself.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from prometheus_client import Counter

from gateway.config import GatewaySettings
from gateway.cycle.hooks import STORE_AWAY, DecisionSeen, decision_seen, with_decision_changes
from gateway.followup.rendering import Rendered
from gateway.followup.sources import deadline_of
from gateway.followup.view import FollowUpView, ViewReads
from gateway.upstream.answers import ReadSeen, checking, recording_reads
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.observability import REGISTRY
from shared.periods import Period

VIEWS_SENT = Counter(
    "gateway_follow_up_views_total",
    "Committee views answered, by how: kept (sent as kept, every service answered 304 "
    "and the decision was the same) or made (assembled afresh).",
    ["made"],
    registry=REGISTRY,
)
_KEPT, _MADE = VIEWS_SENT.labels("kept"), VIEWS_SENT.labels("made")

#: A view as asked: org unit, period and goal tree.
Asked = tuple[str, str, str]


@dataclass(frozen=True)
class KeptView:
    """A view's JSON (compressed) and its hash, and what it was made of."""

    reads: tuple[ReadSeen, ...]
    decision: DecisionSeen
    body: bytes
    digest: str

    def rendered(self) -> Rendered:
        return Rendered(zlib.decompress(self.body), self.digest, _json_only, _json_only)


class KeptViews:
    """Views by what was asked, compressed, bounded by bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._kept: OrderedDict[Asked, KeptView] = OrderedDict()

    def get(self, asked: Asked) -> KeptView | None:
        kept = self._kept.get(asked)
        if kept is not None:
            self._kept.move_to_end(asked)
        return kept

    def put(self, asked: Asked, view: KeptView) -> None:
        if len(view.body) > self._max_bytes:
            return
        old = self._kept.pop(asked, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._kept[asked] = view
        self._bytes += len(view.body)
        while self._bytes > self._max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._kept)


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


async def kept_view(
    request: Request,
    asked: tuple[str, Period, str],
    asking: Asking,
    read: Callable[[], Awaitable[ViewReads]],
    csv: Callable[[FollowUpView], bytes],
    xlsx: Callable[[FollowUpView], bytes],
    *,
    as_json: bool,
) -> Rendered:
    """The view of ``asked`` (org unit, period, tree): the kept one while what it was made
    of stands, else read, assembled, compared with its decision and kept. The decision is
    looked up while the services are asked. Only a view going out ``as_json`` is taken
    from the kept ones (``_json_only``)."""
    views: KeptViews = request.app.state.kept_views
    org_unit, period, tree = asked
    key = (org_unit, str(period), tree)
    decision = asyncio.ensure_future(decision_seen(request, org_unit, period))
    try:
        # What the checks find, the reads after them take instead of asking again.
        with checking():
            kept = views.get(key) if as_json else None
            if (
                kept is not None
                and await _still_standing(kept, asking)
                and await decision == kept.decision
            ):
                _KEPT.inc()
                return kept.rendered()
            with recording_reads() as seen:
                reads = await read()
    except BaseException:
        decision.cancel()
        raise
    compared_with = await decision
    _MADE.inc()
    view = await with_decision_changes(request, reads.assembled(), compared_with)
    made = Rendered.of(view, csv, xlsx)
    if seen.complete and compared_with != STORE_AWAY and not view.partial:
        body = zlib.compress(made.data, 1)
        views.put(key, KeptView(seen.key(), compared_with, body, made.digest))
    return made


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
