"""The reporting calendar (uppföljningskalendern): a year's occasions with their due dates
per committee and the meeting each feeds; an admin's change of an occasion's due dates.

Use cases on the cycle's store, each committing once; the queries are in ``repository``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gateway.cycle import repository
from gateway.cycle.due_rules import due_by_unit
from gateway.cycle.schemas import Calendar, DueDatesIn, Meeting, Occasion
from shared.errors import InvalidInput, NotFound, field_error
from shared.etag import check_if_match
from shared.keys import Principal
from shared.reference import committees
from shared.store import AuditTrail, ChangeFeed, utcnow

RESOURCE = "occasion"


def occasion_out(row: Any, overrides: Mapping[str, date]) -> Occasion:
    return Occasion(
        id=row.id,
        year=row.year,
        kind=row.kind,
        name=row.name,
        period=row.period,
        due_date=row.due_date,
        due_stated_in_plan=row.due_stated_in_plan,
        due_basis=row.due_basis,
        due_by_org_unit=due_by_unit(row.due_date, overrides, committees()),
        meeting=Meeting(
            body=row.meeting_body,
            date=row.meeting_date,
            stated_in_plan=row.meeting_stated_in_plan,
            basis=row.meeting_basis,
        ),
        version=row.version,
        updated_at=row.updated_at,
    )


def occasions_of(session: Session, years: list[int]) -> list[Occasion]:
    """The occasions of ``years``, by due date."""
    rows = repository.occasions_of_years(session, years)
    overrides = repository.due_overrides(session, [r.id for r in rows])
    return [occasion_out(r, overrides.get(r.id, {})) for r in rows]


def calendar_of(session: Session, year: int) -> Calendar:
    return Calendar(year=year, occasions=occasions_of(session, [year]))


def occasion_of(session: Session, occasion_id: str) -> Occasion:
    row = repository.occasion_row(session, occasion_id)
    if row is None:
        raise NotFound(f"No occasion {occasion_id!r} in the calendar.")
    overrides = repository.due_overrides(session, [occasion_id])
    return occasion_out(row, overrides.get(occasion_id, {}))


def change_due_dates(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    occasion_id: str,
    body: DueDatesIn,
    if_match: str | None,
) -> Occasion:
    """Set an occasion's due dates; the ``If-Match`` compared and the write made under the
    store's writer lock, so two admins never overwrite each other unknowingly."""
    not_committees = sorted(set(body.due_by_org_unit) - set(committees()))
    if not_committees:
        raise InvalidInput(
            "Only committees have due dates.",
            errors=[
                field_error(["body", "due_by_org_unit", u], f"{u} is not a committee")
                for u in not_committees
            ],
        )
    seq = feed.allocate(session, 1)  # the writer lock, before the version is read
    row = repository.occasion_row(session, occasion_id)
    if row is None:
        session.rollback()
        raise NotFound(f"No occasion {occasion_id!r} in the calendar.")
    try:
        check_if_match(if_match, row.version, subject=f"occasion {occasion_id}")
    except Exception:
        session.rollback()
        raise
    before = occasion_of(session, occasion_id)
    overrides = {u: d for u, d in body.due_by_org_unit.items() if d != body.due_date}
    repository.replace_due_dates(
        session, occasion_id, body.due_date, overrides, row.version + 1, utcnow(), seq
    )
    audit.record(
        session,
        principal.key_id,
        "change_due_dates",
        RESOURCE,
        occasion_id,
        {
            "before": {"due_date": before.due_date, "due_by_org_unit": _own(before)},
            "after": {"due_date": body.due_date, "due_by_org_unit": overrides},
        },
    )
    out = occasion_of(session, occasion_id)
    session.commit()
    return out


def _own(occasion: Occasion) -> dict[str, date]:
    return {u: d for u, d in occasion.due_by_org_unit.items() if d != occasion.due_date}
