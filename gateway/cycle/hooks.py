"""What the follow-up view and overview take from the cycle: the changes since a decision
(``changed_after_decision``) and each committee's count of late items."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import Request
from sqlalchemy.exc import OperationalError

from gateway.cycle.decisions import changes_since
from gateway.cycle.due import late_in_period
from gateway.cycle.store import CycleStore
from gateway.followup.view import FollowUpView
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period

log = logging.getLogger("gateway.cycle")

LateCounter = Callable[[str], Awaitable[int | None]]


def _store(request: Request) -> CycleStore | None:
    store: CycleStore | None = getattr(request.app.state, "cycle", None)
    return store


async def with_decision_changes(
    request: Request, fetching: Awaitable[FollowUpView]
) -> FollowUpView:
    """The view, with what differs from the report as decided (when one was)."""
    view = await fetching
    store = _store(request)
    if store is None:
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
    """Counts a committee's late items of the period's occasions, as of today."""
    store = _store(request)
    if store is None:
        return None
    found = store

    async def count(org_unit: str) -> int | None:
        try:
            return await late_in_period(found, upstreams, org_unit, period, headers)
        except OperationalError:
            return None

    return count
