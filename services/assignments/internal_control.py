"""Internal control (intern kontroll): the use cases, one commit per write.

A committee's risk analysis (``PUT``), its risks, control actions and follow-ups (loads:
JSON or CSV, atomic / partial / dry run, upserted on the ids the rules build, so a load sent
twice changes nothing), deletions leaving tombstones, the lists, and the summary for the
follow-up view and the overview (``internal_control_summary_rules``). Every write first takes the service's writer lock
(``ChangeFeed.lock``) and then reads what it checks against: a risk deleted while a
follow-up load is checked cannot slip in between. The rules are ``internal_control_rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.assignments import internal_control_repository as repo
from services.assignments import internal_control_rules as rules
from services.assignments import internal_control_summary_rules as summary_rules
from services.assignments.assignment_repository import CsvExport
from services.assignments.internal_control_repository import Resource
from services.assignments.internal_control_schemas import (
    ControlFilters,
    InternalControlOut,
    InternalControlOverview,
    RiskActionRow,
    RiskAnalysisIn,
    RiskAnalysisOut,
    RiskFollowupRow,
    RiskRow,
)
from services.assignments.report_repository import LOCKS
from services.assignments.reports import region_today
from services.assignments.writes import Writes
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.errors import NotFound, PreconditionFailed, ProblemError
from shared.etag import check_if_match
from shared.keys import Principal
from shared.locks import Touch
from shared.paging import ListParams, Slice
from shared.store import ChangeFeed, utcnow

#: The ids of a load named in its audit entry (a committee's rows are far fewer).
AUDITED_IDS = 1000
#: Load row → (its errors, its stored form); built per load with what the load looked up.
Check = Callable[[Any], tuple[list[dict[str, Any]], dict[str, Any] | None]]


# ----------------------------------------------------------------------------- analyses


def put_analysis(
    session: Session,
    w: Writes,
    org_unit: str,
    year: int,
    body: RiskAnalysisIn,
    if_match: str | None,
) -> tuple[RiskAnalysisOut, bool]:
    """Records (or replaces) a committee's decision on its risk analysis for a year.
    Returns it and whether it is new; the same decision again changes nothing."""
    w.principal.check_org_unit(org_unit)
    rules.check_committee(org_unit, ["path", "org_unit"])
    w.feed.lock(session)
    try:
        current = repo.analysis(session, org_unit, year)
        check_if_match(
            if_match,
            current.version if current else None,
            subject=f"{org_unit}'s risk analysis for {year}",
        )
    except ProblemError:
        session.rollback()
        raise
    values = body.model_dump()
    if current is not None and values == current.model_dump(include=set(values)):
        session.rollback()
        return current, False
    now, seq = utcnow(), w.feed.allocate(session)
    if current is None:
        id_ = rules.analysis_id(org_unit, year)
        repo.insert_analysis(
            session,
            {"id": id_, "org_unit": org_unit, "year": year, "version": 1, **values}
            | repo.stamp(seq, now),
        )
    else:
        id_ = current.id
        new = {"version": current.version + 1, **values} | repo.stamp(seq, now)
        if not repo.update_analysis(session, id_, current.version, new):  # pragma: no cover
            session.rollback()  # the writer lock makes this unreachable; kept as a guard
            raise PreconditionFailed("The risk analysis changed meanwhile; read it again.")
    w.audit.record(
        session,
        w.principal.key_id,
        "put" if current else "create",
        "risk_analysis",
        id_,
        body.model_dump(mode="json"),
    )
    session.commit()
    out = repo.analysis(session, org_unit, year)
    assert out is not None
    return out, current is None


def get_analysis(session: Session, org_unit: str, year: int) -> RiskAnalysisOut:
    found = repo.analysis(session, org_unit, year)
    if found is None:
        raise NotFound(f"{org_unit} has no risk analysis recorded for {year}.")
    return found


# ----------------------------------------------------------------------------- loads


def _load(
    session: Session,
    w: Writes,
    resource: Resource,
    rows: list[dict[str, Any]],
    model: type[BaseModel],
    check: Callable[[list[tuple[int, Any]]], Check],
    mode: LoadMode,
    dry_run: bool,
) -> LoadReport:
    """Every row checked (403 first for another unit's row), then upserted set-based."""
    rules.check_rows_authorised(w.principal, rows)
    w.feed.lock(session)
    good, rejected = validate_rows(rows, model)
    checker = check(good)
    records: list[dict[str, Any]] = []
    for number, row in good:
        errors, record = checker(row)
        if errors:
            rejected.append(RowError(row=number, errors=errors))
        elif record is not None:
            records.append(record)
    rejected.sort(key=lambda e: e.row)
    if mode is LoadMode.atomic and rejected:
        session.rollback()  # let the next writer in at once
    reject_if_atomic(mode, rejected, len(rows))
    counts = repo.upsert_rows(session, resource, records, w.feed)
    report = LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
        dry_run=dry_run,
    )
    if dry_run or not (counts.inserted or counts.updated):
        session.rollback()
        return report
    w.audit.record(
        session,
        w.principal.key_id,
        "load",
        resource,
        f"{counts.inserted + counts.updated} rows written",
        {
            "mode": mode.value,
            "ids": sorted({r["id"] for r in records})[:AUDITED_IDS],
            **report.model_dump(exclude={"rejected", "dry_run"}),
            "rejected": len(rejected),
        },
    )
    session.commit()
    return report


def load_risks(
    session: Session, w: Writes, rows: list[dict[str, Any]], mode: LoadMode, dry_run: bool
) -> LoadReport:
    def check(_good: list[tuple[int, Any]]) -> Check:
        def one(row: RiskRow) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
            errors = rules.committee_errors(row.org_unit, ["org_unit"])
            return errors, None if errors else rules.risk_record(row)

        return one

    return _load(session, w, "risk", rows, RiskRow, check, mode, dry_run)


