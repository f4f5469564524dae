"""Request and response models of the assignments service, and what its lists ask for.

Values from outside are checked here, once: org units, years and periods with the suite's
boundary types (``shared.boundary``), the units an assignment names with the group tokens
(``units``), goals against the reference goals. The layers behind trust them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from services.assignments.units import check_org_unit_or_group
from shared.boundary import OrgUnitField, Period, PeriodField, YearField
from shared.reference import goal_names

Kind = Literal["assignment", "milestone"]
#: Every status value the service knows; which ones are allowed depends on the kind.
Status = Literal[
    "ej_startat", "pagar_enligt_plan", "avvikelse", "klart", "green", "yellow", "orange"
]


def check_goal(name: str) -> str:
    """One of the five övergripande mål, by name."""
    if name not in goal_names():
        raise ValueError(
            f"{name!r} is not an övergripande mål; use one of: {'; '.join(goal_names())}"
        )
    return name


GoalField = Annotated[
    str,
    AfterValidator(check_goal),
    Field(description="One of the five övergripande mål."),
]

OrgUnitOrGroup = Annotated[
    str,
    AfterValidator(check_org_unit_or_group),
    Field(
        description=(
            "An org unit code (`SUS`, `HSN` ...) or a group token: `ALL_HOSPITAL_BOARDS` "
            '("Samtliga sjukhusstyrelser", the eight boards) or `ALL_COMMITTEES` '
            "(every nämnd and styrelse, the boards included)."
        ),
        examples=["HSN", "ALL_HOSPITAL_BOARDS"],
    ),
]


def _unit_list(value: Any) -> Any:
    """Units named in one value: a JSON list, or text such as ``PVN,PHHN`` (a CSV cell)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,;]+", value) if part]
    return value


OnBehalfOf = Annotated[
    list[OrgUnitField],
    BeforeValidator(_unit_list),
    Field(
        description=(
            "Other responsible units this report speaks for, named by the reporter (the "
            "lead coordinating for them). A unit's status in a listing filtered by "
            "`org_unit` comes from its own reports and the reports that name it, never "
            "from another unit's report that does not. In CSV: codes separated by commas "
            "or spaces."
        ),
        examples=[["PVN", "PHHN"]],
    ),
]


class Earmarked(BaseModel):
    """Earmarked money (riktade medel) tied to the assignment, in whole kronor."""

    model_config = ConfigDict(extra="forbid")

    amount: StrictInt = Field(gt=0, description="Integer kronor (SEK); 15 mnkr is 15000000.")
    purpose: str = Field(min_length=1, max_length=500)


class AssignmentCreate(BaseModel):
    """A new assignment. `lead_org_unit` and `org_units` may use the group tokens."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = "assignment"
    title: str = Field(min_length=1, max_length=5000, description="The region's own wording.")
    goal: GoalField | None = None
    area: str | None = Field(default=None, max_length=300)
    section: str | None = Field(default=None, max_length=40)
    year_given: YearField
    source: str | None = Field(
        default=None,
        max_length=300,
        description="`U`, `VP` or a decision reference such as `HSN §28 2021-03-04`.",
    )
    lead_org_unit: OrgUnitOrGroup
    org_units: list[OrgUnitOrGroup] = Field(
        default_factory=list,
        description="The other responsible units; the lead is added if absent.",
    )
    deadline: date | None = None
    deadline_text: str | None = Field(default=None, max_length=200)
    earmarked: Earmarked | None = None


class AssignmentPatch(BaseModel):
    """Fields to change; absent fields stay as they are. `kind` cannot be changed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=5000)
    goal: GoalField | None = None
    area: str | None = Field(default=None, max_length=300)
    section: str | None = Field(default=None, max_length=40)
    year_given: YearField | None = None
    source: str | None = Field(default=None, max_length=300)
    lead_org_unit: OrgUnitOrGroup | None = None
    org_units: list[OrgUnitOrGroup] | None = None
    deadline: date | None = None
    deadline_text: str | None = Field(default=None, max_length=200)
    earmarked: Earmarked | None = None


