"""Queries of budget lines."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.line_rules import line_id
from services.budget.repository.store import (
    EARMARKED,
    FORECAST,
    LINE,
    OUTCOME,
    CsvQuery,
    T,
    ToItem,
    equal,
    in_year,
    readable,
    stamp,
    version_for_update,
)
from shared.paging import ListParams, Slice, fetch_table_page
from shared.store import ChangeFeed


def line_row(session: Session, org_unit: str, year: int, line: str) -> Any | None:
    return session.execute(
        sa.select(LINE).where(LINE.c.id == line_id(org_unit, year, line))
    ).first()


def lock_line(session: Session, org_unit: str, year: int, line: str) -> int | None:
    """The line's version (``change_seq``), its row locked for the write; None if none."""
    return version_for_update(session, LINE, line_id(org_unit, year, line))


def save_line(
    session: Session,
    org_unit: str,
    year: int,
    line: str,
    values: dict[str, Any],
    seq: int,
    *,
    new: bool,
) -> None:
    """Insert (``new``) or update a budget line with ``values`` (its stated columns)."""
    lid = line_id(org_unit, year, line)
    if new:
        key = {"id": lid, "org_unit": org_unit, "year": year, "line": line}
        session.execute(sa.insert(LINE).values(**key, **values, **stamp(seq)))
    else:
        session.execute(sa.update(LINE).where(LINE.c.id == lid).values(**values, **stamp(seq)))


def delete_line(session: Session, org_unit: str, year: int, line: str) -> None:
    session.execute(sa.delete(LINE).where(LINE.c.id == line_id(org_unit, year, line)))


class LineUses(NamedTuple):
    """What refers to a budget line: the rows of its year naming it."""

    outcomes: int
    forecasts: int
    earmarked: int


def line_uses(session: Session, org_unit: str, year: int, line: str) -> LineUses:
    def count(t: sa.Table, *where: sa.ColumnElement[bool]) -> int:
        n: int = session.execute(
            sa.select(sa.func.count()).where(t.c.org_unit == org_unit, t.c.line == line, *where)
        ).scalar_one()
        return n

    return LineUses(
        outcomes=count(OUTCOME, in_year(OUTCOME.c.month, year)),
        forecasts=count(FORECAST, in_year(FORECAST.c.made_in, year)),
        earmarked=count(EARMARKED, EARMARKED.c.year == year),
    )


def lines_in(
    session: Session, org_units: Collection[str], years: Collection[int]
) -> set[tuple[str, int, str]]:
    """The budget lines of these org units and years, as (org unit, year, line)."""
    if not org_units:
        return set()
    rows = session.execute(
        sa.select(LINE.c.org_unit, LINE.c.year, LINE.c.line).where(
            LINE.c.org_unit.in_(org_units), LINE.c.year.in_(years)
        )
    ).all()
    return {(r.org_unit, r.year, r.line) for r in rows}


#: Built once (building a statement costs more than running it); in id order, as
#: ``store.rows_of_year`` reads them for the follow-up section.
_LINES_OF = (
    sa.select(LINE)
    .where(LINE.c.org_unit == sa.bindparam("org_unit"), LINE.c.year == sa.bindparam("year"))
    .order_by(LINE.c.id)
)


def budget_lines_of(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    return session.execute(_LINES_OF, {"org_unit": org_unit, "year": year}).all()


def budget_line_page(
    session: Session,
    feed: ChangeFeed,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    to_item: ToItem[T],
) -> Slice[T | dict[str, Any]]:
    """A page of budget lines; in change order deletions come as tombstones."""
    return fetch_table_page(
        session,
        sa.select(LINE).where(
            *equal(LINE, org_unit=org_unit, year=year), *readable(LINE, org_units)
        ),
        LINE,
        params=params,
        to_item=to_item,
        feed=feed,
        resource="budget_line",
    )


def budget_lines_csv(
    org_unit: str | None, year: int | None, org_units: Collection[str] | None
) -> CsvQuery:
    header = (
        *("id", "org_unit", "year", "line", "label", "revenue", "cost"),
        *("result", "counterparty", "basis", "derivation", "updated_at", "change_seq"),
    )
    result = (LINE.c.revenue - LINE.c.cost).label("result")
    statement = (
        sa.select(*[result if h == "result" else LINE.c[h] for h in header])
        .where(*equal(LINE, org_unit=org_unit, year=year), *readable(LINE, org_units))
        .order_by(LINE.c.id)
    )
    return CsvQuery(statement, header)
