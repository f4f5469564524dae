"""Asking the three services for one committee at once, each within its own deadline.

Each service's fate becomes a ``Section``: its read models, or ``unavailable`` with the
problem ``gateway.upstream.errors.problem_for`` makes of its failure. A refusal (401/403)
is not a section's fate but the caller's: it outranks everything and is raised.

The deadlines of a view count from the moment it was asked for (``arrived``, event-loop
time), not from when each call goes out: the view answers by its deadline however long
the request waited before its calls began, and ``view_reserve`` of it is kept for
assembling and sending the answer.

The indicators are asked for the committee itself: the indicators service shows HSN and RS
the region's indicators (``value_org_unit``), so a key bound to HSN reads HSN's view.

A committee's view asks each service once (``/v1/follow-up-section``: ``ViewClients``),
and its parts beyond the three sources (``gateway.followup.sections``) read the same
answers; the overview, which shows less of each committee, asks the lists it shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from gateway.config import GatewaySettings
from gateway.followup.assignments import Assignment, AssignmentsClient
from gateway.followup.budget import BudgetClient, Summary
from gateway.followup.indicators import AreaEvaluation, Evaluation, IndicatorsClient
from gateway.upstream.errors import FailureReason, UpstreamFailure, UpstreamRefused, problem_for
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream, Upstreams
from shared.errors import ServiceUnavailable
from shared.periods import Period

SourceState = Literal["ok", "unavailable"]
#: The services a view is made from, in the order of its sections.
SOURCES = ("indicators", "assignments", "budget")
#: How long past its deadline a call of a view is waited for: the call ends itself at its
#: deadline (``Upstream.read``); this only bounds the view should its ending lag.
GRACE = 0.05
#: A problem document (RFC 9457) as the view lists it for a missing section.
Problem = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Section(Generic[T]):
    """What one upstream contributed: its data, or the problem why there is none."""

    state: SourceState
    data: T | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class IndicatorFigures:
    """The indicators section: the evaluations (none for the overview) and the area verdicts."""

    evaluations: list[Evaluation]
    areas: list[AreaEvaluation]


@dataclass(frozen=True)
class Sources:
    """The three sections of one committee's view or overview row."""

    indicators: Section[IndicatorFigures]
    assignments: Section[list[Assignment]]
    budget: Section[Summary | None]

    def _named(self) -> list[tuple[str, SourceState, Problem | None]]:
        return [
            ("indicators", self.indicators.state, self.indicators.problem),
            ("assignments", self.assignments.state, self.assignments.problem),
            ("budget", self.budget.state, self.budget.problem),
        ]

    @property
    def states(self) -> dict[str, SourceState]:
        return {name: state for name, state, _ in self._named()}

    @property
    def problems(self) -> dict[str, Problem]:
        return {name: problem for name, _, problem in self._named() if problem}

    @property
    def partial(self) -> bool:
        return any(state != "ok" for _, state, _ in self._named())

    @property
    def all_unavailable(self) -> bool:
        return all(state == "unavailable" for _, state, _ in self._named())


def indicator_unit(org_unit: str, settings: GatewaySettings) -> str:
    """Whose indicators the committee's view shows: REGION's for HSN and RS."""
    return settings.indicator_org_unit.get(org_unit, org_unit)


def deadline_of(
    upstream: Upstream, settings: GatewaySettings, arrived: float | None
) -> float | None:
    """When a call of a view asked for at ``arrived`` must end: the upstream's deadline from
    then, less the reserve for the answer (``None``: its deadline from when it goes out)."""
    if arrived is None:
        return None
    return arrived + max(upstream.deadline - settings.view_reserve, 0.0)


@dataclass(frozen=True)
class ViewClients:
    """The three services as one view calls them: with the caller's headers, each call
    ending by its service's deadline for the view (counted from ``arrived`` when given)."""

    indicators: IndicatorsClient
    assignments: AssignmentsClient
    budget: BudgetClient

    @classmethod
    def of(
        cls,
        upstreams: Upstreams,
        settings: GatewaySettings,
        headers: Headers,
        arrived: float | None = None,
    ) -> ViewClients:
        ends = {name: deadline_of(upstreams[name], settings, arrived) for name in SOURCES}
        return cls(
            IndicatorsClient(upstreams["indicators"], headers, ends["indicators"]),
            AssignmentsClient(upstreams["assignments"], headers, ends["assignments"]),
            BudgetClient(upstreams["budget"], headers, ends["budget"]),
        )

    @property
    def deadlines(self) -> list[float | None]:
        return [
            self.indicators.deadline_at,
            self.assignments.deadline_at,
            self.budget.deadline_at,
        ]


