"""Queries of forecast rounds: a committee's line forecasts made in some months (the
budget lines and the stated totals come from ``budget_lines`` and ``reported``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import FORECAST

#: Built once (building a statement costs more than running it).
_FORECASTS_IN = sa.select(
    FORECAST.c.line, FORECAST.c.made_in, FORECAST.c.revenue, FORECAST.c.cost
).where(
    FORECAST.c.org_unit == sa.bindparam("org_unit"),
    FORECAST.c.made_in.in_(sa.bindparam("months", expanding=True)),
)


def forecasts_in(session: Session, org_unit: str, months: Collection[str]) -> Sequence[Any]:
    """``org_unit``'s line forecasts made in ``months``: line, made_in, revenue, cost."""
    return session.execute(_FORECASTS_IN, {"org_unit": org_unit, "months": sorted(months)}).all()
