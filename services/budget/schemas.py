"""Request and response models of the budget service.

Money is whole kronor: JSON integers, or digit strings from CSV. ``12.0``, ``12.5``,
``"12,5"`` and ``true`` are rejected naming the field, never rounded. Org units, years
and months are the suite's boundary types (``shared.boundary``): checked here once, in
bodies and load rows alike, and trusted behind.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    computed_field,
)

from services.budget.round_rules import RoundName, round_of
from shared.boundary import MonthField, OrgUnitField, YearField
from shared.periods import Period

MONEY_LIMIT = 10**15  # a quadrillion kronor: far beyond any budget, well inside BIGINT
_DIGITS = re.compile(r"[+-]?\d+")


def _whole_kronor(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("money is whole kronor, not true/false")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValueError(
            f"money is whole kronor (an integer such as 15428700000); {value!r} is not "
            "an integer and is never rounded"
        )
    if abs(number) >= MONEY_LIMIT:
        raise ValueError(f"{number} kronor is out of range")
    return number


#: Integer kronor; never a fraction.
Money = Annotated[
    int,
    BeforeValidator(_whole_kronor),
    WithJsonSchema(
        {"type": "integer", "description": "Whole kronor (SEK).", "examples": [15428700000]}
    ),
]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,80}$", examples=["lakemedelsformanen"])]
Counterparty = Literal["internal", "external"]

GrantKind = Literal["base", "indexation", "efficiency", "transfer", "supplementary", "other"]
GRANT_KIND_DOC = (
    "`base` previous level; `indexation` uppräkning (LPIK, demography, medical-technical "
    "development); `efficiency` effektiviseringskrav (negative); `transfer` task moved between "
    "committees (negative out, positive in; `counterparty` names the other committee or is null "
    "for 'andra nämnder'); `supplementary` tilläggsbudget (`decision` and `used` required); "
    "`other` (extension to API.md) an item the source does not specify, typically a derived "
    "remainder."
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- grants -----------------------------------------------------------------------------


class ComponentIn(Strict):
    kind: GrantKind = Field(description=GRANT_KIND_DOC)
    label: str = Field(min_length=1, max_length=1000)
    amount: Money
    decision: str | None = Field(default=None, max_length=1000)
    used: bool | None = Field(
        default=None, description="Supplementary only: whether the money has been used."
    )
    counterparty: OrgUnitField | None = Field(
        default=None, description="Transfer only: the other committee; null = not named."
    )
    counterparty_text: str | None = Field(default=None, max_length=1000)
    derived: bool = Field(
        default=False, description="True when the figure is computed, not printed in the source."
    )
    derivation: str | None = Field(default=None, max_length=1000)
    # Read-only fields a client may send back from a GET; ignored.
    position: int | None = Field(default=None, description="Read-only; ignored.")
    amount_mnkr: str | None = Field(default=None, description="Read-only; ignored.")
    mirrored_from: str | None = Field(default=None, description="Read-only; ignored.")


class EfficiencyRequirement(Strict):
    """The effektiviseringskrav as percentages in basis points (1 % = 100)."""

    gross_indexation_bp: int = Field(examples=[440])
    efficiency_bp: int = Field(examples=[150])
    net_indexation_bp: int = Field(examples=[290])
    note: str | None = Field(default=None, max_length=2000)


class GrantIn(Strict):
    components: list[ComponentIn] = Field(max_length=500)
    efficiency_requirement: EfficiencyRequirement | None = None


class ComponentOut(BaseModel):
    position: int
    kind: GrantKind
    label: str
    amount: int
    amount_mnkr: str
    decision: str | None
    used: bool | None
    counterparty: str | None
    counterparty_text: str | None
    mirrored_from: str | None = Field(
        description="On the receiving side of a transfer: the committee whose grant owns it "
        "(change it there; this side follows)."
    )
    derived: bool
    derivation: str | None


class GrantSubtotals(BaseModel):
    base: int
    indexation: int
    efficiency: int
    transfer: int
    other: int
    total_excluding_supplementary: int = Field(description="The ingoing regionbidrag.")
    increase: int = Field(description="total_excluding_supplementary - base.")
    supplementary: int
    supplementary_used: int
    supplementary_unused: int
    total_with_used_supplementary: int


class GrantOut(BaseModel):
    id: str
    org_unit: str
    year: int
    components: list[ComponentOut]
    total: int = Field(
        description="Sum of every component, the whole tilläggsbudget included (used or not)."
    )
    total_mnkr: str
    subtotals: GrantSubtotals
    subtotals_mnkr: dict[str, str]
    efficiency_requirement: EfficiencyRequirement | None
    updated_at: datetime
    change_seq: int


# --- budget lines, outcomes, forecasts ----------------------------------------------------


class BudgetLineIn(Strict):
    revenue: Money | None = Field(description="Null (with cost null): budget not stated.")
    cost: Money | None
    counterparty: Counterparty
    label: str | None = Field(default=None, max_length=500)
    basis: Literal["gross", "net"] = Field(
        default="gross", description="`net`: one net cost figure, revenue not separated."
    )
    derivation: str | None = Field(default=None, max_length=1000)


class BudgetLineOut(BaseModel):
    id: str
    org_unit: str
    year: int
    line: str
    label: str | None
    revenue: int | None
    cost: int | None
    result: int | None
    counterparty: str
    basis: str
    derived: bool
    derivation: str | None
    updated_at: datetime
    change_seq: int


class OutcomeRow(Strict):
    """One month's utfall for a line (a monthly figure, not cumulative)."""

    org_unit: OrgUnitField
    line: Slug
    month: MonthField
    revenue: Money
    cost: Money
    derivation: str | None = Field(default=None, max_length=1000)

    @property
    def year(self) -> int:
        """The year of the month: the year of the budget line it is booked on."""
        return Period.parse(self.month).year


