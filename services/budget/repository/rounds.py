"""Queries of forecast rounds: a committee's line forecasts made in some months (the
budget lines and the stated totals come from ``budget_lines`` and ``reported``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import FORECAST


def forecasts_in(session: Session, org_unit: str, months: Collection[str]) -> Sequence[Any]:
    """``org_unit``'s line forecasts made in ``months``: line, made_in, revenue, cost."""
    f = FORECAST
    return session.execute(
        sa.select(f.c.line, f.c.made_in, f.c.revenue, f.c.cost).where(
            f.c.org_unit == org_unit, f.c.made_in.in_(sorted(months))
        )
    ).all()
