"""The assignments service as the follow-up view reads it: a committee's riktade uppdrag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from gateway.followup.reading import WHOLE_LIST, ReadModel
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


class LatestReport(ReadModel):
    """The latest status report (lägesrapport) on an assignment."""

    period: str
    status: AssignmentStatus
    explanation: str | None


@dataclass(frozen=True)
class LatestStatus:
    """Where an assignment stands: its latest status, with that report's explanation."""

    status: AssignmentStatus | None
    explanation: str | None
    period: str | None


class Assignment(ReadModel):
    """One item of ``GET /v1/assignments``: a riktat uppdrag and its latest report."""

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

    def latest(self) -> LatestStatus:
        """The latest status; none for an assignment nobody has reported on."""
        report = self.latest_report
        return LatestStatus(
            self.latest_status,
            report.explanation if report else None,
            report.period if report else None,
        )


class AssignmentPage(BaseModel):
    items: list[Assignment]


class AssignmentsClient:
    """The call the view makes to the assignments service, with the caller's headers."""

    def __init__(self, upstream: Upstream, headers: Headers) -> None:
        self.upstream = upstream
        self.headers = headers

    async def assignments_of(self, org_unit: str, period: Period) -> list[Assignment]:
        """The committee's assignments for the period's year, those carried over included."""
        answer = await self.upstream.read(
            "/v1/assignments",
            AssignmentPage,
            params={"org_unit": org_unit, "year": period.year, "limit": WHOLE_LIST},
            headers=self.headers,
        )
        return answer.items
