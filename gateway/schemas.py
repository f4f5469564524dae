"""Response shapes of the gateway's own routes, for its OpenAPI document.

The view is assembled as plain data (``gateway.followup``) and sent as bytes (it is hashed
for its ETag anyway), so these models describe the answer rather than build it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

SourceState = Literal["ok", "unavailable"]


class OrgUnitOut(BaseModel):
    code: str
    name: str
    kind: Literal["region", "committee", "hospital_board"]


class OrgUnitPage(BaseModel):
    items: list[OrgUnitOut]
    next_cursor: None = None
    next: None = None


class UpstreamReadiness(BaseModel):
    state: Literal["ready", "not_ready", "unavailable"]
    breaker: Literal["closed", "half_open", "open"]
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ready"]
    upstreams: dict[str, UpstreamReadiness]


class IndicatorNode(BaseModel):
    indicator: str
    name: str | None
    evaluations: list[dict[str, Any]] = Field(
        description="The indicators service's evaluation items (one per breakdown), "
        "without the goal/area/delmal fields the tree already says."
    )


class DelmalNode(BaseModel):
    code: str | None = Field(description="Reference code (G1.A1.D1); null when not in the tree.")
    delmal: str | None
    indicators: list[IndicatorNode]


class AreaNode(BaseModel):
    code: str | None
    area: str | None
    verdict: dict[str, Any] | None = Field(description="The area evaluation, if any.")
    delmal: list[DelmalNode]


class GoalNode(BaseModel):
    code: str | None
    goal: str | None
    areas: list[AreaNode]


class FollowUpView(BaseModel):
    org_unit: str
    name: str
    period: str
    indicator_org_unit: str = Field(
        description="Whose indicators the view shows: REGION for HSN and RS, else org_unit."
    )
    goals: list[GoalNode]
    areas: list[dict[str, Any]] = Field(
        description="Area evaluations {area, evaluated, met, share, verdict}."
    )
    assignments: list[dict[str, Any]] = Field(
        description="The committee's assignments for the period's year (carried over included), "
        "as the assignments service lists them (latest_status, latest_report)."
    )
    economy: dict[str, Any] | None = Field(
        description="The budget service's summary for the year (to the period's last month); "
        "null when it has no figures for the unit."
    )
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, dict[str, Any]] = Field(
        description="A problem object for each source that could not contribute."
    )


class OverviewRow(BaseModel):
    org_unit: str
    name: str
    indicators: dict[str, int] | None = Field(
        description="{met, evaluated, areas_met, areas}; null when unavailable."
    )
    assignments: dict[str, int] | None = Field(
        description="Assignments per latest status (ingen_rapport: not reported on)."
    )
    economy: dict[str, int | None] | None = Field(
        description="{grant, budget_result, outcome_result, deviation, forecast_result} in kronor."
    )
    sources: dict[str, SourceState]
    partial: bool
    problems: dict[str, dict[str, Any]]


class Overview(BaseModel):
    period: str
    committees: list[OverviewRow]
    partial: bool
