"""The budget service as the follow-up view reads it: a committee's economy summary.

The headline is the committee's own result as its report states it (``total``): HSN 2024
``outcome_result`` 85 300 000, with no budget total stated, so ``deviation`` is null and
``total.missing`` / ``total.explanation`` say why. The lines and their sums (``line_sums``)
are shown beside it with their coverage, never as the committee's total.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from gateway.followup.reading import ReadModel, ViewSections
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream
from shared.periods import Period

TotalPart = Literal["budget", "outcome", "forecast"]
BudgetRuleBasis = Literal["outcome", "forecast", "outcome_pro_rata"]


class Amounts(ReadModel):
    """Revenue and cost, integer kronor."""

    revenue: int
    cost: int


class StatedAmounts(ReadModel):
    """One total as the report states it; revenue and cost null where it gives the result only."""

    revenue: int | None
    cost: int | None
    result: int
    month: str | None
    note: str | None


class CommitteeTotal(ReadModel):
    """The committee's totals for the year as stated; what is not stated is null and named
    in ``missing``, with ``explanation`` saying what the headline rests on and lacks."""

    budget: StatedAmounts | None
    outcome: StatedAmounts | None
    forecast: StatedAmounts | None
    outcome_months: int | None
    missing: list[TotalPart]
    explanation: str


class LineSums(ReadModel):
    """The lines added up (each figure over the lines that have it; the deviation over the
    ``compared`` lines with both a budget and an outcome): never the committee's total."""

    lines: int
    compared: int
    budget_result: int | None
    budget_result_to_date: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    forecast_deviation: int | None


class SummaryLine(ReadModel):
    """One budget line (e.g. ``tandvard``): budget, outcome, deviation and forecast."""

    line: str
    label: str | None
    counterparty: str | None
    budget: Amounts | None
    budget_result: int | None
    budget_result_to_date: int | None
    outcome: Amounts | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    forecast_deviation: int | None
    meets_budget_rule: bool | None


class ReportedDeviation(ReadModel):
    """A deviation as the report prints it for a budget area."""

    line: str
    label: str | None
    deviation: int
    share_bp: int | None


class ReportedFigure(ReadModel):
    """Another figure the report states about the year's economy (an amount or a share)."""

    figure: str
    item: str | None
    measure: str
    amount: int | None
    share_bp: int | None
    label: str | None


class Reported(ReadModel):
    deviations: list[ReportedDeviation]
    figures: list[ReportedFigure]


class Summary(ReadModel):
    """``GET /v1/summary``: the committee's economy for a year, integer kronor."""

    grant: int | None
    budget_result: int | None
    budget_result_to_date: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    forecast_deviation: int | None
    meets_budget_rule: bool | None
    meets_budget_rule_basis: BudgetRuleBasis | None
    total: CommitteeTotal
    line_sums: LineSums
    lines: list[SummaryLine]
    reported: Reported


class RoundMade(ReadModel):
    """A forecast round (prognosomgång) of the year up to the period's end: made or not."""

    round: str
    made_in: str
    made: bool


class RoundFigures(ReadModel):
    """The latest round's forecast against the budget and the round before (kronor)."""

    budget_result: int | None
    forecast_result: int | None
    deviation: int | None
    previous_forecast_result: int | None
    movement: int | None


class ForecastRounds(ReadModel):
    """``GET /v1/forecast-rounds``: the latest round made by the period's end, its deviation
    from budget and its movement since the previous round, for the committee's total (its
    own stated totals) and per line."""

    through: str
    rounds: list[RoundMade]
    latest_round: str | None
    previous_round: str | None
    total: RoundFigures
    lines: list[RoundFigures]


def through_month(period: Period) -> str | None:
    """The ``through`` of the economy summary: the period's last month, unless December."""
    return None if period.last_month == 12 else f"{period.year}-{period.last_month:02d}"


class FinancialGoal(ReadModel):
    """One goal of ``GET /v1/financial-goals?year=``: the region's financial goal (finansiellt
    mål) judged for a year with the amounts it read (kronor; ``limit`` an exact decimal
    string); ``not_evaluable`` names the years whose figures are missing."""

    goal: str
    name: str
    status: Literal["met", "not_met", "not_evaluable"]
    value: int | None
    limit: str | None
    ratio_bp: int | None
    threshold_bp: int | None
    missing_years: list[int]
    explanation: str


class FinancialGoals(ReadModel):
    """``GET /v1/financial-goals?year=``: Region Skåne's financial goals for a year."""

    year: int
    goals: list[FinancialGoal]


class FollowUpSection(BaseModel):
    """``GET /v1/follow-up-section``: what one committee's view shows of the economy (the
    year's summary to the period's last month, the forecast rounds made by then) in one
    answer."""

    summary: Summary
    forecast_rounds: ForecastRounds


class BudgetClient:
    """The call the view makes to the budget service, with the caller's headers, ending by
    ``deadline_at`` (event-loop time) when given."""

    def __init__(
        self, upstream: Upstream, headers: Headers, deadline_at: float | None = None
    ) -> None:
        self.upstream = upstream
        self.headers = headers
        self.deadline_at = deadline_at
        self._sections = ViewSections(upstream, FollowUpSection, headers, deadline_at)

    async def view_section(self, org_unit: str, period: Period) -> FollowUpSection:
        """The view's part of the economy: one call, however many parts read it."""
        return await self._sections.of(org_unit, period)

    async def view_summary(self, org_unit: str, period: Period) -> Summary:
        """``summary``'s answer, from the view's section."""
        return (await self.view_section(org_unit, period)).summary

    async def summary(self, org_unit: str, period: Period) -> Summary | None:
        """The year's summary to the period's last month; ``None`` when the service has no
        figures for the unit and year (it answers 404)."""
        params: dict[str, str | int] = {"org_unit": org_unit, "year": period.year}
        if through := through_month(period):
            params["through"] = through
        return await self.upstream.read_unless_missing(
            "/v1/summary",
            Summary,
            params=params,
            headers=self.headers,
            deadline_at=self.deadline_at,
        )

    async def forecast_rounds(self, org_unit: str, period: Period) -> ForecastRounds:
        """The forecast rounds of the period's year made by its last month (of the view's
        section)."""
        return (await self.view_section(org_unit, period)).forecast_rounds

    async def financial_goals(self, period: Period) -> FinancialGoals:
        """The region's financial goals judged for the period's year (REGION and RS views)."""
        return await self.upstream.read(
            "/v1/financial-goals",
            FinancialGoals,
            params={"year": period.year},
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
