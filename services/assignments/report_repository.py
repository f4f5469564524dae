"""The repository of status reports: writing them, the history, the lists and the CSV.

The other half of the service's repository (see ``assignment_repository``, which also
reads the reports for an assignment's latest status and deletes them with it). A period is
stored as its canonical text with its year and months, so the latest status can be ranked
by the period's last month; the ranking itself is ``status_repository``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.assignments.assignment_repository import CsvExport, chunks
from services.assignments.models import STATUS_REPORT
from services.assignments.rules import ReportFact, StoredReport
from services.assignments.schemas import ReportFilters, ReportOut
from services.assignments.status_repository import (
    join_named,
    newest_first,
    speaks_for,
    split_named,
)
from shared.locks import PeriodLocks, Touch
from shared.paging import ListParams, Slice, Tombstone, fetch_table_page
from shared.store import ChangeFeed

#: The resource name in the change feed (tombstones) and the audit trail.
REPORT_RESOURCE = "report"
#: The period locks of decided reports (``shared.locks``), in this service's schema.
LOCKS = PeriodLocks.of(STATUS_REPORT.metadata)
_COLUMNS = (
    "id",
    "assignment_id",
    "org_unit",
    "period",
    "status",
    "explanation",
    "created_at",
    "updated_at",
    "change_seq",
    "as_of",
    "on_behalf_of",
)


def report_row(fact: ReportFact, key_id: str, seq: int, now: datetime) -> dict[str, Any]:
    """A ``status_report`` row: the report, who sent it (key id) and its change number."""
    return {
        "assignment_id": fact.assignment_id,
        "org_unit": fact.org_unit,
        "period": str(fact.period),
        "period_year": fact.period.year,
        "period_first_month": fact.period.first_month,
        "period_last_month": fact.period.last_month,
        "status": fact.status,
        "explanation": fact.explanation,
        "as_of": fact.as_of,
        "on_behalf_of": join_named(fact.on_behalf_of),
        "content_key": fact.natural_key[4],
        "key_id": key_id,
        "created_at": now,
        "updated_at": now,
        "change_seq": seq,
    }


def _report_out(row: Mapping[Any, Any]) -> ReportOut:
    return ReportOut(
        id=row["id"],
        assignment_id=row["assignment_id"],
        org_unit=row["org_unit"],
        period=row["period"],
        as_of=row["as_of"],
        on_behalf_of=split_named(row["on_behalf_of"]),
        status=row["status"],
        explanation=row["explanation"],
        reported_at=row["created_at"],
        updated_at=row["updated_at"],
        change_seq=row["change_seq"],
    )


def insert_reports(session: Session, rows: list[dict[str, Any]]) -> None:
    """Many reports (rows from ``report_row``), set-based."""
    if rows:
        session.execute(sa.insert(STATUS_REPORT), rows)


def restate_reports(session: Session, seqs: dict[int, int], now: datetime) -> None:
    """Stored reports said again: each gets its new change number (one statement)."""
    if seqs:
        r = STATUS_REPORT
        session.execute(
            sa.update(r)
            .where(r.c.id.in_(list(seqs)))
            .values(updated_at=now, change_seq=sa.case(seqs, value=r.c.id))
        )


def reports_by_seq(session: Session, seqs: Sequence[int]) -> list[ReportOut]:
    """The reports with these change numbers, as the client reads them back."""
    r = STATUS_REPORT
    rows = session.execute(
        sa.select(*[r.c[c] for c in _COLUMNS]).where(r.c.change_seq.in_(list(seqs)))
    ).all()
    return [_report_out(row._mapping) for row in rows]


def report_by_key(session: Session, fact: ReportFact) -> ReportOut:
    """The stored report under ``fact``'s natural key."""
    r = STATUS_REPORT
    assignment_id, org_unit, period, as_of, content = fact.natural_key
    row = session.execute(
        sa.select(*[r.c[c] for c in _COLUMNS]).where(
            r.c.assignment_id == assignment_id,
            r.c.org_unit == org_unit,
            r.c.period == period,
            r.c.as_of == as_of,
            r.c.content_key == content,
        )
    ).one()
    return _report_out(row._mapping)


