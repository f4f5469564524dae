"""Request and response models of internal control (intern kontroll), and its filters.

A committee's risk analysis for a year, its risks (probability and consequence on the 1–4
scales, the risk value their product), the control actions per risk and the follow-ups per
occasion. Load rows name a risk and an action by the committee's own codes (``R1``,
``A1``); the service's ids are built from them (see ``internal_control_rules``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.boundary import OrgUnitField, PeriodField, YearField

#: The state of a control action at a follow-up.
ActionState = Literal["not_started", "in_progress", "done", "deviation"]
ACTION_STATES: tuple[ActionState, ...] = ("not_started", "in_progress", "done", "deviation")

SCALE = (1, 4)
_CODE = re.compile(r"[A-Za-z0-9_.]{1,20}", re.ASCII)


def check_scale(value: int) -> int:
    """Probability (sannolikhet) and consequence (konsekvens) are assessed on 1–4."""
    low, high = SCALE
    if not low <= value <= high:
        raise ValueError(f"{value} is outside the scale {low}–{high} (1 lowest, 4 highest)")
    return value


def check_code(value: str) -> str:
    """A committee's own label of a risk or an action: part of the ids, so kept plain."""
    if not _CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a code: use 1–20 letters A–Z, digits, '.' or '_'")
    return value


ScaleField = Annotated[
    int,
    AfterValidator(check_scale),
    Field(description="On the scale 1–4 (1 lowest, 4 highest).", examples=[3]),
]
CodeField = Annotated[
    str,
    AfterValidator(check_code),
    Field(description="The committee's own label: letters A–Z, digits, '.', '_'.", examples=["R1"]),
]


class RiskAnalysisIn(BaseModel):
    """A committee's decision on its risk analysis (with the plan for handling the risks)."""

    model_config = ConfigDict(extra="forbid")

    decided_on: date = Field(description="The day the committee decided the risk analysis.")
    decision: str | None = Field(
        default=None,
        max_length=300,
        description="The decision's reference, e.g. `HSN § 12 2024-01-25`.",
    )


class RiskAnalysisOut(BaseModel):
    id: str
    org_unit: str
    year: int
    decided_on: date
    decision: str | None
    version: int
    updated_at: datetime
    change_seq: int


class RiskRow(BaseModel):
    """A risk of a committee's risk analysis for a year: a row of `POST /v1/risks`."""

    model_config = ConfigDict(extra="forbid")

    org_unit: OrgUnitField
    year: YearField
    code: CodeField
    description: str = Field(min_length=1, max_length=5000)
    process: str | None = Field(default=None, max_length=300, description="The process at risk.")
    probability: ScaleField
    consequence: ScaleField
    owner: str | None = Field(default=None, max_length=200, description="Who owns the risk.")


class RiskOut(BaseModel):
    id: str
    org_unit: str
    year: int
    code: str
    description: str
    process: str | None
    probability: int = Field(description="Sannolikhet, 1–4.")
    consequence: int = Field(description="Konsekvens, 1–4.")
    risk_value: int = Field(description="Riskvärde = probability × consequence, 1–16.")
    owner: str | None
    updated_at: datetime
    change_seq: int


class RiskActionRow(BaseModel):
    """A control action (kontrollmoment / åtgärd) of a risk: a row of `POST /v1/risk-actions`."""

    model_config = ConfigDict(extra="forbid")

    org_unit: OrgUnitField
    year: YearField
    risk: CodeField = Field(description="The risk's code in the committee's analysis.")
    code: CodeField
    what: str = Field(min_length=1, max_length=5000)
    who: str | None = Field(default=None, max_length=200)
    deadline: date = Field(description="By when: in the analysis's year or later.")


class RiskActionOut(BaseModel):
    id: str
    risk_id: str
    org_unit: str
    year: int
    risk: str
    code: str
    what: str
    who: str | None
    deadline: date
    updated_at: datetime
    change_seq: int


class RiskFollowupRow(BaseModel):
    """One item of a follow-up occasion: with `action`, the action's `state` (and a
    `comment`, required for a `deviation`); without, the risk's reassessment."""

    model_config = ConfigDict(extra="forbid")

    org_unit: OrgUnitField
    period: PeriodField = Field(description="The occasion: `2024-01/2024-08`, `2024`, ….")
    risk: CodeField
    action: CodeField | None = None
    state: ActionState | None = None
    comment: str | None = Field(default=None, max_length=20_000)
    probability: ScaleField | None = None
    consequence: ScaleField | None = None
    followed_up_on: date | None = Field(
        default=None,
        description=(
            "The day of the follow-up: not before the period begins, not after today. "
            "Default: the date stored for this item, else today or the period's last day "
            "once it has ended."
        ),
    )


class RiskFollowupOut(BaseModel):
    id: str
    risk_id: str
    action_id: str | None
    org_unit: str
    year: int
    period: str
    risk: str
    action: str | None
    state: ActionState | None
    comment: str | None
    probability: int | None
    consequence: int | None
    risk_value: int | None
    followed_up_on: date
    updated_at: datetime
    change_seq: int


# ------------------------------------------------------------------------------ summary


class ActionStatus(BaseModel):
    id: str
    risk: str
    code: str
    what: str
    who: str | None
    deadline: date
    state: ActionState | None = Field(description="At the latest follow-up as of the date.")
    state_period: str | None
    comment: str | None
    late: bool = Field(description="The deadline has passed (before `as_of`) and it is not done.")


class AssessedRisk(BaseModel):
    id: str
    code: str
    description: str
    process: str | None
    owner: str | None
    probability: int
    consequence: int
    risk_value: int = Field(description="As the analysis assessed it.")
    current_probability: int
    current_consequence: int
    current_value: int = Field(description="At the latest reassessment as of the date, if any.")
    reassessed_in: str | None = Field(description="The period of that reassessment.")
    actions: list[ActionStatus]


class HalfFollowUp(BaseModel):
    half: Literal[1, 2]
    due_with: str = Field(
        description=(
            "The verksamhetsberättelse it is due with: per August (`2024-01/2024-08`) or per "
            "December (`2024`). Follow-ups for periods ending January–August count for the "
            "first, September–December for the second."
        )
    )
    period: str | None = Field(description="The latest occasion of this half; null: none.")
    followed_up_on: date | None
    actions_followed_up: int
    states: dict[str, int]
    risks_reassessed: int
    deviations: list[dict[str, str | None]]


class InternalControlOut(BaseModel):
    """One committee's internal control for a year, as of a date."""

    org_unit: str
    year: int
    as_of: date
    half: Literal[1, 2]
    analysis: RiskAnalysisOut | None
    risks: list[AssessedRisk] = Field(description="Highest current value first.")
    late_actions: list[ActionStatus]
    follow_ups: list[HalfFollowUp]
    followed_up_this_half: bool


class CommitteeControl(BaseModel):
    org_unit: str
    analysis_decided: bool
    risks: int
    highest_value: int | None
    late_actions: int
    latest_follow_up: str | None = Field(description="The latest occasion this half.")
    followed_up_this_half: bool


class InternalControlOverview(BaseModel):
    """Every committee the key may read, for a year as of a date."""

    year: int
    as_of: date
    half: Literal[1, 2]
    committees: list[CommitteeControl]
    without_follow_up_this_half: int
    not_followed_up: list[str]


@dataclass(frozen=True)
class ControlFilters:
    """What a list of analyses, risks, actions or follow-ups asks for; ``readable``: the
    units whose rows the key may read (None: all)."""

    org_unit: str | None = None
    year: int | None = None
    period: str | None = None
    risk: str | None = None
    readable: frozenset[str] | None = None