async def fetch_sources(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    period: Period,
    headers: Headers,
    *,
    with_items: bool = True,
    arrived: float | None = None,
    clients: ViewClients | None = None,
    calls_out: Callable[[], None] | None = None,
) -> Sources:
    """Ask the three services for one committee at once; never longer than their deadlines
    (counted from ``arrived`` when given).

    ``with_items`` (the view) asks each service for its view section (through ``clients``,
    whose answers the view's other parts read too); ``with_items=False`` (the overview)
    asks for the area verdicts, the assignments and the summary, and no evaluations.
    ``calls_out`` is called once the three calls are on their way: what it starts goes
    out after them.
    """
    clients = clients or ViewClients.of(upstreams, settings, headers, arrived)
    indicators, assignments, budget = clients.indicators, clients.assignments, clients.budget
    listed = assignments.view_assignments if with_items else assignments.assignments_of
    summary = budget.view_summary if with_items else budget.summary
    work: list[asyncio.Task[Any]] = [
        asyncio.ensure_future(
            _section(_indicator_figures(indicators, org_unit, period, with_items))
        ),
        asyncio.ensure_future(_section(listed(org_unit, period))),
        asyncio.ensure_future(_section(summary(org_unit, period))),
    ]
    if calls_out is not None:
        calls_out()
    results = await _settled_by(work, clients.deadlines)
    _raise_first(*results)
    indicator_section, assignment_section, budget_section = results
    return Sources(
        _settled(indicator_section), _settled(assignment_section), _settled(budget_section)
    )


async def _settled_by(work: list[asyncio.Task[Any]], deadlines: list[float | None]) -> list[Any]:
    """Each source's section (or what it raised), by the latest of their deadlines.

    With deadlines counted from the view's arrival, the view does not wait for a call cut
    off at its deadline to finish cleaning up: a source still at work then is a timeout,
    and its call ends on its own (its own deadline has passed, so it is counted against
    its breaker as it ends). Without them (the overview), each source is waited for.
    """
    ends = [end for end in deadlines if end is not None]
    try:
        if len(ends) < len(work):
            await asyncio.wait(work)
        else:
            left = max(ends) - asyncio.get_running_loop().time()
            # Each call ends itself at its deadline; past it, a call answered already (a
            # kept view's check found it: ``gateway.followup.kept_views``) or cut off
            # still takes a turn of the loop to settle.
            await asyncio.wait(work, timeout=max(left, 0.0) + GRACE)
    except BaseException:
        for task in work:
            task.cancel()
        raise
    results: list[Any] = []
    for name, task in zip(SOURCES, work, strict=True):
        if task.done():
            results.append(task.exception() or task.result())
            continue
        _LATE.add(task)
        task.add_done_callback(_forgotten)
        failure = UpstreamFailure(
            name, FailureReason.TIMEOUT, f"The {name} service did not answer in time."
        )
        results.append(Section("unavailable", problem=problem_for(failure).to_problem()))
    return results


#: Calls the view stopped waiting for, kept until they end (the loop holds tasks weakly).
_LATE: set[asyncio.Task[Any]] = set()


def _forgotten(task: asyncio.Task[Any]) -> None:
    """A call the view stopped waiting for has ended: what it raised is not anyone's."""
    _LATE.discard(task)
    if not task.cancelled():
        task.exception()


def raise_if_all_down(sources: Sources) -> None:
    """No source could answer: the gateway has nothing to show."""
    if sources.all_unavailable:
        raise ServiceUnavailable(
            "None of the indicators, assignments and budget services could answer.",
            extra={"problems": sources.problems},
            headers={"Retry-After": "5"},
        )


async def _section(work: Awaitable[T]) -> Section[T]:
    try:
        return Section("ok", await work)
    except UpstreamFailure as failure:
        return Section("unavailable", problem=problem_for(failure).to_problem())


async def _indicator_figures(
    client: IndicatorsClient, unit: str, period: Period, with_items: bool
) -> IndicatorFigures:
    # The view wants both lists (of its section: one evaluation pass in the service). The
    # overview wants the area verdicts only.
    if with_items:
        summary = await client.summary(unit, period)
        return IndicatorFigures(summary.evaluations, summary.areas)
    return IndicatorFigures([], await client.area_evaluations(unit, period))


def _raise_first(*results: object) -> None:
    """Of the exceptions among gathered results, raise the most telling: a refusal (401/403)
    outranks anything else, since the caller's key, not the upstream, is at fault."""
    errors = [r for r in results if isinstance(r, BaseException)]
    for error in errors:
        if isinstance(error, UpstreamRefused):
            raise error
    if errors:
        raise errors[0]


def _settled(result: T | BaseException) -> T:
    if isinstance(result, BaseException):
        raise result
    return result
