"""The budget tables as Core handles, the pieces every query module shares, and the
store as a whole.

Month columns hold ``YYYY-MM`` text, so a month range is a text range and a year is a
prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.models import (
    BudgetLine,
    CommitteeTotal,
    Earmarked,
    Forecast,
    Outcome,
    Regionbidrag,
    RegionbidragComponent,
    RegionFinancialFigures,
    ReportedDeviation,
    ReportedFigure,
    table,
)
from shared.locks import PeriodLocks
from shared.periods import Period
from shared.store import utcnow

GRANT = table(Regionbidrag)
COMPONENT = table(RegionbidragComponent)
LINE = table(BudgetLine)
OUTCOME = table(Outcome)
FORECAST = table(Forecast)
EARMARKED = table(Earmarked)
TOTAL = table(CommitteeTotal)
REPORTED_DEVIATION = table(ReportedDeviation)
REPORTED_FIGURE = table(ReportedFigure)
FINANCIAL_FIGURES = table(RegionFinancialFigures)

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


def readable(t: sa.Table, org_units: Collection[str] | None) -> list[sa.ColumnElement[bool]]:
    """Only the rows of ``org_units`` (a bound key's own units); None: every row."""
    return [] if org_units is None else [t.c.org_unit.in_(sorted(org_units))]


def version_for_update(session: Session, t: sa.Table, row_id: str) -> int | None:
    """The ``change_seq`` of a row (its ETag's version), the row locked until the
    transaction ends; None when there is no such row. The caller holds the change-feed
    lock already (``ChangeFeed.lock``), so a row not there yet cannot be created meanwhile
    either. (SQLite locks the whole store for a write transaction; FOR UPDATE is Postgres.)
    """
    seq: int | None = session.execute(
        sa.select(t.c.change_seq).where(t.c.id == row_id).with_for_update()
    ).scalar_one_or_none()
    return seq


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
    """True when no grant, line, outcome, forecast, earmarked money, total or reported
    figure is stored (the seed loads only into such a store)."""
    return all(
        session.execute(sa.select(t.c.id).limit(1)).first() is None
        for t in (GRANT, LINE, OUTCOME, FORECAST, EARMARKED, TOTAL, REPORTED_FIGURE)
    )


#: The period locks of decided reports (``shared.locks``), in this service's schema.
LOCKS = PeriodLocks.of(LINE.metadata)
