"""Status reports (statusrapporter): one at a time, in bulk, the history and the lists.

Reports are append-only and each is stored once: its natural key is its assignment, org
unit, period, the date it speaks for (``as_of``) and what it says (see ``rules``). Every
write takes the service's writer lock (``ChangeFeed.lock``) before it reads what is stored,
so two identical loads at the same moment store each report once: the second finds the
first's reports and changes nothing. The unique index on the natural key holds it too.

A report changes its assignment's latest status, so the assignment gets a new change
number. Who may report and what a report must say are in ``rules``; one commit per write.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from services.assignments import assignment_repository, report_repository, rules
from services.assignments.assignment_repository import CsvExport
from services.assignments.definitions import get_definition
from services.assignments.report_repository import REPORT_RESOURCE
from services.assignments.schemas import ReportFilters, ReportIn, ReportOut, ReportRow
from services.assignments.writes import Writes
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.errors import NotFound, ProblemError
from shared.paging import ListParams, Slice, Tombstone
from shared.store import ChangeFeed, utcnow

#: The region's clock: "the day a report is made" is a day in Sweden.
REGION_TIME = ZoneInfo("Europe/Stockholm")


def region_today() -> date:
    return datetime.now(REGION_TIME).date()


def _write(session: Session, w: Writes, plan: rules.ReportPlan) -> int:
    """The plan's inserts and restatements, numbered in its order, and their assignments
    moved in the change feed; returns the first change number."""
    writes = plan.writes
    touched = sorted({p.fact.assignment_id for p in writes})
    first = w.feed.allocate(session, len(writes) + len(touched))
    now = utcnow()
    key_id = w.principal.key_id
    report_repository.insert_reports(
        session,
        [
            report_repository.report_row(p.fact, key_id, first + n, now)
            for n, p in enumerate(writes)
            if p.stored_id is None
        ],
    )
    report_repository.restate_reports(
        session,
        {p.stored_id: first + n for n, p in enumerate(writes) if p.stored_id is not None},
        now,
    )
    base = first + len(writes)
    assignment_repository.touch_assignments(
        session, {aid: base + n for n, aid in enumerate(touched)}, now
    )
    return first


def add_report(
    session: Session, w: Writes, assignment_id: str, body: ReportIn
) -> tuple[ReportOut, bool]:
    """One report by a responsible unit; its assignment moves in the change feed. Returns
    the report and whether it is new (False: the same report was stored already)."""
    today = region_today()
    w.feed.lock(session)
    try:
        current = get_definition(session, assignment_id)
        rules.check_report(
            assignment_id, current.kind, current.responsible.units, w.principal, body, today
        )
    except ProblemError:
        session.rollback()  # let the next writer in at once
        raise
    fact = rules.report_fact(assignment_id, body, today)
    # A decided report locks its periods' status reports (409, rolled back).
    report_repository.LOCKS.check(session, w.feed, report_repository.fact_touches(fact))
    plan = rules.plan_reports([fact], report_repository.stored_reports(session, [assignment_id]))
    if not plan.writes:
        same = report_repository.report_by_key(session, fact)
        session.rollback()
        return same, False
    seq = _write(session, w, plan)
    out = report_repository.reports_by_seq(session, [seq])[0]
    w.audit.record(
        session,
        w.principal.key_id,
        "report" if plan.inserted else "restate_report",
        REPORT_RESOURCE,
        str(out.id),
        {"assignment_id": assignment_id, **body.model_dump(mode="json"), "as_of": str(fact.as_of)},
    )
    session.commit()
    return out, plan.inserted == 1


def report_history(
    session: Session, assignment_id: str, readable: frozenset[str] | None
) -> list[ReportOut]:
    """Every report of an assignment the key may read, newest first."""
    if not assignment_repository.exists(session, assignment_id):
        raise NotFound(f"No assignment {assignment_id!r}.")
    return report_repository.history(session, assignment_id, readable)


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
    if not dry_run:
        w.feed.lock(session)
    ids = sorted({row.assignment_id for _, row in good})
    kinds = assignment_repository.kinds_of(session, ids)
    responsible = assignment_repository.units_of(session, list(kinds))
    today = region_today()
    checked: list[tuple[int, rules.ReportFact]] = []
    for number, row in good:
        kind = kinds.get(row.assignment_id)
        units = responsible.get(row.assignment_id, [])
        errors = rules.report_row_errors(row, kind, units, w.principal, today)
        if errors:
            rejected.append(RowError(row=number, errors=errors))
        else:
            checked.append((number, rules.report_fact(row.assignment_id, row, today)))
    rejected.sort(key=lambda e: e.row)
    # Rows of a decided period: 409 (atomic) or rejected naming the decision (partial).
    guard = report_repository.LOCKS.guard(session, None if dry_run else w.feed)
    try:
        checked = guard.screen(
            checked,
            lambda numbered: report_repository.fact_touches(numbered[1]),
            mode=mode,
            rejected=rejected,
            numbers=lambda: [number for number, _ in checked],
            loc=["period"],
        )
    except ProblemError:
        session.rollback()  # let the next writer in at once
        raise
    facts = [fact for _, fact in checked]
    if mode is LoadMode.atomic and rejected:
        session.rollback()  # let the next writer in at once
    reject_if_atomic(mode, rejected, len(rows))
    plan = rules.plan_reports(facts, report_repository.stored_reports(session, list(kinds)))
    report = LoadReport(
        inserted=plan.inserted,
        updated=plan.restated,
        unchanged=plan.unchanged,
        rejected=rejected,
        dry_run=dry_run,
    )
    if dry_run or not plan.writes:
        session.rollback()
        return report
    _write(session, w, plan)
    w.audit.record(
        session,
        w.principal.key_id,
        "bulk_report",
        REPORT_RESOURCE,
        f"{len(plan.writes)} reports",
        {
            "mode": mode.value,
            "rows": [
                {
                    "assignment_id": p.fact.assignment_id,
                    "org_unit": p.fact.org_unit,
                    "period": str(p.fact.period),
                    "as_of": p.fact.as_of.isoformat(),
                    "status": p.fact.status,
                    "said_again": p.stored_id is not None,
                }
                for p in plan.writes
            ],
        },
    )
    session.commit()
    return report
