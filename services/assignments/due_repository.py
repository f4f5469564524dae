"""The queries behind ``GET /v1/expected`` (what the assignments service expected and
got): part of the repository, apart so that the other modules keep their size.

Three statements whatever the number of assignments, reports or periods: the unit's
assignments, the reports by or naming it up to a day, its internal control follow-ups of
some years grouped by occasion.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.assignments.listing_repository import responsible_for
from services.assignments.models import ASSIGNMENT, RISK_FOLLOWUP, STATUS_REPORT
from services.assignments.status_repository import speaks_for


def assignments_of(session: Session, org_unit: str, up_to_year: int) -> Sequence[Any]:
    """The assignments ``org_unit`` is responsible for, given in ``up_to_year`` or before."""
    a = ASSIGNMENT
    return session.execute(
        sa.select(a.c.id, a.c.kind, a.c.title, a.c.year_given)
        .where(a.c.id.in_(responsible_for(org_unit)), a.c.year_given <= up_to_year)
        .order_by(a.c.id)
    ).all()


def reports_for(session: Session, org_unit: str, until: date) -> Sequence[Any]:
    """The reports on ``org_unit``'s assignments by it or naming it, for dates up to
    ``until``."""
    r = STATUS_REPORT
    return session.execute(
        sa.select(
            r.c.assignment_id,
            r.c.org_unit,
            r.c.period,
            r.c.as_of,
            r.c.status,
            r.c.created_at,
            r.c.change_seq,
        ).where(
            r.c.assignment_id.in_(responsible_for(org_unit)),
            speaks_for([org_unit]),
            r.c.as_of <= until,
        )
    ).all()


def followups_of(session: Session, org_unit: str, years: Collection[int]) -> Sequence[Any]:
    """``org_unit``'s internal control follow-ups in ``years``, one row per occasion
    (period): its items, the latest day it was made and when its first item was written."""
    f = RISK_FOLLOWUP
    return session.execute(
        sa.select(
            f.c.period,
            sa.func.count().label("items"),
            sa.func.max(f.c.followed_up_on).label("followed_up_on"),
            sa.func.min(f.c.updated_at).label("written_at"),
        )
        .where(f.c.org_unit == org_unit, f.c.year.in_(sorted(years)))
        .group_by(f.c.period)
    ).all()
