"""Request and response models of what a committee's report states as such: its totals,
the deviations it gives per area, and its other economic figures.

They are loaded like outcomes (``POST`` a list of rows or CSV, each row checked and named
when bad) and listed like them. Money is whole kronor (``schemas.Money``); a percentage is
whole basis points (1 % = 100), never a fraction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, computed_field

from services.budget.round_rules import RoundName, round_of
from services.budget.schemas import Money, Slug, Strict
from shared.boundary import MonthField, OrgUnitField, YearField

BP_LIMIT = 10**6  # ±10 000 %


def _basis_points(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"a share is whole basis points (1 % = 100, so 2,9 % is 290); {value!r} is not"
        )
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        raise ValueError(
            f"a share is whole basis points (1 % = 100, so 2,9 % is 290); {value!r} is not"
        ) from None
    if abs(number) > BP_LIMIT:
        raise ValueError(f"{number} basis points is out of range")
    return number


#: A percentage in whole basis points (1 % = 100); never a fraction.
BasisPoints = Annotated[
    int,
    BeforeValidator(_basis_points),
    WithJsonSchema(
        {"type": "integer", "description": "Basis points: 1 % = 100.", "examples": [290]}
    ),
]


def _org_unit_list(value: Any) -> Any:
    """A CSV cell ``HSN,PVN`` as a list; a JSON list as it is; empty as none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [u.strip() for u in value.replace(";", ",").split(",") if u.strip()]
    return value


OrgUnitList = Annotated[list[OrgUnitField], BeforeValidator(_org_unit_list)]
Text = Annotated[str | None, Field(default=None, max_length=4000)]

# --- totals -------------------------------------------------------------------------------

TotalKind = Literal["budget", "outcome", "forecast"]
TOTAL_KIND_DOC = (
    "`budget` the adopted budget for the year (no `month`); `outcome` the outcome year to "
    "date, January through `month` (the report's figure as it states it, not one month's); "
    "`forecast` a full-year forecast made in `month`."
)


class TotalRow(Strict):
    """One total of a committee's year, as its report states it (not a sum of its lines).
    ``result`` = revenue - cost; give revenue and cost, or the result alone where the
    source states only the result, or all three (then they must agree)."""

    org_unit: OrgUnitField
    year: YearField
    kind: TotalKind = Field(description=TOTAL_KIND_DOC)
    month: MonthField | None = Field(
        default=None,
        description="Outcome: the last month of the year to date; forecast: "
        "the month it was made; budget: none.",
    )
    revenue: Money | None = None
    cost: Money | None = None
    result: Money | None = Field(default=None, description="Revenue - cost (+ = surplus).")
    derivation: str | None = Field(default=None, max_length=1000)
    note: Text
    source_text: Text


class TotalOut(BaseModel):
    id: str
    org_unit: str
    year: int
    kind: str
    month: str | None
    revenue: int | None
    cost: int | None
    result: int
    result_mnkr: str
    derived: bool
    derivation: str | None
    note: str | None
    source_text: str | None
    updated_at: datetime
    change_seq: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def round(self) -> RoundName | None:
        """A forecast total's round (mars, maj, augusti, oktober, from `month`); null for
        a budget or an outcome total, or a forecast made in another month."""
        return round_of(self.month) if self.kind == "forecast" else None


#: The fields of a load row read as numbers from CSV (decimal comma or point), per resource.
TOTAL_NUMBERS = {"revenue", "cost", "result"}
DEVIATION_NUMBERS = {"deviation", "share_bp"}
FIGURE_NUMBERS = {"amount", "share_bp"}

# --- reported deviations ------------------------------------------------------------------


class ReportedDeviationRow(Strict):
    """A deviation the report states for a budget area (+ = överskott, better than budget),
    whether or not the area has a budget line here."""

    org_unit: OrgUnitField
    year: YearField
    line: Slug
    label: str | None = Field(default=None, max_length=500)
    deviation: Money
    share_bp: BasisPoints | None = Field(
        default=None, description="The deviation as a share of the area's budget, if stated."
    )
    source_text: Text


class ReportedDeviationItem(BaseModel):
    id: str
    org_unit: str
    year: int
    line: str
    label: str | None
    deviation: int
    deviation_mnkr: str
    share_bp: int | None
    source_text: str | None
    updated_at: datetime
    change_seq: int


# --- other reported figures ---------------------------------------------------------------

Measure = Literal[
    "outcome",
    "change",
    "deviation_from_forecast",
    "ceiling",
    "savings",
    "expected_savings",
    "sanctions",
    "unit_grant",
    "range_low",
    "range_high",
]
MEASURE_DOC = (
    "`outcome` a cost or revenue for the year (`value_year` when not the report's year); "
    "`change` against the year before: `amount` in kronor and/or `share_bp` (+ = increase); "
    "`deviation_from_forecast` `share_bp` and/or `amount` (− = below the forecast); "
    "`ceiling` a contract's ceiling (`amount`) and the share of it used (`share_bp`); "
    "`savings` achieved; `expected_savings` for `value_year`; `sanctions` fines and withheld "
    "payments; `unit_grant` an amount per unit; `range_low` / `range_high` the bounds of a "
    "stated range."
)


class ReportedFigureRow(Strict):
    """Any other figure a committee's report states about its economy: one statement's
    value, or one part of it (``item``), with what it measures."""

    org_unit: OrgUnitField = Field(description="The committee whose report states it.")
    year: YearField = Field(description="The year the report covers.")
    figure: Slug = Field(description="Groups the values of one statement.")
    item: Slug | None = Field(default=None, description="A part of the statement, if any.")
    measure: Measure = Field(description=MEASURE_DOC)
    amount: Money | None = None
    share_bp: BasisPoints | None = None
    approximate: bool = Field(
        default=False, description="The report says 'cirka' or rounds (7,5 miljarder)."
    )
    value_year: YearField | None = Field(
        default=None, description="The year the value is for, when not the report's."
    )
    line: Slug | None = Field(default=None, description="The budget area it concerns, if any.")
    label: str | None = Field(default=None, max_length=1000)
    about_org_units: OrgUnitList = Field(
        default=[],
        description="The org units the figure concerns (REGION for region-wide); empty: "
        "not stated. In CSV a comma-separated cell.",
    )
    derivation: str | None = Field(default=None, max_length=1000)
    source_text: Text


class ReportedFigureOut(BaseModel):
    id: str
    org_unit: str
    year: int
    figure: str
    item: str | None
    measure: str
    amount: int | None
    amount_mnkr: str | None
    share_bp: int | None
    approximate: bool
    value_year: int | None
    line: str | None
    label: str | None
    about_org_units: list[str]
    derived: bool
    derivation: str | None
    source_text: str | None
    updated_at: datetime
    change_seq: int
