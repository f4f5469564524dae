"""The repository of assignments: every statement about an assignment as a whole.

Its row and responsible units, its latest status and carry-over (read from the reports),
its deletion with its reports. The service's repository is this module and
``report_repository`` (the reports themselves): as one it would pass ~400 lines. Between
them they are the one way to the service's tables. Functions take the session and typed
values and hand back read models, pages (``Slice``) or statements to stream as CSV; they
never commit.

- **Latest status.** From the report history as ``status_repository`` ranks it, among the
  reports the filters' ``StatusWindow`` counts: for a follow-up year Y, reports for dates in
  Y up to the date asked for (Y-12-31 by default); with ``org_unit`` (or a key bound to
  units), only reports by that unit or naming it.
- **Carry-over.** A list for year Y holds the assignments given in Y plus those given
  earlier whose latest status at the end of Y-1 (by the same units) is not finished
  (``klart``; ``green`` for a milestone) or that have no report. Both are one statement per
  list, whatever the count.

A list's rules (whose assignments, the follow-up year, the order, what it reads and shows
of one) are ``listing_repository``'s, written once: ``_query`` puts them together with
the filters' values on every call, ``section_repository`` once, with parameters in their
place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from services.assignments import rules
from services.assignments.listing_repository import (
    LISTING_KEY,
    assignment_fields,
    carried_flag,
    carried_over,
    in_follow_up_year,
    joined_units,
    listed_columns,
    responsible_for,
)
from services.assignments.models import ASSIGNMENT, ASSIGNMENT_UNIT, STATUS_REPORT
from services.assignments.schemas import AssignmentFilters, AssignmentOut, Kind, StatusWindow
from services.assignments.status_repository import latest
from services.assignments.units import ResponsibleUnits, in_reference_order
from shared.paging import ListParams, Slice, Tombstone, fetch_table_page
from shared.store import ChangeFeed

#: The resource name in the change feed (tombstones) and the audit trail.
ASSIGNMENT_RESOURCE = "assignment"
#: Chunk size for ``IN (...)`` look-ups, well under every driver's parameter limit.
IN_CHUNK = 5_000


class CsvExport(NamedTuple):
    """A statement to stream as CSV, its columns labelled with ``header``, in order."""

    statement: sa.Select[Any]
    header: tuple[str, ...]


@dataclass(frozen=True)
class Definition:
    """What a write needs to know of a stored assignment."""

    id: str
    kind: Kind
    title: str
    version: int
    responsible: ResponsibleUnits


def chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    """``ids`` in slices of at most ``IN_CHUNK``, one ``IN (...)`` each."""
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


@dataclass(frozen=True)
class _Query:
    """The filtered assignments joined to their latest report; columns chosen by the caller."""

    source: sa.FromClause
    latest: sa.Subquery
    carried: sa.ColumnElement[Any]
    where: tuple[sa.ColumnElement[bool], ...]

    def select(self, *columns: Any) -> sa.Select[Any]:
        return sa.select(*columns).select_from(self.source).where(*self.where)


def _query(f: AssignmentFilters, assignment_id: str | None = None) -> _Query:
    """One statement for any filter: no query per assignment, whatever the count."""
    a, r = ASSIGNMENT, STATUS_REPORT
    scope: sa.ColumnElement[bool] | None = None
    if assignment_id is not None:
        scope = r.c.assignment_id == assignment_id
    elif f.org_unit is not None:
        scope = r.c.assignment_id.in_(responsible_for(f.org_unit))
    last = latest(f.window, "latest", scope)
    source = a.outerjoin(last, last.c.assignment_id == a.c.id)
    where: list[sa.ColumnElement[bool]] = []
    condition: sa.ColumnElement[bool] | None = None
    if f.year is not None:
        prev = latest(rules.carry_over_window(f.year, f.window.units), "prev", scope)
        source = source.outerjoin(prev, prev.c.assignment_id == a.c.id)
        condition = carried_over(a, prev, f.year)
        where.append(in_follow_up_year(a, f.year, condition))
    if f.org_unit is not None:
        where.append(a.c.id.in_(responsible_for(f.org_unit)))
    if f.status is not None:
        where.append(last.c.status == f.status)
    if f.area is not None:
        where.append(a.c.area == f.area)
    if f.kind is not None:
        where.append(a.c.kind == f.kind)
    if assignment_id is not None:
        where.append(a.c.id == assignment_id)
    return _Query(source, last, carried_flag(condition), tuple(where))


def _select(f: AssignmentFilters, assignment_id: str | None = None) -> sa.Select[Any]:
    """Assignments with their latest report and carry-over flag, as ``_to_out`` reads them."""
    q = _query(f, assignment_id)
    return q.select(*listed_columns(ASSIGNMENT, q.latest, q.carried))


def units_of(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """Responsible units of many assignments, in as few queries as the ids allow."""
    u = ASSIGNMENT_UNIT
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks(ids):
        rows = session.execute(
            sa.select(u.c.assignment_id, u.c.org_unit).where(u.c.assignment_id.in_(chunk))
        ).all()
        for row in rows:
            found[row.assignment_id].append(row.org_unit)
    return {i: in_reference_order(found.get(i, [])) for i in ids}


def _to_out(row: Any, units: list[str], status_as_of: date | None) -> AssignmentOut:
    return AssignmentOut.model_validate(assignment_fields(row._mapping, units, status_as_of))


def find_assignment(
    session: Session, assignment_id: str, units: frozenset[str] | None = None
) -> AssignmentOut | None:
    """One assignment with its latest status from the reports by (or naming) ``units``
    (None: any unit's); None: no such assignment."""
    filters = AssignmentFilters(window=StatusWindow(units=units))
    row = session.execute(_select(filters, assignment_id)).first()
    if row is None:
        return None
    return _to_out(row, units_of(session, [assignment_id])[assignment_id], None)


def assignment_page(
    session: Session, filters: AssignmentFilters, params: ListParams, feed: ChangeFeed
) -> Slice[AssignmentOut | Tombstone]:
    """One page: the main statement, then the units of the page's assignments in bulk."""
    page = fetch_table_page(
        session,
        _select(filters),
        ASSIGNMENT,
        params=params,
        to_item=lambda row: row,
        key=LISTING_KEY,
        feed=feed,
        resource=ASSIGNMENT_RESOURCE,
    )
    units = units_of(session, [r.id for r in page.items if not isinstance(r, dict)])
    items: list[AssignmentOut | Tombstone] = [
        Tombstone(**r) if isinstance(r, dict) else _to_out(r, units[r.id], filters.window.until)
        for r in page.items
    ]
    return Slice(items, page.next_cursor)


def _flag(col: Any) -> sa.ColumnElement[str]:
    return sa.case((col.is_(None), sa.null()), (col, "true"), else_="false")


def assignments_csv(filters: AssignmentFilters, dialect: str) -> CsvExport:
    """The whole filtered set as one statement (COPY-able), units joined with ';'."""
    a = ASSIGNMENT
    units = joined_units(a, dialect)
    q = _query(filters)
    columns = [
        a.c.id,
        a.c.kind,
        a.c.title,
        a.c.goal,
        a.c.area,
        a.c.section,
        a.c.year_given,
        _flag(a.c.year_given_stated).label("year_given_stated"),
        _flag(a.c.continued).label("continued"),
        a.c.source,
        a.c.lead_org_unit,
        a.c.lead_text,
        units.label("org_units"),
        a.c.deadline,
        a.c.deadline_text,
        a.c.earmarked_amount,
        a.c.earmarked_purpose,
        q.latest.c.status.label("latest_status"),
        q.latest.c.period.label("latest_period"),
        q.latest.c.as_of.label("latest_as_of"),
        q.latest.c.org_unit.label("latest_org_unit"),
        q.latest.c.on_behalf_of.label("latest_on_behalf_of"),
        q.latest.c.explanation.label("latest_explanation"),
        sa.case((q.latest.c.id.is_(None), "false"), else_="true").label("reported"),
        _flag(q.carried).label("carried_over"),
        a.c.version,
        a.c.updated_at,
        a.c.change_seq,
    ]
    header = tuple(c.name for c in columns)
    return CsvExport(q.select(*columns).order_by(a.c[LISTING_KEY]), header)


def find_definition(session: Session, assignment_id: str) -> Definition | None:
    """The stored assignment and its responsible units (None: no such assignment)."""
    a = ASSIGNMENT
    row = session.execute(sa.select(a).where(a.c.id == assignment_id)).first()
    if row is None:
        return None
    units = ResponsibleUnits(
        row.lead_org_unit, row.lead_text, units_of(session, [assignment_id])[assignment_id]
    )
    return Definition(row.id, row.kind, row.title, row.version, units)


def kinds_of(session: Session, ids: Sequence[str]) -> dict[str, Kind]:
    """The kind of each assignment that exists among ``ids``."""
    a = ASSIGNMENT
    kinds: dict[str, Kind] = {}
    for chunk in chunks(ids):
        for row in session.execute(sa.select(a.c.id, a.c.kind).where(a.c.id.in_(chunk))):
            kinds[row.id] = row.kind
    return kinds


def exists(session: Session, assignment_id: str) -> bool:
    a = ASSIGNMENT
    return session.execute(sa.select(a.c.id).where(a.c.id == assignment_id)).first() is not None


def store_is_empty(session: Session) -> bool:
    return session.execute(sa.select(ASSIGNMENT.c.id).limit(1)).first() is None


def insert_assignments(
    session: Session, assignments: list[dict[str, Any]], units: list[dict[str, Any]]
) -> None:
    """Assignment rows (every column) and their ``assignment_unit`` rows, set-based."""
    session.execute(sa.insert(ASSIGNMENT), assignments)
    session.execute(sa.insert(ASSIGNMENT_UNIT), units)


def insert_assignment(
    session: Session,
    assignment_id: str,
    columns: dict[str, Any],
    responsible: ResponsibleUnits,
    seq: int,
    now: datetime,
) -> None:
    """A new assignment, version 1: its definition ``columns`` and responsible units."""
    row = {
        **columns,
        "id": assignment_id,
        "lead_org_unit": responsible.lead_org_unit,
        "lead_text": responsible.lead_text,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "change_seq": seq,
    }
    units = [{"assignment_id": assignment_id, "org_unit": u} for u in responsible.units]
    insert_assignments(session, [row], units)


def update_if_version(
    session: Session,
    assignment_id: str,
    accepted: list[int] | None,
    columns: dict[str, Any],
    seq: int,
    now: datetime,
) -> bool:
    """Set ``columns`` and the next version if the stored version is ``accepted`` (None:
    any); False when it is not.

    The compare-and-set is one ``UPDATE ... WHERE version IN (:accepted)``: a concurrent
    writer that committed first has moved the version on, so this one matches no row."""
    a = ASSIGNMENT
    stmt = sa.update(a).where(a.c.id == assignment_id)
    if accepted is not None:
        stmt = stmt.where(a.c.version.in_(accepted) if accepted else sa.false())
    result = cast(
        CursorResult[Any],
        session.execute(
            stmt.values(**columns, version=a.c.version + 1, updated_at=now, change_seq=seq)
        ),
    )
    return result.rowcount == 1


def replace_units(session: Session, assignment_id: str, units: list[str]) -> None:
    u = ASSIGNMENT_UNIT
    session.execute(sa.delete(u).where(u.c.assignment_id == assignment_id))
    session.execute(sa.insert(u), [{"assignment_id": assignment_id, "org_unit": x} for x in units])


def touch_assignments(session: Session, seqs: dict[str, int], now: datetime) -> None:
    """New change numbers for assignments whose latest status may have changed."""
    a = ASSIGNMENT
    session.execute(
        sa.update(a)
        .where(a.c.id.in_(list(seqs)))
        .values(updated_at=now, change_seq=sa.case(seqs, value=a.c.id))
    )


def delete_assignment(session: Session, assignment_id: str) -> None:
    """The assignment with its units and its reports."""
    r, u, a = STATUS_REPORT, ASSIGNMENT_UNIT, ASSIGNMENT
    session.execute(sa.delete(r).where(r.c.assignment_id == assignment_id))
    session.execute(sa.delete(u).where(u.c.assignment_id == assignment_id))
    session.execute(sa.delete(a).where(a.c.id == assignment_id))
