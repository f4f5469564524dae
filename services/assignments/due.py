"""What the assignments service expected and got for an org unit and periods: status
reports on its active assignments and the follow-up of its internal control.

``GET /v1/expected`` answers the gateway's calendar (``/v1/due``) for this service; the
rules are ``due_rules``, the three queries ``due_repository``. The answer has the shape
of the three services: ``{org_unit, periods, items: [{kind, org_unit, period, subject,
received, received_at, detail}]}``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.assignments import due_repository
from services.assignments.due_rules import (
    FollowUp,
    Report,
    closes_half,
    followups_of_half,
    is_active,
    report_answer,
)
from services.assignments.internal_control_summary_rules import due_with
from shared.periods import Period
from shared.reference import committees


class StatusReportSubject(BaseModel):
    """The assignment a status report is expected on, and what the report said."""

    assignment_id: str
    title: str
    assignment_kind: str = Field(description="`assignment` or `milestone`.")
    year_given: int
    status: str | None = Field(description="The latest status among the reports received.")
    as_of: date | None
    reported_by: str | None


class InternalControlSubject(BaseModel):
    """The half-year whose internal control follow-up is expected."""

    year: int
    half: Literal[1, 2]
    due_with: str = Field(description="The verksamhetsberättelse period it is due with.")
    follow_up_period: str | None = Field(description="The latest occasion of the half.")
    followed_up_on: date | None
    items: int


class ExpectedItem(BaseModel):
    kind: Literal["status_report", "internal_control"]
    org_unit: str
    period: str
    subject: StatusReportSubject | InternalControlSubject
    received: bool
    received_at: datetime | None
    detail: str


class ExpectedItems(BaseModel):
    org_unit: str
    periods: list[str]
    items: list[ExpectedItem]


def _reports(session: Session, org_unit: str, until: date) -> dict[str, list[Report]]:
    found: dict[str, list[Report]] = defaultdict(list)
    for row in due_repository.reports_for(session, org_unit, until):
        found[row.assignment_id].append(
            Report(
                assignment_id=row.assignment_id,
                org_unit=row.org_unit,
                period=Period.parse(row.period),
                as_of=row.as_of,
                status=row.status,
                created_at=row.created_at,
                change_seq=row.change_seq,
            )
        )
    return found


def _status_items(
    session: Session, org_unit: str, periods: Sequence[Period]
) -> dict[Period, list[ExpectedItem]]:
    assignments = due_repository.assignments_of(session, org_unit, max(p.year for p in periods))
    reports = _reports(session, org_unit, max(p.last_day for p in periods))
    items: dict[Period, list[ExpectedItem]] = defaultdict(list)
    for period in periods:
        for a in assignments:
            mine = reports.get(a.id, [])
            if not is_active(a.year_given, period, mine):
                continue
            answer = report_answer(org_unit, period, mine)
            latest = answer.latest
            items[period].append(
                ExpectedItem(
                    kind="status_report",
                    org_unit=org_unit,
                    period=str(period),
                    subject=StatusReportSubject(
                        assignment_id=a.id,
                        title=a.title,
                        assignment_kind=a.kind,
                        year_given=a.year_given,
                        status=latest.status if latest else None,
                        as_of=latest.as_of if latest else None,
                        reported_by=latest.org_unit if latest else None,
                    ),
                    received=answer.received,
                    received_at=answer.received_at,
                    detail=answer.detail,
                )
            )
    return items


def _control_items(
    session: Session, org_unit: str, periods: Sequence[Period]
) -> dict[Period, ExpectedItem]:
    if org_unit not in committees():
        return {}
    closing = {p: half for p in periods if (half := closes_half(p)) is not None}
    if not closing:
        return {}
    occasions = [
        FollowUp(Period.parse(row.period), row.items, row.followed_up_on, row.written_at)
        for row in due_repository.followups_of(session, org_unit, {p.year for p in closing})
    ]
    items: dict[Period, ExpectedItem] = {}
    for period, half in closing.items():
        of_half = followups_of_half(period.year, half, occasions)
        last = of_half[-1] if of_half else None
        due = str(due_with(period.year, half))
        items[period] = ExpectedItem(
            kind="internal_control",
            org_unit=org_unit,
            period=str(period),
            subject=InternalControlSubject(
                year=period.year,
                half=half,
                due_with=due,
                follow_up_period=str(last.period) if last else None,
                followed_up_on=max(f.followed_up_on for f in of_half) if of_half else None,
                items=sum(f.items for f in of_half),
            ),
            received=last is not None,
            received_at=min(f.written_at for f in of_half) if of_half else None,
            detail=(
                f"Internal control followed up for half {half} of {period.year} "
                f"({', '.join(str(f.period) for f in of_half)})."
                if of_half
                else f"No follow-up of {org_unit}'s internal control for half {half} of "
                f"{period.year} (due with the verksamhetsberättelse {due})."
            ),
        )
    return items


def expected(session: Session, org_unit: str, periods: Sequence[Period]) -> ExpectedItems:
    """For each period (in the order asked): a status report per active assignment of
    ``org_unit`` (by id), then the internal control follow-up when the period closes a
    half-year."""
    reports = _status_items(session, org_unit, periods)
    control = _control_items(session, org_unit, periods)
    items: list[ExpectedItem] = []
    for period in periods:
        items.extend(reports.get(period, []))
        if period in control:
            items.append(control[period])
    return ExpectedItems(org_unit=org_unit, periods=[str(p) for p in periods], items=items)