def history(
    session: Session, assignment_id: str, readable: frozenset[str] | None = None
) -> list[ReportOut]:
    """Every report of an assignment by (or naming) ``readable`` units (None: all), newest
    first: latest date, then latest period, then latest report."""
    r = STATUS_REPORT
    stmt = sa.select(*[r.c[c] for c in _COLUMNS]).where(r.c.assignment_id == assignment_id)
    if readable is not None:
        stmt = stmt.where(speaks_for(readable))
    rows = session.execute(stmt.order_by(*newest_first())).all()
    return [_report_out(row._mapping) for row in rows]


def ids_of_assignment(session: Session, assignment_id: str) -> list[str]:
    """The ids of an assignment's reports, in the order they were made."""
    r = STATUS_REPORT
    ids = session.execute(
        sa.select(r.c.id).where(r.c.assignment_id == assignment_id).order_by(r.c.id)
    ).scalars()
    return [str(i) for i in ids]


def stored_reports(session: Session, assignment_ids: Sequence[str]) -> list[StoredReport]:
    """The natural key and change number of every report of these assignments."""
    r = STATUS_REPORT
    found: list[StoredReport] = []
    for chunk in chunks(assignment_ids):
        for rep in session.execute(
            sa.select(
                r.c.id,
                r.c.assignment_id,
                r.c.org_unit,
                r.c.period,
                r.c.as_of,
                r.c.content_key,
                r.c.change_seq,
            ).where(r.c.assignment_id.in_(chunk))
        ):
            key = (rep.assignment_id, rep.org_unit, rep.period, rep.as_of, rep.content_key)
            found.append(StoredReport(rep.id, key, rep.change_seq))
    return found


def _select(f: ReportFilters) -> sa.Select[Any]:
    r = STATUS_REPORT
    stmt = sa.select(*[r.c[c] for c in _COLUMNS])
    if f.org_unit is not None:
        stmt = stmt.where(r.c.org_unit == f.org_unit)
    if f.period is not None:
        stmt = stmt.where(r.c.period == str(f.period))
    if f.assignment_id is not None:
        stmt = stmt.where(r.c.assignment_id == f.assignment_id)
    if f.status is not None:
        stmt = stmt.where(r.c.status == f.status)
    if f.readable is not None:
        stmt = stmt.where(speaks_for(f.readable))
    return stmt


def report_page(
    session: Session, filters: ReportFilters, params: ListParams, feed: ChangeFeed
) -> Slice[ReportOut | Tombstone]:
    page = fetch_table_page(
        session,
        _select(filters),
        STATUS_REPORT,
        params=params,
        to_item=lambda row: _report_out(row._mapping),
        feed=feed,
        resource=REPORT_RESOURCE,
    )
    items: list[ReportOut | Tombstone] = [
        Tombstone(**i) if isinstance(i, dict) else i for i in page.items
    ]
    return Slice(items, page.next_cursor)


def reports_csv(filters: ReportFilters) -> CsvExport:
    """The whole filtered set as one statement, in the order the reports were made."""
    stmt = _select(filters)
    labelled = [
        c.label("reported_at") if c.name == "created_at" else c for c in stmt.selected_columns
    ]
    header = tuple("reported_at" if c == "created_at" else c for c in _COLUMNS)
    return CsvExport(stmt.with_only_columns(*labelled).order_by(STATUS_REPORT.c.id), header)


def fact_touches(fact: ReportFact) -> tuple[Touch, ...]:
    """What a report changes: its period of its unit and of each unit it names."""
    return tuple(Touch.of(u, fact.period) for u in (fact.org_unit, *fact.on_behalf_of))


def touches_of_assignment(session: Session, assignment_id: str) -> list[Touch]:
    """The periods of the units an assignment's stored reports speak for (its deletion
    deletes them), each once."""
    r = STATUS_REPORT
    stmt = (
        sa.select(
            r.c.org_unit,
            r.c.on_behalf_of,
            r.c.period_year,
            r.c.period_first_month,
            r.c.period_last_month,
        )
        .where(r.c.assignment_id == assignment_id)
        .distinct()
    )
    return sorted(
        {
            Touch(unit, row.period_year, row.period_first_month, row.period_last_month)
            for row in session.execute(stmt)
            for unit in (row.org_unit, *split_named(row.on_behalf_of))
        }
    )
