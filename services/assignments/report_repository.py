"""The repository of status reports: writing them, the history, the lists and the CSV.

The other half of the service's repository (see ``assignment_repository``, which also
reads the reports for an assignment's latest status and deletes them with it). A period is
stored as its canonical text with its year and months, so the latest status can be ranked
by the period's last month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.assignments.assignment_repository import CsvExport, chunks
from services.assignments.models import STATUS_REPORT
from services.assignments.rules import ReportContent, ReportKey
from services.assignments.schemas import ReportFilters, ReportIn, ReportOut
from shared.paging import ListParams, Slice, Tombstone, fetch_table_page
from shared.store import ChangeFeed

#: The resource name in the change feed (tombstones) and the audit trail.
REPORT_RESOURCE = "report"
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
)


def report_row(
    assignment_id: str, report: ReportIn, key_id: str, seq: int, now: datetime
) -> dict[str, Any]:
    """A ``status_report`` row: the report, who sent it (key id) and its change number."""
    return {
        "assignment_id": assignment_id,
        "org_unit": report.org_unit,
        "period": str(report.period),
        "period_year": report.period.year,
        "period_first_month": report.period.first_month,
        "period_last_month": report.period.last_month,
        "status": report.status,
        "explanation": report.explanation,
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
        status=row["status"],
        explanation=row["explanation"],
        reported_at=row["created_at"],
        updated_at=row["updated_at"],
        change_seq=row["change_seq"],
    )


def insert_report(session: Session, row: dict[str, Any]) -> ReportOut:
    """One report (a row from ``report_row``), as the client reads it back."""
    r = STATUS_REPORT
    report_id = session.execute(sa.insert(r).values(**row).returning(r.c.id)).scalar_one()
    return _report_out({**row, "id": report_id})


def insert_reports(session: Session, rows: list[dict[str, Any]]) -> None:
    """Many reports (rows from ``report_row``), set-based."""
    if rows:
        session.execute(sa.insert(STATUS_REPORT), rows)


def history(session: Session, assignment_id: str) -> list[ReportOut]:
    """Every report of an assignment, newest first (latest period, then latest report)."""
    r = STATUS_REPORT
    rows = session.execute(
        sa.select(r)
        .where(r.c.assignment_id == assignment_id)
        .order_by(r.c.period_year.desc(), r.c.period_last_month.desc(), r.c.change_seq.desc())
    ).all()
    return [_report_out(row._mapping) for row in rows]


def ids_of_assignment(session: Session, assignment_id: str) -> list[str]:
    """The ids of an assignment's reports, in the order they were made."""
    r = STATUS_REPORT
    ids = session.execute(
        sa.select(r.c.id).where(r.c.assignment_id == assignment_id).order_by(r.c.id)
    ).scalars()
    return [str(i) for i in ids]


def latest_by_key(
    session: Session, assignment_ids: Sequence[str]
) -> dict[ReportKey, ReportContent]:
    """The last report (by change number) of each assignment, org unit and period."""
    r = STATUS_REPORT
    last: dict[ReportKey, ReportContent] = {}
    for chunk in chunks(assignment_ids):
        for rep in session.execute(
            sa.select(r.c.assignment_id, r.c.org_unit, r.c.period, r.c.status, r.c.explanation)
            .where(r.c.assignment_id.in_(chunk))
            .order_by(r.c.change_seq)
        ):
            last[(rep.assignment_id, rep.org_unit, rep.period)] = (rep.status, rep.explanation)
    return last


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
