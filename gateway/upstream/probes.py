"""Asks that everyone waiting shares: at most one out at a time per key, and a caller
takes only the answer of an ask that went out after it arrived.

Why: a kept view (``gateway.followup.kept_views``) stands while no service it was made of
has changed since (``GET /v1/data-version``: ``shared.readcache``) and the cycle's
decisions have not moved. Asking that per view costs the gateway a call per service and
view; under fifty clients those calls were most of the gateway's CPU and what held the
views back. The answer is the same for every view that waits at the same moment, so one
ask serves all of them.

Freshness is kept as a read barrier keeps it: an ask that went out after a caller arrived
counts every write committed before the caller arrived, so a caller never takes an answer
older than its question. Callers that arrive while an ask is out wait for the next one,
which goes out when that one returns: one ask out per key at a time, and a caller waits at
most two round trips. The key says who asks (``Upstream.data_version`` keys by the
caller's credential: the service checks it on every ask, and refuses a revoked one).

An ask is shielded: a caller that goes away (its client disconnected) leaves it to the
others. A failed ask fails every caller that waited for it; the next caller asks again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Asks(Generic[T]):
    #: The ask out now.
    out: asyncio.Future[T] | None = None
    #: What the callers that arrived while it was out wait for: the next ask's answer.
    following: asyncio.Future[T] | None = None
    #: How the next ask goes out (the latest caller's way of asking).
    ask_next: Callable[[], Awaitable[T]] | None = None


class SharedProbe(Generic[T]):
    """One ask out at a time per key; each caller gets the answer of one sent after it came."""

    def __init__(self) -> None:
        self._asks: dict[Hashable, _Asks[T]] = {}

    async def ask(self, key: Hashable, ask: Callable[[], Awaitable[T]]) -> T:
        """The answer of an ask (``ask()``) that goes out now or after the one out returns."""
        asks = self._asks.setdefault(key, _Asks())
        if asks.out is None:
            waited: asyncio.Future[T] = self._send(key, asks, ask)
        else:
            if asks.following is None:
                asks.following = asyncio.get_running_loop().create_future()
                # Nobody may be left to retrieve a failure: it is the callers' to see.
                asks.following.add_done_callback(_retrieved)
            asks.ask_next = ask
            waited = asks.following
        return await asyncio.shield(waited)

    def _send(
        self, key: Hashable, asks: _Asks[T], ask: Callable[[], Awaitable[T]]
    ) -> asyncio.Future[T]:
        out = asks.out = asyncio.ensure_future(ask())
        out.add_done_callback(_retrieved)
        out.add_done_callback(lambda done: self._returned(key, asks, done))
        return out

    def _returned(self, key: Hashable, asks: _Asks[T], done: asyncio.Future[T]) -> None:
        asks.out = None
        following, ask = asks.following, asks.ask_next
        if following is None or ask is None:
            if self._asks.get(key) is asks:
                del self._asks[key]
            return
        asks.following = asks.ask_next = None
        self._send(key, asks, ask).add_done_callback(lambda sent: _pass_on(sent, following))

    def __len__(self) -> int:
        """Keys with an ask out now."""
        return len(self._asks)


def _retrieved(future: asyncio.Future[T]) -> None:
    if not future.cancelled():
        future.exception()


def _pass_on(sent: asyncio.Future[T], following: asyncio.Future[T]) -> None:
    if following.done():
        return
    if sent.cancelled():
        following.cancel()
    elif (failure := sent.exception()) is not None:
        following.set_exception(failure)
    else:
        following.set_result(sent.result())
