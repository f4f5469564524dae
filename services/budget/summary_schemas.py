"""The response model of ``GET /v1/summary``: a committee's economy for a year.

The headline (``budget_result``, ``outcome_result``, ``deviation``, ``forecast_result``,
``meets_budget_rule``) is the committee's own total (``total``), as its report states it;
the lines and their sums (``line_sums``) are shown beside it with their coverage, never
as the total. ``reported`` holds the other figures the report states.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.budget.schemas import EarmarkedOut, GrantSubtotals
from services.budget.stated_schemas import ReportedFigureOut


class Amounts(BaseModel):
    revenue: int
    cost: int
    result: int


class ForecastAmounts(Amounts):
    made_in: str


BudgetRuleBasis = Literal["outcome", "forecast", "outcome_pro_rata"]
TotalPart = Literal["budget", "outcome", "forecast"]


class SummaryLine(BaseModel):
    line: str
    label: str | None
    counterparty: str | None
    budget: Amounts | None = Field(description="Full-year budget; null when not stated.")
    budget_result: int | None
    budget_result_to_date: int | None = Field(
        description="budget_result pro rata through `through` (months/12, half away from zero)."
    )
    outcome: Amounts | None = Field(description="Sum of monthly outcomes through `through`.")
    outcome_result: int | None
    deviation: int | None = Field(description="outcome_result - budget_result_to_date.")
    forecast: ForecastAmounts | None = Field(
        description="The forecast made in the latest month <= through."
    )
    forecast_result: int | None
    forecast_deviation: int | None = Field(description="forecast_result - budget_result.")
    meets_budget_rule: bool | None
    meets_budget_rule_basis: BudgetRuleBasis | None
    reported_deviation: int | None = Field(description="As the report states it, if it does.")
    mnkr: dict[str, str]


class StatedAmounts(BaseModel):
    """One stated total: revenue and cost null where the source gives the result only."""

    revenue: int | None
    cost: int | None
    result: int
    month: str | None = Field(
        description="Outcome: the last month of the year to date; forecast: the month it was "
        "made in; budget: null."
    )
    derived: bool
    derivation: str | None
    note: str | None
    source_text: str | None
    mnkr: dict[str, str]


class CommitteeTotal(BaseModel):
    """The committee's total for the year as stated (``/v1/totals``): the budget, the
    outcome year to date through the latest month <= `through` it is stated for, and the
    forecast made in the latest month <= `through`. What is not stated is null and named
    in `missing`; nothing is filled in from the lines."""

    budget: StatedAmounts | None
    outcome: StatedAmounts | None
    forecast: StatedAmounts | None
    outcome_months: int | None = Field(description="Months the outcome covers (1-12).")
    missing: list[TotalPart] = Field(
        description="What the headline needs and no total states (a forecast only before December)."
    )
    explanation: str = Field(description="What the headline rests on, and what it lacks.")


class LineSums(BaseModel):
    """The lines summed, each figure over the lines that have it: shown as lines, with
    their coverage, never as the committee's total."""

    lines: int
    compared: int = Field(description="Lines with both a budget and an outcome.")
    budget_result: int | None
    budget_result_to_date: int | None
    outcome_result: int | None
    deviation: int | None = Field(description="Over the compared lines only.")
    forecast_result: int | None
    forecast_deviation: int | None
    mnkr: dict[str, str]


class ReportedResultOut(BaseModel):
    """The result as the report states it: the same totals as the headline (kept for
    clients of the earlier form)."""

    budget_result: int | None
    budget_result_stated: bool
    outcome_result: int | None
    deviation: int | None
    reproducible_from_lines: bool = Field(
        description="The lines' outcome summed through the total's month gives the total's."
    )
    note: str | None
    source_text: str | None
    mnkr: dict[str, str]


class ReportedDeviationOut(BaseModel):
    line: str
    label: str | None
    deviation: int
    deviation_mnkr: str
    share_bp: int | None
    has_budget_line: bool
    source_text: str | None


class Reported(BaseModel):
    """Figures as the source report prints them: shown, not computed."""

    result: ReportedResultOut | None
    deviations: list[ReportedDeviationOut]
    figures: list[ReportedFigureOut] = Field(
        description="Every other figure the report states about the year's economy "
        "(`/v1/reported-figures`), by figure, item and measure."
    )


class EarmarkedSummary(BaseModel):
    items: list[EarmarkedOut]
    amount_total: int = Field(description="Sum of the amounts that are stated.")
    used_total: int = Field(description="Sum of the used amounts that are known.")
    amount_not_stated: int = Field(description="Entries named without an amount.")


class Coverage(BaseModel):
    lines: int
    compared: int = Field(description="Lines with both a budget and an outcome.")
    without_budget: list[str]
    without_outcome: list[str]


class Summary(BaseModel):
    org_unit: str
    year: int
    through: str
    months: int
    grant: int | None = Field(description="The grant's `total`.")
    grant_subtotals: GrantSubtotals | None
    budget_result: int | None = Field(description="The budget total's result (`total.budget`).")
    budget_result_to_date: int | None = Field(
        description="budget_result pro rata through the outcome total's month (or `through`)."
    )
    outcome_result: int | None = Field(description="The outcome total's result, year to date.")
    deviation: int | None = Field(description="outcome_result - budget_result_to_date.")
    forecast_result: int | None = Field(description="The latest forecast total's result.")
    forecast_deviation: int | None = Field(description="forecast_result - budget_result.")
    meets_budget_rule: bool | None = Field(
        description="The result is not worse than the adopted budget, judged on the totals; "
        "null when they do not allow it (see `total.missing`)."
    )
    meets_budget_rule_basis: BudgetRuleBasis | None
    total: CommitteeTotal
    line_sums: LineSums
    coverage: Coverage
    lines: list[SummaryLine]
    earmarked: EarmarkedSummary
    reported: Reported
    mnkr: dict[str, str] = Field(description="Display strings, mnkr with one decimal.")
