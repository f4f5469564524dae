"""Request and response models of the region's financial figures and goals.

A load row is one year of the region's figures, whole kronor (``schemas.Money``): every
figure must be present, ``null`` (an empty CSV cell) where the source does not state it,
so a column left out by mistake is a 422, not a silent gap. The year is written ``YYYY``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from services.budget.schemas import Money, Strict
from shared.boundary import OrgUnitField
from shared.periods import MAX_YEAR, MIN_YEAR

_YEAR = re.compile(r"\d{4}")


def _year(value: Any) -> int:
    """A year as an integer or four digits; ``2024.0``, ``"24"`` or ``"2024-01"`` are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        return int(value.strip())
    raise ValueError(f"a year is written YYYY, such as 2024; {value!r} is not")


#: A calendar year, strictly: an integer or four digits.
StrictYear = Annotated[
    int,
    BeforeValidator(_year),
    Field(ge=MIN_YEAR, le=MAX_YEAR),
    WithJsonSchema({"type": "integer", "examples": [2024]}),
]

REVENUE_DOC = (
    "Revenue from taxes, kommunalekonomisk utjämning and generella statsbidrag (skatter, "
    "utjämning och generella statsbidrag); > 0."
)
ADJUSTMENTS_DOC = (
    "Balanskravsjusteringar, signed as they are added to the result (a realisationsvinst "
    "is negative): result + balance_adjustments is the balanskravsresultat."
)


class FinancialFiguresRow(Strict):
    """One year of Region Skåne's figures, as its annual report states them."""

    org_unit: OrgUnitField = Field(
        default="REGION", description="Always REGION: the goals are the region's."
    )
    year: StrictYear
    tax_and_grant_revenue: Money | None = Field(description=REVENUE_DOC)
    result: Money | None = Field(description="Årets resultat (+ = surplus).")
    balance_adjustments: Money | None = Field(description=ADJUSTMENTS_DOC)
    depreciation: Money | None = Field(description="Avskrivningar; >= 0.")
    investments: Money | None = Field(description="Investeringar (the year's amount); >= 0.")
    net_debt: Money | None = Field(
        description="Extern räntebärande nettolåneskuld at year end (negative: net lending)."
    )
    source_text: str | None = Field(
        default=None, max_length=4000, description="Where the figures are taken from."
    )


#: The fields of a load row read as numbers from CSV (decimal comma or point).
FIGURE_NUMBERS = {
    "tax_and_grant_revenue",
    "result",
    "balance_adjustments",
    "depreciation",
    "investments",
    "net_debt",
}


class FinancialFiguresOut(BaseModel):
    id: str
    org_unit: str = "REGION"
    year: int
    tax_and_grant_revenue: int | None
    result: int | None
    balance_adjustments: int | None
    depreciation: int | None
    investments: int | None
    net_debt: int | None
    source_text: str | None
    updated_at: datetime
    change_seq: int


GoalStatus = Literal["met", "not_met", "not_evaluable"]


class GoalWindow(BaseModel):
    """The rolling goal's years: ``first`` (year - 4) through ``last`` (the year)."""

    first: int
    last: int


class MissingFigure(BaseModel):
    year: int
    figure: str


class FinancialGoalOut(BaseModel):
    goal: Literal["result", "balance_requirement", "self_financing", "net_debt"]
    name: str = Field(description="Resultatmål, Balanskravet, Finansieringsmål, Skuldsättningsmål.")
    goal_area: str = Field(description="The goal's area in the goal hierarchy (G5.A1 …).")
    rule: str
    comparison: Literal["at_least", "at_most"]
    status: GoalStatus
    window: GoalWindow | None = Field(description="The rolling five-year window; else null.")
    years: list[int] = Field(description="The years the goal reads.")
    figures: list[dict[str, int | None]] = Field(
        description="Per year read: `year` and the figures used (null: not stated)."
    )
    value: int | None = Field(
        description="The amount judged, kronor: Σresult, result + balance_adjustments, "
        "result + depreciation, net_debt."
    )
    limit: str | None = Field(
        description="The amount it is held to, kronor, an exact decimal string (2 % of Σ "
        "revenue, 0, the investments, 25 % of revenue)."
    )
    ratio_numerator: int | None
    ratio_denominator: int | None
    ratio_bp: int | None = Field(
        description="value / base in whole basis points (1 % = 100), rounded toward not "
        "meeting the goal; the verdict is computed exactly."
    )
    ratio_exact: bool | None = Field(description="ratio_bp needed no rounding.")
    threshold_bp: int | None
    missing_years: list[int]
    missing_figures: list[MissingFigure]
    debt_goal_status: GoalStatus | None = Field(
        default=None,
        description="Finansieringsmål only: the year's Skuldsättningsmål verdict (the plan "
        "for 2023–2025: a degree that does not endanger the debt goal).",
    )
    explanation: str


class FinancialGoals(BaseModel):
    org_unit: str = "REGION"
    year: int
    goals: list[FinancialGoalOut]
