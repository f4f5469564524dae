"""The view's internal-control section (intern kontroll) and the overview's count of
committees without a follow-up this half-year, from the assignments service
(``GET /v1/internal-control``, as of the period's last day).

Seed 004: each committee follows up its risk analysis at least twice a year, with its
August and December reports. The section shows the committee's risks by current value
(highest first, as the service orders them) and its actions late; REGION is no committee
and has no section (null)."""

from __future__ import annotations

from pydantic import Field

from gateway.followup.assignments import AssignmentsClient, ControlAction, ControlRisk
from gateway.followup.section_state import SectionState, settled
from shared.periods import Period
from shared.reference import org_units


class InternalControlSection(SectionState):
    half: int | None = Field(description="The half-year the period's last day is in (1 or 2).")
    followed_up_this_half: bool | None
    risks: list[ControlRisk] = Field(description="Highest current value first.")
    late_actions: list[ControlAction] = Field(
        description="Deadline passed by the period's last day and not done."
    )


class InternalControlCount(SectionState):
    """The overview's count: committees (of those the key may read) whose internal control
    has no follow-up in the half-year of the period's last day."""

    half: int | None
    without_follow_up_this_half: int | None
    not_followed_up: list[str]
    followed_up: dict[str, bool] = Field(
        default={}, exclude=True, description="Per committee read (for the overview's rows)."
    )


def has_internal_control(org_unit: str) -> bool:
    """Committees and boards decide a risk analysis; the region as such does not."""
    return org_units()[org_unit].kind != "region"


async def internal_control_section(
    client: AssignmentsClient, org_unit: str, period: Period
) -> InternalControlSection | None:
    if not has_internal_control(org_unit):
        return None
    found = await settled(
        client.internal_control(org_unit, period),
        upstream="assignments",
        until=client.deadline_at,
    )
    control = found.data
    return InternalControlSection(
        state=found.state,
        problem=found.problem,
        half=control.half if control else None,
        followed_up_this_half=control.followed_up_this_half if control else None,
        risks=control.risks if control else [],
        late_actions=control.late_actions if control else [],
    )


async def internal_control_count(client: AssignmentsClient, period: Period) -> InternalControlCount:
    found = await settled(client.internal_control_overview(period), upstream="assignments")
    overview = found.data
    return InternalControlCount(
        state=found.state,
        problem=found.problem,
        half=overview.half if overview else None,
        without_follow_up_this_half=overview.without_follow_up_this_half if overview else None,
        not_followed_up=overview.not_followed_up if overview else [],
        followed_up={
            c.org_unit: c.followed_up_this_half for c in (overview.committees if overview else [])
        },
    )
