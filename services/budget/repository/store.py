"""The budget tables as Core handles, the pieces every query module shares, and the
store as a whole.

Month columns hold ``YYYY-MM`` text, so a month range is a text range and a year is a
prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.models import (
    BudgetLine,
    Earmarked,
    Forecast,
    Outcome,
    Regionbidrag,
    RegionbidragComponent,
    ReportedDeviation,
    ReportedResult,
    table,
)
from shared.periods import Period
from shared.store import utcnow

GRANT = table(Regionbidrag)
COMPONENT = table(RegionbidragComponent)
LINE = table(BudgetLine)
OUTCOME = table(Outcome)
FORECAST = table(Forecast)
EARMARKED = table(Earmarked)
REPORTED_RESULT = table(ReportedResult)
REPORTED_DEVIATION = table(ReportedDeviation)

T = TypeVar("T")
#: Turns a row of a listed table into what a page shows.
ToItem = Callable[[Any], T]


@dataclass(frozen=True)
class CsvQuery:
    """A CSV export: the statement to stream and its column names, in order."""

    statement: sa.Select[Any]
    header: tuple[str, ...]


def equal(t: sa.Table, **values: object) -> list[sa.ColumnElement[bool]]:
    """``column == value`` for each filter given (None: not filtered)."""
    return [t.c[name] == v for name, v in values.items() if v is not None]


def in_year(month: sa.ColumnElement[str], year: int) -> sa.ColumnElement[bool]:
    """The months of ``year`` in a month column."""
    return month.like(f"{year}-%")


def first_through(month: Period) -> tuple[str, str]:
    """January through ``month`` of its year, as the text bounds of a month column."""
    return f"{month.year}-01", str(month)


def stamp(seq: int) -> dict[str, Any]:
    """The change stamp every write of a listed row carries."""
    return {"updated_at": utcnow(), "change_seq": seq}


def is_empty(session: Session) -> bool:
    """True when no grant, line, outcome, forecast, earmarked money or reported result is
    stored (the seed loads only into such a store)."""
    return all(
        session.execute(sa.select(t.c.id).limit(1)).first() is None
        for t in (GRANT, LINE, OUTCOME, FORECAST, EARMARKED, REPORTED_RESULT)
    )
