"""Queries behind ``GET /v1/expected`` (what the budget service expected and got): per
month, the outcomes booked and the forecasts made, and the committee's stated totals of
some years. Three statements whatever the number of lines, months or periods."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import FORECAST, OUTCOME, TOTAL


def _per_month(
    session: Session, t: sa.Table, month: str, org_unit: str, months: Collection[str]
) -> Sequence[Any]:
    column = t.c[month]
    return session.execute(
        sa.select(
            column.label("month"),
            sa.func.count().label("lines"),
            sa.func.min(t.c.updated_at).label("written_at"),
        )
        .where(t.c.org_unit == org_unit, column.in_(sorted(months)))
        .group_by(column)
    ).all()


def outcomes_booked(session: Session, org_unit: str, months: Collection[str]) -> Sequence[Any]:
    """Per month of ``months`` with outcomes of ``org_unit``: the lines booked and when the
    first of them was written."""
    return _per_month(session, OUTCOME, "month", org_unit, months)


def forecasts_made(session: Session, org_unit: str, months: Collection[str]) -> Sequence[Any]:
    """Per month of ``months`` in which ``org_unit`` made line forecasts: the lines and when
    the first of them was written."""
    return _per_month(session, FORECAST, "made_in", org_unit, months)


def stated_totals_in(session: Session, org_unit: str, years: Collection[int]) -> Sequence[Any]:
    """``org_unit``'s stated outcome and forecast totals of ``years``: kind, month, result
    and when each was written."""
    return session.execute(
        sa.select(TOTAL.c.kind, TOTAL.c.month, TOTAL.c.result, TOTAL.c.updated_at).where(
            TOTAL.c.org_unit == org_unit,
            TOTAL.c.year.in_(sorted(years)),
            TOTAL.c.kind.in_(["outcome", "forecast"]),
        )
    ).all()
