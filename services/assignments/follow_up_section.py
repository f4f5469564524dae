"""What a committee's follow-up view shows of this service, in one answer.

The gateway's view of a committee for a period shows its assignments with their status as
of the period's last day and its internal control as of the same day. One call instead
of two pays the request's overhead once, and the answer is kept while the service's data
stands still (``shared.readcache``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.assignments import internal_control, listing
from services.assignments.internal_control_schemas import InternalControlOut
from services.assignments.schemas import AssignmentOut
from services.assignments.section_repository import committee_assignments
from shared.keys import Principal
from shared.periods import Period
from shared.reference import org_units


class FollowUpSection(BaseModel):
    """The assignments' part of one committee's follow-up view for a period."""

    assignments: list[AssignmentOut] = Field(
        description="The items of `GET /v1/assignments?org_unit=&year=&as_of=` for the "
        "period's year as of its last day (carried-over assignments included), in id order."
    )
    internal_control: InternalControlOut | None = Field(
        description="`GET /v1/internal-control?org_unit=&year=&as_of=` as of the period's "
        "last day; null for REGION, which decides no risk analysis of its own."
    )


def follow_up_section(
    session: Session, principal: Principal, org_unit: str, period: Period
) -> dict[str, Any]:
    """A ``FollowUpSection`` as its JSON object (built directly: see ``section_repository``)."""
    day = period.last_day
    control = None
    if org_units()[org_unit].kind != "region":
        summary = internal_control.summary(session, principal, org_unit, period.year, day)
        # Asked for one unit, the summary is that unit's (never the overview).
        control = summary if isinstance(summary, InternalControlOut) else None
    # The listing's own filters for the unit and period: the same year, day and reports.
    filters = listing.assignment_filters(principal, org_unit=org_unit, period=period)
    return {
        "assignments": committee_assignments(session, filters),
        "internal_control": control,
    }