class LatestReport(BaseModel):
    id: int
    org_unit: str
    period: str
    as_of: date = Field(description="The date the report speaks for.")
    on_behalf_of: list[str]
    status: str
    explanation: str | None
    reported_at: datetime


class AssignmentOut(BaseModel):
    id: str
    kind: Kind
    title: str
    goal: str | None
    area: str | None
    section: str | None
    year_given: int
    year_given_stated: bool = Field(
        description=(
            "False where the source has no 'Nytt uppdrag <year>' marker: the assignment is in "
            "the 2023 plan, so `year_given` is 2023 at the latest (stored as 2023)."
        )
    )
    continued: bool = Field(description="Marked 'Fortsatt uppdrag' in the source.")
    source: str | None
    lead_org_unit: str | None = Field(
        description="The lead org unit; null when the lead is a group (see `lead_text`)."
    )
    lead_text: str | None = Field(
        description="The group named as lead, e.g. 'Samtliga sjukhusstyrelser'; else null."
    )
    org_units: list[str] = Field(description="Every responsible org unit, the lead included.")
    deadline: date | None
    deadline_text: str | None
    earmarked: Earmarked | None
    latest_status: str | None = Field(
        description=(
            "The status of the latest report for a date on or before `status_as_of` (by the "
            "unit asked for with `org_unit`, or naming it; with `year`, reports for dates in "
            "that year only). Null when there is none: see `reported`."
        )
    )
    latest_report: LatestReport | None
    reported: bool = Field(
        description=(
            "False when no report counts for this listing (none by the unit asked for, or "
            "none for a date in the follow-up year up to `status_as_of`): show *not reported*."
        )
    )
    status_as_of: date | None = Field(
        description="The date the status is as of (from `as_of`, `period` or `year`); null: now."
    )
    carried_over: bool | None = Field(
        description=(
            "With `?year=Y`: true when the assignment was given before Y and was not finished "
            "(`klart`, or `green` for a milestone) at the end of Y-1. Null without `year`."
        )
    )
    version: int
    created_at: datetime
    updated_at: datetime
    change_seq: int


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_unit: OrgUnitField
    period: PeriodField
    status: Status
    explanation: str | None = Field(default=None, max_length=20_000)
    as_of: date | None = Field(
        default=None,
        description=(
            "The date the status speaks for (YYYY-MM-DD): not before the period begins, not "
            "after today. Default: the day the report is made, or the period's last day when "
            "the period has ended (a report on 2024 sent in 2025 speaks for 2024-12-31)."
        ),
    )
    on_behalf_of: OnBehalfOf = []


class ReportRow(ReportIn):
    """A row of a bulk report load."""

    assignment_id: str = Field(min_length=1, max_length=40)


class ReportOut(BaseModel):
    id: int
    assignment_id: str
    org_unit: str
    period: str
    as_of: date = Field(description="The date the report speaks for.")
    on_behalf_of: list[str] = Field(description="Other responsible units the report names.")
    status: str
    explanation: str | None
    reported_at: datetime
    updated_at: datetime
    change_seq: int


@dataclass(frozen=True)
class StatusWindow:
    """Which reports make a latest status: those for dates from ``since`` to ``until``
    (either open when None), by the ``units`` asked for or naming one of them (None: any)."""

    since: date | None = None
    until: date | None = None
    units: frozenset[str] | None = None


@dataclass(frozen=True)
class AssignmentFilters:
    """What a list of assignments asks for (``year``: the follow-up year, with carry-over;
    ``window``: which reports make the latest status)."""

    org_unit: str | None = None
    year: int | None = None
    status: Status | None = None
    area: str | None = None
    kind: Kind | None = None
    window: StatusWindow = StatusWindow()


@dataclass(frozen=True)
class ReportFilters:
    """What a list of status reports asks for (``period``: that exact period; ``readable``:
    the units whose reports, or reports naming them, the key may read, None for all)."""

    org_unit: str | None = None
    period: Period | None = None
    assignment_id: str | None = None
    status: Status | None = None
    readable: frozenset[str] | None = None