def load_actions(
    session: Session, w: Writes, rows: list[dict[str, Any]], mode: LoadMode, dry_run: bool
) -> LoadReport:
    def check(good: list[tuple[int, Any]]) -> Check:
        wanted = {rules.risk_id(r.org_unit, r.year, r.risk) for _, r in good}
        known = repo.existing(session, "risk", wanted)

        def one(row: RiskActionRow) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
            risk = rules.risk_id(row.org_unit, row.year, row.risk)
            errors = rules.action_errors(row, risk in known)
            return errors, None if errors else rules.action_record(row)

        return one

    return _load(session, w, "risk_action", rows, RiskActionRow, check, mode, dry_run)


def load_followups(
    session: Session, w: Writes, rows: list[dict[str, Any]], mode: LoadMode, dry_run: bool
) -> LoadReport:
    today = region_today()

    def check(good: list[tuple[int, Any]]) -> Check:
        subjects = [rules.followup_subject(r) for _, r in good]
        risks = repo.existing(session, "risk", {risk for risk, _ in subjects})
        actions = repo.existing(session, "risk_action", {a for _, a in subjects if a})
        ids = {
            rules.followup_id(a or r, row.period)
            for (r, a), (_, row) in zip(subjects, good, strict=True)
        }
        stored = repo.followup_dates(session, ids)
        locked = _locked_followups(session, w, good, mode)

        def one(row: RiskFollowupRow) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
            if (refused := locked.get(id(row))) is not None:
                return refused, None
            risk, action = rules.followup_subject(row)
            errors = rules.followup_errors(row, risk in risks, action in actions, today)
            if errors:
                return errors, None
            stored_on = stored.get(rules.followup_id(action or risk, row.period))
            return [], rules.followup_record(row, stored_on, today)

        return one

    return _load(session, w, "risk_followup", rows, RiskFollowupRow, check, mode, dry_run)


def _locked_followups(
    session: Session, w: Writes, good: list[tuple[int, Any]], mode: LoadMode
) -> dict[int, list[dict[str, Any]]]:
    """Follow-ups of a decided period (``shared.locks``): 409 for an atomic load; for a
    partial one, the error naming the decision of each such row (by the row's identity)."""
    found: list[RowError] = []
    try:
        LOCKS.guard(session, w.feed).screen(
            good,
            lambda numbered: Touch.of(numbered[1].org_unit, numbered[1].period),
            mode=mode,
            rejected=found,
            numbers=lambda: [number for number, _ in good],
            loc=["period"],
        )
    except ProblemError:
        session.rollback()  # let the next writer in at once
        raise
    errors = {r.row: r.errors for r in found}
    return {id(row): errors[number] for number, row in good if number in errors}


# ----------------------------------------------------------------------------- deletions


def delete(session: Session, w: Writes, resource: Resource, id_: str) -> None:
    """Deletes a risk (with its actions and follow-ups) or an action (with its follow-ups);
    each leaves a tombstone in its own change feed."""
    what = "risk" if resource == "risk" else "control action"
    w.feed.lock(session)
    try:
        org_unit = repo.owner_of(session, resource, id_)
        if org_unit is None:
            raise NotFound(f"No {what} {id_!r}.")
        w.principal.check_org_unit(org_unit)
    except ProblemError:
        session.rollback()
        raise
    counts = repo.delete_with_dependants(session, w.feed, resource, id_)
    w.audit.record(session, w.principal.key_id, "delete", resource, id_, counts)
    session.commit()


# ----------------------------------------------------------------------------- reads


def list_rows(
    session: Session,
    resource: Resource,
    filters: ControlFilters,
    params: ListParams,
    feed: ChangeFeed,
) -> Slice[Any]:
    return repo.page(session, resource, filters, params, feed)


def rows_csv(resource: Resource, filters: ControlFilters) -> CsvExport:
    return repo.csv_export(resource, filters)


def _summaries(
    session: Session, units: list[str], year: int, as_of: date
) -> list[InternalControlOut]:
    """Each unit's summary, from one statement whatever the number of units."""
    rows = repo.year_of_units(session, units, year)
    analyses = {a.org_unit: a for a in rows["risk_analysis"]}
    risks = summary_rules.group_by_unit(rows["risk"])
    actions = summary_rules.group_by_unit(rows["risk_action"])
    followups = summary_rules.group_by_unit(rows["risk_followup"])
    return [
        summary_rules.summarize(
            unit,
            year,
            as_of,
            analyses.get(unit),
            risks.get(unit, []),
            actions.get(unit, []),
            followups.get(unit, []),
        )
        for unit in units
    ]


def summary(
    session: Session,
    principal: Principal,
    org_unit: str | None,
    year: int,
    as_of: date | None,
) -> InternalControlOut | InternalControlOverview:
    """One committee's internal control (``org_unit``), or one line per committee the key
    may read with the count of those without a follow-up this half."""
    day = summary_rules.summary_as_of(year, as_of, region_today())
    if org_unit is not None:
        principal.check_read(org_unit)
        rules.check_committee(org_unit, ["query", "org_unit"])
        return _summaries(session, [org_unit], year, day)[0]
    units = summary_rules.overview_units(principal.readable(None))
    lines = [summary_rules.committee_line(s) for s in _summaries(session, units, year, day)]
    missing = [line.org_unit for line in lines if not line.followed_up_this_half]
    return InternalControlOverview(
        year=year,
        as_of=day,
        half=summary_rules.half_of(day.month),
        committees=lines,
        without_follow_up_this_half=len(missing),
        not_followed_up=missing,
    )
