"""What the follow-up view and overview take from the cycle: the changes since a decision
(``changed_after_decision``) and each committee's count of late items."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import Request
from sqlalchemy.exc import OperationalError

from gateway.cycle.decisions import changes_since
from gateway.cycle.due import late_in_period, occasions_in_period
from gateway.cycle.schemas import Occasion
from gateway.cycle.store import CycleStore
from gateway.followup.view import FollowUpView
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period
from shared.readcache import region_today

log = logging.getLogger("gateway.cycle")

LateCounter = Callable[[str], Awaitable[int | None]]


def _store(request: Request) -> CycleStore | None:
    store: CycleStore | None = getattr(request.app.state, "cycle", None)
    return store


#: The latest decided or reopened decision of a unit's period, as the view's comparison
#: depends on it: its id and change number (every change of a decision takes a new one);
#: ``None``: no decision; ``STORE_AWAY``: the cycle's store did not answer.
DecisionSeen = tuple[str, int] | None | Literal["away"]
STORE_AWAY: Literal["away"] = "away"


#: The cycle's version when the gateway has no cycle store: it never moves.
NO_CYCLE = -1


async def decision_seen(
    request: Request, org_unit: str, period: Period
) -> tuple[DecisionSeen, int | None]:
    """Which decision the view of ``org_unit`` for ``period`` is compared with, if any, and
    where the cycle's change counter stood when it was looked up (``None``: the store
    did not answer): while the counter reads the same, so does the decision."""
    store = _store(request)
    if store is None:
        return None, NO_CYCLE
    try:
        version, decided = await store.decision_seen(org_unit, str(period))
    except OperationalError:
        return STORE_AWAY, None
    return decided, version


class DecisionLookup:
    """``decision_seen`` for a view made afresh, looked up after the view's calls went
    out: ``after_calls`` (which the view's reads call once their calls' tasks are made)
    starts the lookup on the loop's next turn, when each call has taken its first step and
    written its request. Looked up first, its query went out ahead of them and the three
    calls went out over 0.6 ms more (stamped on the gateway's event loop, views made afresh
    at one client); the lookup takes about 1 ms while the services take 5-8.
    """

    def __init__(self, request: Request, org_unit: str, period: Period) -> None:
        self._asked = request, org_unit, period
        self._task: asyncio.Task[tuple[DecisionSeen, int | None]] | None = None
        self._given_up = False

    def after_calls(self) -> None:
        asyncio.get_running_loop().call_soon(self.start)

    def start(self) -> None:
        # Given up (the view failed) before its turn came: never started.
        if self._task is None and not self._given_up:
            self._task = asyncio.ensure_future(decision_seen(*self._asked))

    async def result(self) -> tuple[DecisionSeen, int | None]:
        self.start()
        assert self._task is not None
        return await self._task

    def cancel(self) -> None:
        self._given_up = True
        if self._task is not None:
            self._task.cancel()


async def cycle_version(request: Request) -> int | None:
    """Where the cycle's change counter stands, read after this call began (``None``: the
    store did not answer)."""
    store = _store(request)
    if store is None:
        return NO_CYCLE
    try:
        return await store.version()
    except OperationalError:
        return None


async def with_decision_changes(
    request: Request, view: FollowUpView, seen: DecisionSeen
) -> FollowUpView:
    """The view, with what differs from the report as decided (when one was). ``seen``
    (``decision_seen``) ``None`` says there is no decision: nothing to compare."""
    store = _store(request)
    if store is None or seen is None:
        return view
    try:
        view.changed_after_decision = await store.run(lambda s: changes_since(s, view))
    except OperationalError:
        # The view stands without the comparison when the cycle's store is away.
        log.warning("the follow-up cycle's store did not answer; no changed_after_decision")
    return view


def late_counter(
    request: Request, upstreams: Upstreams, period: Period, headers: Headers
) -> LateCounter | None:
    """Counts a committee's late items of the period's occasions, as of today. The
    occasions are read once, by the first count, for all the committees counted."""
    store = _store(request)
    if store is None:
        return None
    found = store
    # The region's date, as the kept overview's (``kept_overview``): the counts are as of it.
    today = region_today()
    occasions: asyncio.Task[list[Occasion]] | None = None

    async def count(org_unit: str) -> int | None:
        nonlocal occasions
        if occasions is None:
            occasions = asyncio.ensure_future(occasions_in_period(found, period, today))
            # Its failure is each count's to see; read here too, for when none waits.
            occasions.add_done_callback(lambda read: read.cancelled() or read.exception())
        try:
            # Shielded: one count given up must not cancel the read the others wait for.
            chosen = await asyncio.shield(occasions)
            return await late_in_period(found, upstreams, org_unit, today, chosen, headers)
        except OperationalError:
            return None

    return count
