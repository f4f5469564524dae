"""Every query of the indicators service: the one way to its tables.

Functions take the session and typed values and return rows (or pages of items); they
neither commit nor decide. The domain modules (``catalogue``, ``results``,
``evaluation``) hold the rules and commit once per operation; ``shared.bulk`` holds the
COPY/upsert machinery the result loads go through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators import load_repository
from services.indicators.models import REGION, indicator_table, result_table, target_table
from services.indicators.result_rows import Record
from shared.bulk import UpsertCounts
from shared.locks import PeriodLocks
from shared.paging import ListParams, Slice, fetch_table_page
from shared.periods import Period
from shared.store import ChangeFeed

T = TypeVar("T")
#: A row of any shape, read by column name.
Row = sa.Row[*tuple[Any, ...]]

#: The change feed's name for a result (tombstones of deleted results).
RESULT_RESOURCE = "result"
INDICATOR_RESOURCE = "indicator"


class CsvExport(NamedTuple):
    """A listing to stream as CSV: its statement, the header it is labelled with, a name."""

    statement: sa.Select[Any]
    header: list[str]
    filename: str


# --------------------------------------------------------------------------- indicators


def indicator(session: Session, code: str) -> Row | None:
    i = indicator_table
    return session.execute(sa.select(i).where(i.c.code == code)).first()


def indicator_version(session: Session, code: str) -> int | None:
    """The indicator's ``change_seq`` (its ETag), None when it does not exist."""
    i = indicator_table
    seq = session.execute(sa.select(i.c.change_seq).where(i.c.code == code)).scalar()
    return None if seq is None else int(seq)


def save_indicator(session: Session, code: str, fields: dict[str, Any], *, exists: bool) -> None:
    i = indicator_table
    if exists:
        session.execute(sa.update(i).where(i.c.code == code).values(**fields))
    else:
        session.execute(sa.insert(i).values(code=code, **fields))


def _indicators_in(areas: Sequence[str] | None) -> sa.Select[Any]:
    stmt = sa.select(indicator_table)
    if areas is not None:
        stmt = stmt.where(indicator_table.c.area.in_(areas))
    return stmt


def indicator_page(
    session: Session,
    *,
    areas: Sequence[str] | None,
    params: ListParams,
    feed: ChangeFeed,
    to_item: Callable[[Row], T],
) -> Slice[T | dict[str, Any]]:
    """A page of indicators (of ``areas`` when given), by code or in change order."""
    return fetch_table_page(
        session,
        _indicators_in(areas),
        indicator_table,
        key="code",
        params=params,
        to_item=to_item,
        feed=feed,
        resource=INDICATOR_RESOURCE,
    )


def indicator_export(areas: Sequence[str] | None) -> CsvExport:
    stmt = _indicators_in(areas).order_by(indicator_table.c.code)
    return CsvExport(stmt, [c.name for c in indicator_table.c], "indicators")


def known_indicators(session: Session) -> dict[str, frozenset[str]]:
    """Indicator code → the org-unit kinds that may not report it."""
    i = indicator_table
    return {
        r.code: frozenset(k for k in r.not_reportable_by.split(",") if k)
        for r in session.execute(sa.select(i.c.code, i.c.not_reportable_by)).all()
    }


def holds_data(session: Session) -> bool:
    """Whether any indicator or result is stored (the seed goes only into an empty store)."""
    return any(
        session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for t in (indicator_table, result_table)
    )


