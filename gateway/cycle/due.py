"""What is due for a committee as of a date: the calendar joined with what each service
expected and got (``GET /v1/expected``, asked at once) and the committee's decisions.

A service that cannot be asked leaves its items ``unavailable`` with its problem
(``gateway.upstream.errors.problem_for``, the gateway's one mapping); a 401/403 is the
caller's answer, raised as ``UpstreamRefused``. Each computation sets the gauge
``followup_late_items{org_unit, kind}`` to the unit's late items.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

from prometheus_client import Gauge

from gateway.cycle import calendar, repository
from gateway.cycle.clients import ExpectedAnswer, expected_of
from gateway.cycle.due_rules import (
    ITEM_KINDS,
    SOURCE_OF,
    DecisionFound,
    Expected,
    due_items,
    late_by_kind,
    occasions_due,
    periods_to_ask,
)
from gateway.cycle.schemas import DueAnswer, DueCounts, Occasion
from gateway.cycle.store import CycleStore
from gateway.upstream.errors import UpstreamFailure, UpstreamRefused, problem_for
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.observability import REGISTRY
from shared.periods import Period
from shared.readcache import region_today

LATE_ITEMS = Gauge(
    "followup_late_items",
    "Items a committee has not delivered past their due date (GET /v1/due, and the "
    "overview's late counts), by org unit and kind, as the latest computation found them.",
    ["org_unit", "kind"],
    registry=REGISTRY,
    # Under several workers the latest computation is the truth, not a sum over workers.
    multiprocess_mode="mostrecent",
)

Answer = ExpectedAnswer | UpstreamFailure


async def due_as_of(
    store: CycleStore, upstreams: Upstreams, org_unit: str, as_of: date, headers: Headers
) -> DueAnswer:
    """Every item of ``org_unit`` due by ``as_of`` (see ``due_rules``)."""
    occasions = await store.run(lambda s: calendar.occasions_of(s, [as_of.year - 1, as_of.year]))
    return await assess(
        store, upstreams, org_unit, as_of, occasions_due(occasions, org_unit, as_of), headers
    )


async def occasions_in_period(store: CycleStore, period: Period, today: date) -> list[Occasion]:
    """The occasions within ``period`` whose own period has ended by ``today``: the same
    for every committee (the calendar is the region's)."""
    occasions = await store.run(lambda s: calendar.occasions_of(s, [period.year]))
    return [
        o
        for o in occasions
        if period.contains(Period.parse(o.period)) and Period.parse(o.period).last_day < today
    ]


async def due_in_period(
    store: CycleStore, upstreams: Upstreams, org_unit: str, period: Period, headers: Headers
) -> DueAnswer:
    """The unit's items, as of today, of the occasions within ``period`` whose own period
    has ended: what the overview counts and the page lists."""
    today = region_today()
    chosen = await occasions_in_period(store, period, today)
    return await assess(store, upstreams, org_unit, today, chosen, headers)


async def late_in_period(
    store: CycleStore,
    upstreams: Upstreams,
    org_unit: str,
    today: date,
    occasions: Sequence[Occasion],
    headers: Headers,
) -> int | None:
    """The unit's late items of ``occasions`` (``occasions_in_period``: the overview's
    count, as ``due_in_period`` finds them); ``None`` when a service could not be asked."""
    answer = await assess(store, upstreams, org_unit, today, occasions, headers)
    return None if answer.partial else answer.counts.late


async def assess(
    store: CycleStore,
    upstreams: Upstreams,
    org_unit: str,
    as_of: date,
    occasions: Sequence[Occasion],
    headers: Headers,
) -> DueAnswer:
    periods = periods_to_ask(occasions)
    asked = sorted(
        {SOURCE_OF[k] for o in occasions for k in ITEM_KINDS[o.kind]} - {"followup"},
        key=list(upstreams).index,
    )
    answers: list[Any] = await asyncio.gather(
        *(expected_of(upstreams[name], org_unit, periods, headers) for name in asked),
        return_exceptions=True,
    )
    for answer in answers:
        if isinstance(answer, UpstreamRefused):
            raise answer
    for answer in answers:
        if isinstance(answer, BaseException) and not isinstance(answer, UpstreamFailure):
            raise answer
    expected: dict[str, list[Expected] | None] = {}
    problems: dict[str, dict[str, Any]] = {}
    for name, answer in zip(asked, answers, strict=True):
        if isinstance(answer, UpstreamFailure):
            expected[name] = None
            problems[name] = problem_for(answer).to_problem()
        else:
            expected[name] = [
                Expected(i.kind, i.period, i.received, i.received_at, i.subject, i.detail)
                for i in answer.items
            ]
    rows = await store.run(lambda s: repository.decisions_of_periods(s, org_unit, periods))
    decisions = _decisions_by_period(rows)
    items = due_items(occasions, org_unit, as_of, expected, decisions)
    for kind, late in late_by_kind(items).items():
        LATE_ITEMS.labels(org_unit, kind).set(late)
    counts = {state: sum(1 for i in items if i.state == state) for state in DueCounts.model_fields}
    return DueAnswer(
        org_unit=org_unit,
        as_of=as_of,
        items=items,
        counts=DueCounts(**counts),
        sources={name: "unavailable" if name in problems else "ok" for name in asked},
        partial=bool(problems),
        problems=problems,
    )


def _decisions_by_period(rows: Sequence[Any]) -> dict[str, DecisionFound]:
    """The decision that counts for each period: a decided one over a reopened or pending
    one, else the latest."""
    rank = {"decided": 2, "pending": 1, "reopened": 0}
    chosen: dict[str, Any] = {}
    for row in rows:
        held = chosen.get(row.period)
        if held is None or (rank[row.state], row.change_seq) > (rank[held.state], held.change_seq):
            chosen[row.period] = row
    return {
        period: DecisionFound(r.decision_id, r.state, r.decided_on, r.recorded_at)
        for period, r in chosen.items()
    }
