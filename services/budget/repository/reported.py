"""Queries of the figures as the source report prints them (results and deviations)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import REPORTED_DEVIATION, REPORTED_RESULT
from shared.store import utcnow


def reported_result(session: Session, org_unit: str, year: int) -> Any | None:
    return session.execute(
        sa.select(REPORTED_RESULT).where(
            REPORTED_RESULT.c.org_unit == org_unit, REPORTED_RESULT.c.year == year
        )
    ).first()


def reported_deviations(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    return session.execute(
        sa.select(REPORTED_DEVIATION)
        .where(REPORTED_DEVIATION.c.org_unit == org_unit, REPORTED_DEVIATION.c.year == year)
        .order_by(REPORTED_DEVIATION.c.line)
    ).all()


def insert_reported(
    session: Session, results: Iterable[dict[str, Any]], deviations: Iterable[dict[str, Any]]
) -> None:
    """Store reported results and deviations (rows with their ``change_seq``)."""
    now = {"updated_at": utcnow()}
    for t, rows in ((REPORTED_RESULT, results), (REPORTED_DEVIATION, deviations)):
        if batch := [{**r, **now} for r in rows]:
            session.execute(sa.insert(t), batch)
