"""Status reports (statusrapporter): one at a time, in bulk, the history and the lists.

Reports are append-only: a second report for the same unit and period is a new entry,
and the latest one wins (see ``assignment_repository`` for the latest status). A report
changes its assignment's latest status, so the assignment gets a new change number too.
Who may report and what a report must say are in ``rules``; one commit per operation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.assignments import assignment_repository, report_repository, rules
from services.assignments.assignment_repository import CsvExport
from services.assignments.definitions import get_definition
from services.assignments.report_repository import REPORT_RESOURCE
from services.assignments.schemas import ReportFilters, ReportIn, ReportOut, ReportRow
from services.assignments.writes import Writes
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.errors import NotFound
from shared.paging import ListParams, Slice, Tombstone
from shared.store import ChangeFeed, utcnow


def add_report(session: Session, w: Writes, assignment_id: str, body: ReportIn) -> ReportOut:
    """One report by a responsible unit; its assignment moves in the change feed."""
    current = get_definition(session, assignment_id)
    rules.check_report(assignment_id, current.kind, current.responsible.units, w.principal, body)
    seq = w.feed.allocate(session, 2)
    now = utcnow()
    row = report_repository.report_row(assignment_id, body, w.principal.key_id, seq, now)
    out = report_repository.insert_report(session, row)
    assignment_repository.touch_assignments(session, {assignment_id: seq + 1}, now)
    w.audit.record(
        session,
        w.principal.key_id,
        "report",
        REPORT_RESOURCE,
        str(out.id),
        {"assignment_id": assignment_id, **body.model_dump(mode="json")},
    )
    session.commit()
    return out


def report_history(session: Session, assignment_id: str) -> list[ReportOut]:
    """Every report of an assignment, newest first (latest period, then latest report)."""
    if not assignment_repository.exists(session, assignment_id):
        raise NotFound(f"No assignment {assignment_id!r}.")
    return report_repository.history(session, assignment_id)


def list_reports(
    session: Session, filters: ReportFilters, params: ListParams, feed: ChangeFeed
) -> Slice[ReportOut | Tombstone]:
    """A page in id order, or in change order with the deleted ones as tombstones."""
    return report_repository.report_page(session, filters, params, feed)


def reports_csv(filters: ReportFilters) -> CsvExport:
    """The whole filtered list, unpaged, to stream as CSV."""
    return report_repository.reports_csv(filters)


def load_reports(
    session: Session,
    w: Writes,
    rows: list[dict[str, Any]],
    mode: LoadMode,
    dry_run: bool,
) -> LoadReport:
    """A bulk report load: every row checked like a single report, written set-based."""
    good, rejected = validate_rows(rows, ReportRow)
    ids = sorted({row.assignment_id for _, row in good})
    kinds = assignment_repository.kinds_of(session, ids)
    responsible = assignment_repository.units_of(session, list(kinds))
    checked: list[ReportRow] = []
    for number, row in good:
        kind = kinds.get(row.assignment_id)
        units = responsible.get(row.assignment_id, [])
        errors = rules.report_row_errors(row, kind, units, w.principal)
        if errors:
            rejected.append(RowError(row=number, errors=errors))
        else:
            checked.append(row)
    rejected.sort(key=lambda e: e.row)
    reject_if_atomic(mode, rejected, len(rows))
    latest = report_repository.latest_by_key(session, list(kinds))
    accepted, unchanged = rules.new_reports(checked, latest)
    report = LoadReport(
        inserted=len(accepted), unchanged=unchanged, rejected=rejected, dry_run=dry_run
    )
    if dry_run or not accepted:
        session.rollback()
        return report

    touched = sorted({row.assignment_id for row in accepted})
    first = w.feed.allocate(session, len(accepted) + len(touched))
    now = utcnow()
    key_id = w.principal.key_id
    report_repository.insert_reports(
        session,
        [
            report_repository.report_row(row.assignment_id, row, key_id, first + n, now)
            for n, row in enumerate(accepted)
        ],
    )
    base = first + len(accepted)
    assignment_repository.touch_assignments(
        session, {aid: base + n for n, aid in enumerate(touched)}, now
    )
    w.audit.record(
        session,
        key_id,
        "bulk_report",
        REPORT_RESOURCE,
        f"{len(accepted)} reports",
        {
            "mode": mode.value,
            "rows": [
                {
                    "assignment_id": row.assignment_id,
                    "org_unit": row.org_unit,
                    "period": str(row.period),
                    "status": row.status,
                }
                for row in accepted
            ],
        },
    )
    session.commit()
    return report
