"""The follow-up view: one committee's indicators, assignments and economy for a period.

Decisions (documented in the OpenAPI too):
- the goal tree is built by ``gateway.followup.tree``; the area verdicts are on their area
  node and in the flat ``areas`` list, in tree order;
- HSN and RS answer for the region in their quality annex, so their indicator section is
  REGION's: the indicators service gives it when asked for the committee (each item's
  ``value_org_unit``); the body says so in ``indicator_org_unit``
  (``GatewaySettings.indicator_org_unit``);
- each evaluation sits under the goal, area and delmål its item names (a breakdown the annex
  places elsewhere than its indicator sits there), with its ``coverage`` / ``months``;
- the assignments are the committee's for the period's year (carried-over ones included),
  each with its status as of the period's last day (``reported: false``: not reported),
  ordered by their area in the tree;
- the economy is the year's summary, to the period's last month when the period ends
  before December (``through``): its headline is the committee's own result
  (``total``; what is not stated is in ``total.missing`` with ``total.explanation``), the
  line sums (``line_sums``) stand beside it with their coverage, never as the total;
  ``null`` when the budget service has no figures for the unit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from gateway.config import GatewaySettings
from gateway.cycle.schemas import ChangedAfterDecision
from gateway.followup.assignments import Assignment
from gateway.followup.budget import BudgetClient, ForecastRounds, Summary
from gateway.followup.financial_goals import FinancialGoalsSection
from gateway.followup.indicators import AreaEvaluation
from gateway.followup.internal_control import InternalControlSection
from gateway.followup.production import ProductionSection
from gateway.followup.section_state import GoalTreeShown
from gateway.followup.sections import Sections, fetch_sections, section_fields
from gateway.followup.sources import (
    Problem,
    Sources,
    SourceState,
    ViewClients,
    fetch_sources,
    indicator_unit,
    raise_if_all_down,
)
from gateway.followup.tree import GoalNode, goal_tree, in_area_order
from gateway.upstream.errors import UpstreamFailure
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period
from shared.reference import DEFAULT_GOAL_TREE, org_units


class FollowUpView(BaseModel):
    """One committee's follow-up for a period, as its verksamhetsberättelse prints it."""

    org_unit: str
    name: str
    period: str
    indicator_org_unit: str = Field(
        description="Whose indicators the view shows: REGION for HSN and RS, else org_unit."
    )
    goals: list[GoalNode]
    areas: list[AreaEvaluation] = Field(
        description="Area evaluations {area, evaluated, met, share, verdict}."
    )
    assignments: list[Assignment] = Field(
        description="The committee's assignments for the period's year (carried over included), "
        "as the assignments service lists them as of the period's last day (latest_status, "
        "latest_report, reported: false when no report counts, status_as_of, carried_over)."
    )
    economy: Summary | None = Field(
        description="The budget service's summary for the year (to the period's last month): "
        "the headline is the committee's own result (total; total.missing and "
        "total.explanation when a total is not stated), line_sums beside it, never as the "
        "total; null when it has no figures for the unit."
    )
    forecast_rounds: ForecastRounds | None = Field(
        default=None,
        description="The forecast rounds (prognosomgångar) made by the period's end: the latest "
        "round (latest_round), its deviation from budget and movement since the previous "
        "round (total and per line, kronor); null when the budget service has none for the "
        "unit or could not answer (see sources.budget).",
    )
    goal_tree: GoalTreeShown | None = Field(
        default=None,
        description="The goal tree `goals` is grouped by (`?tree=`: 2021, the default, or "
        "2026, the Strategi för Framtidens hälsosystem) and the document it comes from.",
    )
    production: ProductionSection | None = Field(
        default=None,
        description="Production volumes beside the same period of the previous year (value, "
        "previous_value, change, change_pct, gaps); state/problem as a source's.",
    )
    internal_control: InternalControlSection | None = Field(
        default=None,
        description="The committee's internal control as of the period's last day: risks by "
        "current value, actions late, followed_up_this_half; null for REGION.",
    )
    financial_goals: FinancialGoalsSection | None = Field(
        default=None,
        description="Region Skåne's financial goals for the period's year (REGION and RS views "
        "only, else null).",
    )
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, Problem] = Field(
        description="A problem object for each source that could not contribute."
    )
    changed_after_decision: ChangedAfterDecision | None = Field(
        default=None,
        description="When the committee's report for the period was decided: the decision "
        "and what the live view shows otherwise than the archived report (after a reopening, "
        "what was changed since); null when no decision is recorded.",
    )


def assemble_view(
    org_unit: str, period: Period, indicator_org_unit: str, sources: Sources
) -> FollowUpView:
    figures = sources.indicators.data
    evaluations = figures.evaluations if figures else []
    areas = figures.areas if figures else []
    return FollowUpView(
        org_unit=org_unit,
        name=org_units()[org_unit].name,
        period=str(period),
        indicator_org_unit=indicator_org_unit,
        goals=goal_tree(evaluations, areas),
        areas=in_area_order(areas, lambda a: a.area),
        assignments=in_area_order(sources.assignments.data or [], lambda a: a.area),
        economy=sources.budget.data,
        sources=sources.states,
        partial=sources.partial,
        problems=sources.problems,
    )


@dataclass(frozen=True)
class ViewReads:
    """What one committee's view was read from: the three sources, the sections beside
    them and the forecast rounds; ``assembled`` makes the view of it."""

    org_unit: str
    period: Period
    indicator_org_unit: str
    sources: Sources
    sections: Sections
    forecast_rounds: ForecastRounds | None

    def assembled(self) -> FollowUpView:
        view = assemble_view(self.org_unit, self.period, self.indicator_org_unit, self.sources)
        view.forecast_rounds = self.forecast_rounds
        return view.model_copy(update=section_fields(view.goals, view.partial, self.sections))


async def read_view(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    period: Period,
    headers: Headers,
    arrived: float | None = None,
    tree: str = DEFAULT_GOAL_TREE,
    calls_out: Callable[[], None] | None = None,
) -> ViewReads:
    """Every upstream call of the view, ending by their deadlines counted from
    ``arrived``; its goals to be grouped by ``tree`` (``gateway.followup.sections``);
    ``calls_out`` called once the three services' calls are on their way."""
    clients = ViewClients.of(upstreams, settings, headers, arrived)
    sources, sections = await asyncio.gather(
        fetch_sources(
            upstreams, settings, org_unit, period, headers, clients=clients, calls_out=calls_out
        ),
        fetch_sections(clients, org_unit, period, tree=tree),
    )
    raise_if_all_down(sources)
    rounds = None
    if sources.budget.state == "ok":
        rounds = await _forecast_rounds(clients.budget, org_unit, period)
    return ViewReads(
        org_unit, period, indicator_unit(org_unit, settings), sources, sections, rounds
    )


async def _forecast_rounds(
    budget: BudgetClient, org_unit: str, period: Period
) -> ForecastRounds | None:
    """The forecast rounds of the budget's view section (answered already: the summary
    came from it); none when it cannot answer (its section of the view says why)."""
    try:
        return await budget.forecast_rounds(org_unit, period)
    except UpstreamFailure:
        return None
