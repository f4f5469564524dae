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

from pydantic import BaseModel, Field

from gateway.config import GatewaySettings
from gateway.followup.assignments import Assignment
from gateway.followup.budget import Summary
from gateway.followup.indicators import AreaEvaluation
from gateway.followup.sources import (
    Problem,
    Sources,
    SourceState,
    fetch_sources,
    indicator_unit,
    raise_if_all_down,
)
from gateway.followup.tree import GoalNode, goal_tree, in_area_order
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period
from shared.reference import org_units


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
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, Problem] = Field(
        description="A problem object for each source that could not contribute."
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


async def fetch_view(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    period: Period,
    headers: Headers,
    arrived: float | None = None,
) -> FollowUpView:
    """The view, its upstream calls ending by their deadlines counted from ``arrived``."""
    sources = await fetch_sources(upstreams, settings, org_unit, period, headers, arrived=arrived)
    raise_if_all_down(sources)
    return assemble_view(org_unit, period, indicator_unit(org_unit, settings), sources)
