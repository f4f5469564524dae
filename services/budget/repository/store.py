"""The budget tables as Core handles, the pieces every query module shares, and the
store as a whole.

Month columns hold ``YYYY-MM`` text, so a month range is a text range and a year is a
prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import NamedFromClause

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


class YearRow:
    """A row read by ``rows_of_year``: its own table's columns, by name as attributes and
    as ``_mapping`` (as a row of that table alone would have them)."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


def _column(t: NamedFromClause, name: str, type_: Any, first: bool) -> Any:
    """``t``'s column ``name``, else a null of its type (named in the first part only)."""
    if name in t.c:
        return t.c[name]
    return sa.null().cast(type_) if first else sa.type_coerce(sa.null(), type_)


@cache
def _rows_of_year(tables: tuple[sa.Table, ...]) -> sa.Executable:
    """``rows_of_year``'s statement, built once (building it costs more than running it):
    the tables' rows as one ``UNION ALL`` under the names of every table's columns (null
    where a table has none), with the table's name. Only the first part names the null
    columns' types, which the others follow: psycopg keeps the parsed form of statements
    up to 4 KiB only."""
    types: dict[str, Any] = {}
    for table_ in tables:
        for column in table_.c:
            types.setdefault(column.name, column.type)
    parts = []
    for n, stored in enumerate(tables):
        t = stored.alias(f"t{n}")
        columns = [_column(t, name, type_, n == 0).label(name) for name, type_ in types.items()]
        of_year = (t.c.org_unit == sa.bindparam("org_unit"), t.c.year == sa.bindparam("year"))
        in_table: Any = sa.literal_column(f"'{stored.name}'").label("in_table")
        parts.append(sa.select(in_table, *columns).where(*of_year))
    return sa.union_all(*parts).order_by(sa.literal_column("in_table"), sa.literal_column("id"))


def rows_of_year(
    session: Session, tables: tuple[sa.Table, ...], org_unit: str, year: int
) -> dict[str, list[YearRow]]:
    """A committee's rows of a year in each of ``tables`` (by table name, in id order), in
    one statement instead of one per table."""
    found: dict[str, list[YearRow]] = {t.name: [] for t in tables}
    names = {t.name: [c.name for c in t.c] for t in tables}
    values = {"org_unit": org_unit, "year": year}
    for row in session.execute(_rows_of_year(tables), values).all():
        m = row._mapping
        table = m["in_table"]
        found[table].append(YearRow({name: m[name] for name in names[table]}))
    return found


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
