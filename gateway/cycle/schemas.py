"""Request and response models of the follow-up cycle's routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.boundary import OrgUnitField, PeriodField
from shared.locks import DECISION_ID_PATTERN

OccasionKind = Literal["monthly", "forecast_round", "interim", "annual", "internal_control"]
#: What a unit is expected to deliver for an occasion: each service's kinds, and the
#: committee's decision on its report (the cycle's own).
ItemKind = Literal[
    "results", "status_report", "internal_control", "outcome", "forecast", "decision"
]
ItemState = Literal["done", "due", "late", "unavailable"]
DecisionState = Literal["pending", "decided", "reopened"]


class Meeting(BaseModel):
    """The regional body's meeting an occasion feeds (regionfullmäktige, regionstyrelsen)."""

    body: str | None
    date: date | None
    stated_in_plan: bool = Field(description="False: the date is the calendar file's default.")
    basis: str | None


class Occasion(BaseModel):
    """One reporting occasion (uppföljningstillfälle) of a year."""

    id: str
    year: int
    kind: OccasionKind
    name: str
    period: str
    due_date: date = Field(description="Every committee's due date, unless due_by_org_unit says.")
    due_stated_in_plan: bool
    due_basis: str
    due_by_org_unit: dict[str, date] = Field(description="Each committee's due date.")
    meeting: Meeting
    version: int
    updated_at: datetime


class Calendar(BaseModel):
    year: int
    occasions: list[Occasion]


class DueDatesIn(BaseModel):
    """An admin's change of an occasion's due dates: the committees' date and each unit's own
    (a unit left out follows ``due_date``)."""

    model_config = ConfigDict(extra="forbid")

    due_date: date
    due_by_org_unit: dict[OrgUnitField, date] = Field(default_factory=dict)


class DueItem(BaseModel):
    """One thing a unit was to deliver by a date, and whether it did."""

    occasion_id: str
    occasion: str
    occasion_kind: OccasionKind
    period: str
    kind: ItemKind
    source: str = Field(description="The service that answers for it, or `followup`.")
    due_date: date
    state: ItemState
    days_late: int | None = Field(
        description="late: days past due as of as_of; done: days past due when it came "
        "(0 in time; null when the service does not know it came by as_of); due: 0; "
        "unavailable: null."
    )
    received_at: datetime | None
    subject: dict[str, Any] | None
    detail: str


class DueCounts(BaseModel):
    done: int
    due: int
    late: int
    unavailable: int


class DueAnswer(BaseModel):
    org_unit: str
    as_of: date
    items: list[DueItem]
    counts: DueCounts
    sources: dict[str, Literal["ok", "unavailable"]]
    partial: bool
    problems: dict[str, dict[str, Any]]


DecisionId = Annotated[str, StringConstraints(pattern=DECISION_ID_PATTERN)]


class DecisionIn(BaseModel):
    """A committee's decision on its report for a period (beslut om verksamhetsberättelse)."""

    model_config = ConfigDict(extra="forbid")

    decision_id: DecisionId = Field(
        description="Chosen by the client: the idempotency key (the same POST again gives the "
        "same decision)."
    )
    period: PeriodField
    decided_on: date
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ] = Field(description="The protocol reference (protokollsparagraf), e.g. `HSN § 112`.")


class ReportDigest(BaseModel):
    json_sha256: str | None
    xlsx_sha256: str | None
    json_bytes: int | None
    xlsx_bytes: int | None


class Decision(BaseModel):
    decision_id: str
    org_unit: str
    period: str
    state: DecisionState
    decided_on: date
    body: str
    reference: str
    locked_org_units: list[str]
    recorded_by: str
    recorded_at: datetime | None
    report: ReportDigest
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None
    updated_at: datetime


class DecisionList(BaseModel):
    items: list[Decision]


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ViewChange(BaseModel):
    """One value of the view that differs from the archived one."""

    path: str
    archived: Any
    live: Any


class ChangedAfterDecision(BaseModel):
    """What the live view shows otherwise than the report as it was decided."""

    decision_id: str
    state: DecisionState
    decided_on: date
    reopened_at: datetime | None
    changes: list[ViewChange]
    truncated: bool = Field(description="More changes than listed.")
