"""The overview across committees: one row per nämnd, what HSN and RS look at together.

A row sums the committee's area verdicts (its indicators), counts its assignments per latest
status and shows the economy's totals; a source that could not answer leaves its cell
``null`` and says so in ``sources`` / ``problems``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from pydantic import BaseModel, Field

from gateway.config import GatewaySettings
from gateway.followup.assignments import ASSIGNMENT_STATUSES, Assignment
from gateway.followup.sources import Problem, Sources, SourceState, fetch_sources, raise_if_all_down
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
    """Assignments per latest status; ``ingen_rapport``: not reported on (or a milestone)."""

    ej_startat: int = 0
    pagar_enligt_plan: int = 0
    avvikelse: int = 0
    klart: int = 0
    ingen_rapport: int = 0


class EconomyTotals(BaseModel):
    grant: int | None
    budget_result: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None


class OverviewRow(BaseModel):
    org_unit: str
    name: str
    indicators: IndicatorCounts | None = Field(
        description="{met, evaluated, areas_met, areas}; null when unavailable."
    )
    assignments: AssignmentCounts | None = Field(
        description="Assignments per latest status (ingen_rapport: not reported on)."
    )
    economy: EconomyTotals | None = Field(
        description="{grant, budget_result, outcome_result, deviation, forecast_result} in kronor."
    )
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, Problem]


class Overview(BaseModel):
    period: str
    committees: list[OverviewRow]
    partial: bool


def assignment_counts(items: Iterable[Assignment]) -> AssignmentCounts:
    counts = dict.fromkeys((*ASSIGNMENT_STATUSES, "ingen_rapport"), 0)
    for item in items:
        status = item.latest_status
        counts[status if status in counts else "ingen_rapport"] += 1
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
    upstreams: Upstreams, settings: GatewaySettings, period: Period, headers: Headers
) -> Overview:
    """Every committee's row, ``overview_concurrency`` committees at a time."""
    gate = asyncio.Semaphore(settings.overview_concurrency)

    async def one(code: str) -> tuple[str, Sources]:
        async with gate:
            return code, await fetch_sources(
                upstreams, settings, code, period, headers, with_items=False
            )

    results = await asyncio.gather(*(one(c) for c in committees()))
    if all(sources.all_unavailable for _, sources in results):
        raise_if_all_down(results[0][1])
    rows = [overview_row(code, sources) for code, sources in results]
    return Overview(period=str(period), committees=rows, partial=any(r.partial for r in rows))
