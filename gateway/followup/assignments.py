"""The assignments service as the follow-up view reads it: a committee's riktade uppdrag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from gateway.followup.reading import WHOLE_LIST, ReadModel, ViewSections
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream
from shared.periods import Period

#: Every status the service knows: an assignment's four, then a milestone's three colours.
AssignmentStatus = Literal[
    "ej_startat", "pagar_enligt_plan", "avvikelse", "klart", "green", "yellow", "orange"
]
#: An assignment's statuses, in the order a report lists them.
ASSIGNMENT_STATUSES: tuple[AssignmentStatus, ...] = (
    "ej_startat",
    "pagar_enligt_plan",
    "avvikelse",
    "klart",
)
#: A milestone's statuses (Framtidens hälsosystem).
MILESTONE_STATUSES: tuple[AssignmentStatus, ...] = ("green", "yellow", "orange")
#: What the gateway calls an assignment no report counts for in the period: *not reported*.
NOT_REPORTED = "ingen_rapport"


class LatestReport(ReadModel):
    """The latest status report (lägesrapport) on an assignment, for a date up to the
    period's last day."""

    period: str
    as_of: str
    on_behalf_of: list[str]
    status: AssignmentStatus
    explanation: str | None


@dataclass(frozen=True)
class LatestStatus:
    """Where an assignment stands: its latest status, with that report's explanation
    (``status`` is ``None`` when not reported)."""

    status: AssignmentStatus | None
    explanation: str | None
    period: str | None
    as_of: str | None


class Assignment(ReadModel):
    """One item of ``GET /v1/assignments?year=&as_of=``: a riktat uppdrag and its latest
    report as of the period's last day."""

    id: str
    title: str
    goal: str | None
    area: str | None
    year_given: int
    lead_org_unit: str | None
    lead_text: str | None
    deadline: str | None
    deadline_text: str | None
    latest_status: AssignmentStatus | None
    latest_report: LatestReport | None
    reported: bool
    status_as_of: str | None
    carried_over: bool | None

    def latest(self) -> LatestStatus:
        """The latest status; none for an assignment no report counts for (not reported)."""
        report = self.latest_report if self.reported else None
        return LatestStatus(
            self.latest_status if self.reported else None,
            report.explanation if report else None,
            report.period if report else None,
            report.as_of if report else None,
        )

    @property
    def status_code(self) -> str:
        """Its latest status, or ``ingen_rapport`` when no report counts (not reported)."""
        status = self.latest().status
        return status if status is not None else NOT_REPORTED


class AssignmentPage(BaseModel):
    items: list[Assignment]


class ControlAction(ReadModel):
    """A control action (kontrollåtgärd) of the internal control: what, who, by when, its
    state at the latest follow-up and whether it is late."""

    id: str
    code: str
    what: str
    who: str | None
    deadline: str
    state: str | None
    late: bool


class ControlRisk(ReadModel):
    """A risk of the committee's risk analysis with its value (probability × consequence)
    as assessed and as reassessed by the date."""

    id: str
    code: str
    description: str
    owner: str | None
    risk_value: int
    current_value: int
    actions: list[ControlAction]


class InternalControl(ReadModel):
    """``GET /v1/internal-control?org_unit=&year=&as_of=``: one committee's internal
    control (intern kontroll), risks highest current value first."""

    org_unit: str
    year: int
    half: int
    risks: list[ControlRisk]
    late_actions: list[ControlAction]
    followed_up_this_half: bool


class CommitteeControl(ReadModel):
    org_unit: str
    followed_up_this_half: bool


class InternalControlOverview(ReadModel):
    """``GET /v1/internal-control?year=&as_of=`` without a unit: every committee the key
    may read, and how many have no follow-up this half-year."""

    year: int
    half: int
    committees: list[CommitteeControl]
    without_follow_up_this_half: int
    not_followed_up: list[str]


class FollowUpSection(BaseModel):
    """``GET /v1/follow-up-section``: what one committee's view shows of the assignments
    (its assignments as of the period's last day, its internal control: null for REGION)
    in one answer."""

    assignments: list[Assignment]
    internal_control: InternalControl | None


class AssignmentsClient:
    """The call the view makes to the assignments service, with the caller's headers,
    ending by ``deadline_at`` (event-loop time) when given."""

    def __init__(
        self, upstream: Upstream, headers: Headers, deadline_at: float | None = None
    ) -> None:
        self.upstream = upstream
        self.headers = headers
        self.deadline_at = deadline_at
        self._sections = ViewSections(upstream, FollowUpSection, headers, deadline_at)

    async def view_section(self, org_unit: str, period: Period) -> FollowUpSection:
        """The view's part of the assignments: one call, however many parts read it."""
        return await self._sections.of(org_unit, period)

    async def view_assignments(self, org_unit: str, period: Period) -> list[Assignment]:
        """``assignments_of``'s list, from the view's section."""
        return (await self.view_section(org_unit, period)).assignments

    async def assignments_of(self, org_unit: str, period: Period) -> list[Assignment]:
        """The committee's assignments for the period's year (those carried over included),
        each with its status as of the period's last day: a report for a later date does
        not count (the Jan–Aug view does not show a status reported for December)."""
        answer = await self.upstream.read(
            "/v1/assignments",
            AssignmentPage,
            params={
                "org_unit": org_unit,
                "year": period.year,
                "as_of": period.last_day.isoformat(),
                "limit": WHOLE_LIST,
            },
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
        return answer.items

    async def internal_control(self, org_unit: str, period: Period) -> InternalControl | None:
        """The committee's internal control for the period's year, as of its last day (of
        the view's section; None for REGION)."""
        return (await self.view_section(org_unit, period)).internal_control

    async def internal_control_overview(self, period: Period) -> InternalControlOverview:
        """Every committee's internal control for the period's year, as of its last day."""
        return await self.upstream.read(
            "/v1/internal-control",
            InternalControlOverview,
            params={"year": period.year, "as_of": period.last_day.isoformat()},
            headers=self.headers,
            deadline_at=self.deadline_at,
        )
