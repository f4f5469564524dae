"""The overview across committees: one row per nämnd, what HSN and RS look at together.

A row sums the committee's area verdicts (its indicators), counts its assignments per status
as of the period's last day (``ingen_rapport``: not reported) and shows the economy's
headline: the committee's own result, and what its report does not state (``missing``) when
the deviation cannot be given. A source that could not answer leaves its cell ``null`` and
says so in ``sources`` / ``problems``.

A key bound to org units sees only the rows of its own units: a committee whose data a
service refuses the key (403) is left out. The gateway forwards the caller's key and never
shows more than the services let that key read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from pydantic import BaseModel, Field

from gateway.config import GatewaySettings
from gateway.followup.assignments import (
    ASSIGNMENT_STATUSES,
    MILESTONE_STATUSES,
    NOT_REPORTED,
    Assignment,
    AssignmentsClient,
)
from gateway.followup.budget import TotalPart
from gateway.followup.internal_control import InternalControlCount, internal_control_count
from gateway.followup.sources import Problem, Sources, SourceState, fetch_sources, raise_if_all_down
from gateway.upstream.errors import UpstreamFailure, UpstreamRefused
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period
from shared.reference import committees, org_units


class IndicatorCounts(BaseModel):
    met: int
    evaluated: int
    areas_met: int
    areas: int


class AssignmentCounts(BaseModel):
    """Assignments per status as of the period's last day; ``ingen_rapport``: not reported
    (no report counts for the period); a milestone's colours apart."""

    ej_startat: int = 0
    pagar_enligt_plan: int = 0
    avvikelse: int = 0
    klart: int = 0
    ingen_rapport: int = 0
    green: int = 0
    yellow: int = 0
    orange: int = 0


class EconomyTotals(BaseModel):
    grant: int | None
    budget_result: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    missing: list[TotalPart] = Field(
        description="What the committee's report does not state (budget, outcome, forecast): "
        "why deviation (or another figure) is null."
    )
    explanation: str | None = Field(description="What the headline rests on, and what it lacks.")


class OverviewRow(BaseModel):
    org_unit: str
    name: str
    indicators: IndicatorCounts | None = Field(
        description="{met, evaluated, areas_met, areas}; null when unavailable."
    )
    assignments: AssignmentCounts | None = Field(
        description="Assignments per status as of the period's last day "
        "(ingen_rapport: not reported)."
    )
    economy: EconomyTotals | None = Field(
        description="{grant, budget_result, outcome_result, deviation, forecast_result} in "
        "kronor, the committee's own totals, and what is missing when one is not stated."
    )
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, Problem]
    internal_control_followed_up: bool | None = Field(
        default=None,
        description="Whether the committee's internal control has a follow-up in the "
        "half-year of the period's last day; null when the assignments service could not say.",
    )
    late: int | None = Field(
        default=None,
        description="Items of the period's reporting occasions the committee has not delivered "
        "past their due date, as of today (GET /v1/due); null when a service could not say.",
    )


class Overview(BaseModel):
    period: str
    committees: list[OverviewRow]
    partial: bool
    internal_control: InternalControlCount | None = Field(
        default=None,
        description="How many of the committees the key may read have no internal-control "
        "follow-up in the half-year of the period's last day (without_follow_up_this_half, "
        "not_followed_up); unavailable with its problem when the assignments service could "
        "not say.",
    )


def assignment_counts(items: Iterable[Assignment]) -> AssignmentCounts:
    counts = dict.fromkeys((*ASSIGNMENT_STATUSES, NOT_REPORTED, *MILESTONE_STATUSES), 0)
    for item in items:
        counts[item.status_code] += 1
    return AssignmentCounts.model_validate(counts)


def overview_row(code: str, sources: Sources) -> OverviewRow:
    figures = sources.indicators.data
    indicators = None
    if sources.indicators.state == "ok" and figures is not None:
        indicators = IndicatorCounts(
            met=sum(a.met for a in figures.areas),
            evaluated=sum(a.evaluated for a in figures.areas),
            areas_met=sum(1 for a in figures.areas if a.verdict == "met"),
            areas=len(figures.areas),
        )
    summary = sources.budget.data
    economy = None
    if sources.budget.state == "ok" and summary is not None:
        economy = EconomyTotals(
            grant=summary.grant,
            budget_result=summary.budget_result,
            outcome_result=summary.outcome_result,
            deviation=summary.deviation,
            forecast_result=summary.forecast_result,
            missing=summary.total.missing,
            explanation=summary.total.explanation,
        )
    assignments = sources.assignments
    return OverviewRow(
        org_unit=code,
        name=org_units()[code].name,
        indicators=indicators,
        assignments=assignment_counts(assignments.data or [])
        if assignments.state == "ok"
        else None,
        economy=economy,
        sources=sources.states,
        partial=sources.partial,
        problems=sources.problems,
    )


async def fetch_overview(
    upstreams: Upstreams,
    settings: GatewaySettings,
    period: Period,
    headers: Headers,
    late: Callable[[str], Awaitable[int | None]] | None = None,
) -> Overview:
    """Every committee's row the caller's key may read, ``overview_concurrency`` at a time.

    A row a service refuses the key (403: a key bound to other org units) is left out; a
    401 (no valid key) is the caller's answer, as it came.
    """
    gate = asyncio.Semaphore(settings.overview_concurrency)

    async def one(code: str) -> tuple[str, Sources | None]:
        async with gate:
            try:
                sources = await fetch_sources(
                    upstreams, settings, code, period, headers, with_items=False
                )
            except UpstreamRefused as refused:
                if refused.response.status != 403:
                    raise
                return code, None  # not one of the key's units
            return code, sources

    results = await asyncio.gather(*(one(c) for c in committees()), return_exceptions=True)
    readable: list[tuple[str, Sources]] = []
    for result in results:
        if isinstance(result, BaseException):
            raise result
        code, sources = result
        if sources is not None:
            readable.append((code, sources))
    if readable and all(sources.all_unavailable for _, sources in readable):
        raise_if_all_down(readable[0][1])
    rows = [overview_row(code, sources) for code, sources in readable]
    if late is not None:
        # The follow-up cycle's count (gateway.cycle), asked once the rows are in, so its
        # calls never compete with the rows' own within their deadlines.
        counted = await _late_counts(late, [row.org_unit for row in rows], gate)
        for row in rows:
            row.late = counted.get(row.org_unit)
    control = await internal_control_count(
        AssignmentsClient(upstreams["assignments"], headers), period
    )
    for row in rows:
        row.internal_control_followed_up = control.followed_up.get(row.org_unit)
    partial = any(r.partial for r in rows) or control.state != "ok"
    return Overview(period=str(period), committees=rows, partial=partial, internal_control=control)


async def _late_counts(
    late: Callable[[str], Awaitable[int | None]], codes: list[str], gate: asyncio.Semaphore
) -> dict[str, int | None]:
    """Each committee's late items; ``None`` where they could not be counted."""

    async def one(code: str) -> int | None:
        async with gate:
            try:
                return await late(code)
            except (UpstreamFailure, UpstreamRefused):
                return None

    counts = await asyncio.gather(*(one(code) for code in codes))
    return dict(zip(codes, counts, strict=True))