def insert_indicators(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(sa.insert(indicator_table), rows)


def insert_targets(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(sa.insert(target_table), rows)


# --------------------------------------------------------------------------- targets


def targets_of(session: Session, code: str) -> Sequence[Row]:
    """Every target of the indicator, by year, the region's and committees' own."""
    t = target_table
    return session.execute(
        sa.select(t).where(t.c.indicator == code).order_by(t.c.year, t.c.org_unit)
    ).all()


def region_target_in_force(session: Session, code: str, year: int) -> Row | None:
    """The region's latest target set for ``year`` or before."""
    t = target_table
    return session.execute(
        sa.select(t)
        .where(t.c.indicator == code, t.c.org_unit == REGION, t.c.year <= year)
        .order_by(t.c.year.desc())
        .limit(1)
    ).first()


def target_version(session: Session, code: str, year: int, org_unit: str) -> int | None:
    """The target's ``change_seq`` (its ETag), None when it is not set."""
    t = target_table
    seq = session.execute(
        sa.select(t.c.change_seq).where(
            t.c.indicator == code, t.c.year == year, t.c.org_unit == org_unit
        )
    ).scalar()
    return None if seq is None else int(seq)


def save_target(
    session: Session,
    code: str,
    year: int,
    org_unit: str,
    fields: dict[str, Any],
    *,
    exists: bool,
) -> Row:
    """Insert or replace the target of (indicator, year, org unit); returns it as stored."""
    t = target_table
    where = (t.c.indicator == code, t.c.year == year, t.c.org_unit == org_unit)
    if not exists:
        session.execute(sa.insert(t).values(indicator=code, year=year, org_unit=org_unit, **fields))
    else:
        session.execute(sa.update(t).where(*where).values(**fields))
    return session.execute(sa.select(t).where(*where)).one()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ResultFilter:
    """Results matching every filter given (None: any)."""

    indicator: str | None = None
    org_unit: str | None = None
    period: Period | None = None
    breakdown: str | None = None

    #: The org units a bound key may see (None: every unit).
    within: frozenset[str] | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        r = result_table
        found: list[sa.ColumnElement[bool]] = []
        if self.indicator is not None:
            found.append(r.c.indicator == self.indicator)
        if self.org_unit is not None:
            found.append(r.c.org_unit == self.org_unit)
        if self.period is not None:
            found.append(r.c.period == str(self.period))
        if self.breakdown is not None:
            found.append(r.c.breakdown == self.breakdown)
        if self.within is not None:
            found.append(r.c.org_unit.in_(sorted(self.within)))
        return found

    def apply(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        return stmt.where(*self.conditions())


def upsert_results(
    session: Session,
    batches: Callable[[], Iterable[Sequence[Record]]],
    *,
    feed: ChangeFeed,
    limit: int,
) -> UpsertCounts:
    """Write checked records batch by batch: COPY on Postgres, keyed on (indicator,
    org_unit, period, breakdown), the last of a repeated key winning, identical rows left
    unwritten (``load_repository``)."""
    return load_repository.upsert_results(session, batches, feed=feed, limit=limit)


def planned_result_rows(session: Session) -> float | None:
    """The result table's row count as the planner believes it (Postgres ``reltuples``:
    -1 when never analysed); None on a store that keeps no such figure."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    found = session.execute(
        sa.text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)"),
        {"name": _qualified_result()},
    ).scalar()
    return None if found is None else float(found)


def analyze_results(session: Session) -> None:
    """Read the result table's statistics again (Postgres ``ANALYZE``: a sample, not a
    scan; it takes no lock that a reader or a writer waits on)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"ANALYZE {_qualified_result()}"))


def _qualified_result() -> str:
    return f'"{result_table.schema}"."{result_table.name}"'


def result(session: Session, result_id: int) -> Row | None:
    r = result_table
    return session.execute(sa.select(r).where(r.c.id == result_id)).first()


def count_results(session: Session, matching: ResultFilter) -> int:
    stmt = matching.apply(sa.select(sa.func.count()).select_from(result_table))
    return int(session.execute(stmt).scalar_one())


def first_result_ids(session: Session, matching: ResultFilter, n: int) -> list[int]:
    """The ``n`` lowest ids of the results matching (for the audit entry)."""
    r = result_table
    stmt = matching.apply(sa.select(r.c.id)).order_by(r.c.id).limit(n)
    return [int(i) for i in session.execute(stmt).scalars()]


def delete_results(
    session: Session, matching: ResultFilter, *, feed: ChangeFeed, first_seq: int
) -> int:
    """Delete the results matching, each leaving a tombstone numbered from ``first_seq`` in
    id order: set-based, two statements whatever the number of rows. Returns how many."""
    r = result_table
    buried = feed.bury(session, RESULT_RESOURCE, matching.apply(sa.select(r.c.id)), first_seq)
    deleted = session.execute(sa.delete(r).where(*matching.conditions())).rowcount  # type: ignore[attr-defined]
    if deleted != buried:  # pragma: no cover - the write lock keeps the two the same
        raise RuntimeError(f"deleted {deleted} results but buried {buried}")
    return buried


def delete_result(session: Session, result_id: int, *, feed: ChangeFeed, first_seq: int) -> bool:
    """Delete one result, leaving its tombstone; False when it was gone already."""
    r = result_table
    deleted = session.execute(sa.delete(r).where(r.c.id == result_id)).rowcount  # type: ignore[attr-defined]
    if not deleted:
        return False
    feed.bury(session, RESULT_RESOURCE, [str(result_id)], first_seq)
    return True


# --------------------------------------------------------------------------- period locks

#: The period locks of decided reports (``shared.locks``), in this service's schema.
LOCKS = PeriodLocks.of(result_table.metadata)


def result_periods(
    session: Session, matching: ResultFilter, org_units: Iterable[str]
) -> list[tuple[str, str]]:
    """The distinct (org unit, period) of the results matching, of ``org_units`` only."""
    r = result_table
    stmt = matching.apply(sa.select(r.c.org_unit, r.c.period).distinct()).where(
        r.c.org_unit.in_(sorted(org_units))
    )
    return [(row.org_unit, row.period) for row in session.execute(stmt)]
