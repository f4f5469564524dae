"""The indicators service as the follow-up view reads it: evaluations and area verdicts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from gateway.followup.reading import Number, ReadModel, ViewSections
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream
from shared.periods import Period

EvaluationStatus = Literal["met", "not_met", "no_target", "no_data", "not_evaluable"]
AreaVerdict = Literal["met", "not_met", "not_evaluable"]


class Target(ReadModel):
    """The target in force (målnivå), e.g. ``≥80%``."""

    expression: str


class ComparedWith(ReadModel):
    """The value of the comparable period before, if there is one."""

    period: str
    value: Number


class Months(ReadModel):
    """For a value rolled up from monthly results: the months found of those in the period."""

    found: int
    of: int


class Evaluation(ReadModel):
    """One item of ``GET /v1/evaluations``: an indicator's result for one breakdown, judged
    against its target (bedömning). Its place in the goal tree (goal, area, delmål: where
    the annex puts this indicator and breakdown) is read to build the tree and not repeated
    in the view. ``coverage`` is the span the value covers when it is less than the period
    (year to date), with the report's ``coverage_note``; ``months`` the months found when
    the value is rolled up from monthly results."""

    indicator: str
    name: str
    goal: str | None = Field(exclude=True)
    area: str | None = Field(exclude=True)
    delmal: str | None = Field(exclude=True)
    org_unit: str
    period: str
    breakdown: str
    value: Number | None
    target: Target | None
    status: EvaluationStatus
    compared_with: ComparedWith | None
    value_org_unit: str | None = None
    coverage: str | None = None
    coverage_note: str | None = None
    months: Months | None = None


class AreaEvaluation(ReadModel):
    """One item of ``GET /v1/area-evaluations``: an area's verdict over its evaluations."""

    area: str
    evaluated: int
    met: int
    share: Number | None
    verdict: AreaVerdict


class EvaluationList(BaseModel):
    """The whole list: the service does not page evaluations."""

    items: list[Evaluation]


class AreaEvaluationList(BaseModel):
    items: list[AreaEvaluation]


class EvaluationSummary(BaseModel):
    """``GET /v1/evaluation-summary``: the evaluations and the area verdicts of one org unit
    and period from one evaluation pass in the service (one call, where the two lists would
    take two, each evaluating the same results again)."""

    evaluations: list[Evaluation]
    areas: list[AreaEvaluation]


class VolumeChange(ReadModel):
    """One item of ``GET /v1/production``: a production volume (produktionsvolym) for the
    period beside the same period of the previous year; ``gaps`` the months (or periods)
    missing in either year, shown, never filled."""

    indicator: str
    name: str
    unit: str
    breakdown: str
    period: str
    previous_period: str
    value: Number | None
    previous_value: Number | None
    change: Number | None
    change_pct: Number | None
    gaps: list[str]
    value_org_unit: str | None


class ProductionList(BaseModel):
    items: list[VolumeChange]


class TreeLink(ReadModel):
    """One item of ``GET /v1/goal-trees/{tree}/links``: where an indicator sits in a goal
    tree (its node and the node's group) and why."""

    tree: str
    node: str
    node_name: str | None
    group: str | None
    indicator: str
    reason: str


class TreeLinkList(BaseModel):
    items: list[TreeLink]


class FollowUpSection(BaseModel):
    """``GET /v1/follow-up-section``: what one committee's view shows of the indicators
    (the evaluations, the area verdicts, the production volumes) in one answer."""

    evaluations: list[Evaluation]
    areas: list[AreaEvaluation]
    production: list[VolumeChange]


class IndicatorsClient:
    """The calls the view makes to the indicators service, with the caller's headers,
    ending by ``deadline_at`` (event-loop time) when given."""

    def __init__(
        self, upstream: Upstream, headers: Headers, deadline_at: float | None = None
    ) -> None:
        self.upstream = upstream
        self.headers = headers
        self.deadline_at = deadline_at
        self._sections = ViewSections(upstream, FollowUpSection, headers, deadline_at)

    async def view_section(self, org_unit: str, period: Period) -> FollowUpSection:
        """The view's part of the indicators: one call, however many parts read it."""
        return await self._sections.of(org_unit, period)

    async def evaluations(self, org_unit: str, period: Period) -> list[Evaluation]:
        answer = await self.upstream.read(
            "/v1/evaluations",
            EvaluationList,
            params={"org_unit": org_unit, "period": str(period)},
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
        return answer.items

    async def summary(self, org_unit: str, period: Period) -> EvaluationSummary:
        """The evaluations and the area verdicts (of the view's section)."""
        section = await self.view_section(org_unit, period)
        return EvaluationSummary(evaluations=section.evaluations, areas=section.areas)

    async def area_evaluations(self, org_unit: str, period: Period) -> list[AreaEvaluation]:
        answer = await self.upstream.read(
            "/v1/area-evaluations",
            AreaEvaluationList,
            params={"org_unit": org_unit, "period": str(period)},
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
        return answer.items

    async def production(self, org_unit: str, period: Period) -> list[VolumeChange]:
        """The production volumes (of the view's section)."""
        return (await self.view_section(org_unit, period)).production

    async def tree_links(self, tree: str) -> list[TreeLink]:
        answer = await self.upstream.read(
            f"/v1/goal-trees/{tree}/links",
            TreeLinkList,
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
        return answer.items