class ForecastRow(Strict):
    """A full-year prognos for the year of ``made_in``. The region forecasts after March,
    May, August and October; any month is accepted."""

    org_unit: OrgUnitField
    line: Slug
    made_in: MonthField
    revenue: Money
    cost: Money
    derivation: str | None = Field(default=None, max_length=1000)

    @property
    def year(self) -> int:
        """The year forecast: the year of ``made_in``."""
        return Period.parse(self.made_in).year


#: The money fields of a load row: CSV cells read as numbers (decimal comma or point).
LOAD_MONEY_FIELDS = {"revenue", "cost"}


class OutcomeOut(BaseModel):
    id: str
    org_unit: str
    line: str
    month: str
    revenue: int
    cost: int
    derived: bool
    derivation: str | None
    updated_at: datetime
    change_seq: int


class ForecastOut(BaseModel):
    id: str
    org_unit: str
    line: str
    made_in: str
    revenue: int
    cost: int
    derived: bool
    derivation: str | None
    updated_at: datetime
    change_seq: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def round(self) -> RoundName | None:
        """The forecast round of `made_in` (mars, maj, augusti, oktober); null: made in
        another month, no round's."""
        return round_of(self.made_in)


# --- earmarked money ----------------------------------------------------------------------

EarmarkedKind = Literal[
    "statsbidrag", "regional_riktad", "tillaggsbudget_anvandning", "uppdrag_med_medel", "other"
]


class EarmarkedIn(Strict):
    org_unit: OrgUnitField
    year: YearField
    kind: EarmarkedKind = "other"
    purpose: str = Field(min_length=1, max_length=2000)
    amount: Money | None = Field(default=None, description="Null: named but no amount stated.")
    used_amount: Money | None = Field(default=None, description="Used so far, where known.")
    line: Slug | None = None
    assignment_id: str | None = Field(
        default=None, max_length=60, examples=["UP2023-031"], description="Not checked here."
    )
    allocation_key: str | None = Field(default=None, max_length=2000)
    decision: str | None = Field(default=None, max_length=1000)
    counterparty: Counterparty | None = None
    co_org_units: list[OrgUnitField] = []


class EarmarkedOut(BaseModel):
    id: str
    org_unit: str
    year: int
    kind: str
    purpose: str
    amount: int | None
    used_amount: int | None
    line: str | None
    assignment_id: str | None
    allocation_key: str | None
    decision: str | None
    counterparty: str | None
    co_org_units: list[str]
    updated_at: datetime
    change_seq: int
