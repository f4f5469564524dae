"""Domain rules of the assignments service: plain functions, no HTTP, one commit per write.

Decisions (also in the OpenAPI descriptions):

- **Group tokens.** ``ALL_HOSPITAL_BOARDS`` ("Samtliga sjukhusstyrelser") expands to the eight
  hospital boards, ``ALL_COMMITTEES`` to every nämnd and styrelse (boards included, not
  ``REGION``). The expanded units are stored; the token is not. When the *lead* is a group,
  ``lead_org_unit`` is null and ``lead_text`` keeps the group's name: no single unit leads,
  and picking one would invent a fact the source does not state.
- **Lead and the other units.** ``org_units`` in answers is every responsible unit, the lead
  included; a create or patch adds the lead (expanded) to the units sent.
- **Latest status.** From the report history: the report for the latest period (by the
  period's last month), then the latest report (``change_seq``). With ``?year=Y`` the status is
  as of the end of Y (reports for later periods are ignored), so a list for 2024 shows 2024's state.
- **Carry-over.** ``?year=Y`` lists assignments given in Y plus those given earlier whose latest
  status at the end of Y-1 is not finished (``klart``; ``green`` for a milestone) or that have
  no report, with ``carried_over`` true for the latter.
- **ETag / If-Match.** The ETag is the assignment's definition ``version``; reports do not change
  it. PATCH without ``If-Match`` is refused with 428 (a blind overwrite is never what an editor
  means); ``*`` matches any version. DELETE honours ``If-Match`` when sent.
- **Bulk reports** are append-only too; a row identical (status and explanation) to the latest
  report of its assignment, org unit and period is counted ``unchanged`` and not written again,
  so loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from starlette.requests import Request

from services.assignments.models import ASSIGNMENT, ASSIGNMENT_UNIT, STATUS_REPORT
from services.assignments.schemas import (
    ASSIGNMENT_STATUSES,
    MILESTONE_STATUSES,
    AssignmentCreate,
    AssignmentOut,
    AssignmentPatch,
    Earmarked,
    LatestReport,
    ReportIn,
    ReportOut,
    ReportRow,
)
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ProblemError,
    field_error,
)
from shared.etag import check_if_match, if_match_versions
from shared.keys import Principal
from shared.paging import ListParams, Tombstone, paginate_table
from shared.periods import Period
from shared.reference import check_org_unit, committees, goal_names, hospital_boards, org_units
from shared.store import AuditTrail, ChangeFeed, utcnow

RESOURCE = "assignment"
REPORT_RESOURCE = "report"
STATUSES: dict[str, tuple[str, ...]] = {
    "assignment": ASSIGNMENT_STATUSES,
    "milestone": MILESTONE_STATUSES,
}
#: A report with one of these statuses finishes the assignment (no carry-over).
DONE_STATUSES = ("klart", "green")
TOKEN_TEXT = {
    "ALL_HOSPITAL_BOARDS": "Samtliga sjukhusstyrelser",
    "ALL_COMMITTEES": "Samtliga styrelser och nämnder",
}
#: Chunk size for ``IN (...)`` look-ups, well under every driver's parameter limit.
IN_CHUNK = 5_000


class PreconditionRequired(ProblemError):
    """A replacing write came without ``If-Match``."""

    status, title, type_suffix = 428, "Precondition Required", "precondition-required"


@dataclass(frozen=True)
class Writes:
    """What every write needs: the caller, the change feed and the audit trail."""

    principal: Principal
    feed: ChangeFeed
    audit: AuditTrail


# --------------------------------------------------------------------------- org units


def expand_unit(code: str) -> list[str]:
    """A code, or a group token expanded to its units."""
    if code == "ALL_HOSPITAL_BOARDS":
        return hospital_boards()
    if code == "ALL_COMMITTEES":
        return committees()
    return [code]


def _check_unit(code: str, loc: list[str | int]) -> None:
    if code not in TOKEN_TEXT:
        check_org_unit(code, loc)


def _ordered(units: Iterable[str]) -> list[str]:
    order = {code: n for n, code in enumerate(org_units())}
    return sorted(set(units), key=lambda u: order.get(u, len(order)))


def resolve_units(lead: str, others: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """(lead_org_unit, lead_text, every responsible unit) from what a client sent."""
    _check_unit(lead, ["body", "lead_org_unit"])
    for n, unit in enumerate(others):
        _check_unit(unit, ["body", "org_units", n])
    units = [u for code in (lead, *others) for u in expand_unit(code)]
    if lead in TOKEN_TEXT:
        return None, TOKEN_TEXT[lead], _ordered(units)
    return lead, None, _ordered(units)


def _check_goal(goal: str | None) -> None:
    if goal is not None and goal not in goal_names():
        raise InvalidInput(
            f"Unknown goal {goal!r}; use one of the five övergripande mål.",
            errors=[field_error(["body", "goal"], f"not one of: {'; '.join(goal_names())}")],
        )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AssignmentFilters:
    org_unit: str | None = None
    year: int | None = None
    status: str | None = None
    area: str | None = None
    kind: str | None = None
    id: str | None = None

    def check(self) -> None:
        if self.org_unit is not None:
            check_org_unit(self.org_unit, ["query", "org_unit"])


def _latest(
    as_of_year: int | None, name: str, scope: sa.ColumnElement[bool] | None = None
) -> sa.Subquery:
    """The latest report per assignment (latest period, then latest report).

    ``scope`` (on ``status_report``) narrows the ranking to the assignments asked for.
    """
    r = STATUS_REPORT
    rank = sa.func.row_number().over(
        partition_by=r.c.assignment_id,
        order_by=(r.c.period_year.desc(), r.c.period_last_month.desc(), r.c.change_seq.desc()),
    )
    ranked = sa.select(
        r.c.assignment_id,
        r.c.id,
        r.c.org_unit,
        r.c.period,
        r.c.status,
        r.c.explanation,
        r.c.created_at,
        rank.label("rn"),
    )
    if as_of_year is not None:
        ranked = ranked.where(r.c.period_year <= as_of_year)
    if scope is not None:
        ranked = ranked.where(scope)
    sub = ranked.subquery(f"{name}_ranked")
    return sa.select(sub).where(sub.c.rn == 1).subquery(name)


def _carried(year: int, prev: sa.Subquery) -> sa.ColumnElement[bool]:
    a = ASSIGNMENT
    return sa.and_(
        a.c.year_given < year,
        sa.or_(prev.c.status.is_(None), prev.c.status.not_in(DONE_STATUSES)),
    )


@dataclass(frozen=True)
class _Query:
    """The filtered assignments joined to their latest report; columns chosen by the caller."""

    source: sa.FromClause
    latest: sa.Subquery
    carried: sa.ColumnElement[Any]
    where: tuple[sa.ColumnElement[bool], ...]

    def select(self, *columns: Any) -> sa.Select[Any]:
        return sa.select(*columns).select_from(self.source).where(*self.where)


def _query(f: AssignmentFilters) -> _Query:
    """One statement for any filter: no query per assignment, whatever the count."""
    a, u, r = ASSIGNMENT, ASSIGNMENT_UNIT, STATUS_REPORT
    scope: sa.ColumnElement[bool] | None = None
    if f.id is not None:
        scope = r.c.assignment_id == f.id
    elif f.org_unit is not None:
        scope = r.c.assignment_id.in_(
            sa.select(u.c.assignment_id).where(u.c.org_unit == f.org_unit)
        )
    latest = _latest(f.year, "latest", scope)
    source = a.outerjoin(latest, latest.c.assignment_id == a.c.id)
    where: list[sa.ColumnElement[bool]] = []
    carried: sa.ColumnElement[Any] = sa.null()
    if f.year is not None:
        prev = _latest(f.year - 1, "prev", scope)
        source = source.outerjoin(prev, prev.c.assignment_id == a.c.id)
        condition = _carried(f.year, prev)
        carried = sa.case((condition, sa.true()), else_=sa.false())
        where.append(sa.or_(a.c.year_given == f.year, condition))
    if f.org_unit is not None:
        where.append(a.c.id.in_(sa.select(u.c.assignment_id).where(u.c.org_unit == f.org_unit)))
    if f.status is not None:
        where.append(latest.c.status == f.status)
    if f.area is not None:
        where.append(a.c.area == f.area)
    if f.kind is not None:
        where.append(a.c.kind == f.kind)
    if f.id is not None:
        where.append(a.c.id == f.id)
    return _Query(source, latest, carried, tuple(where))


def _select(f: AssignmentFilters) -> sa.Select[Any]:
    """Assignments with their latest report and carry-over flag, as ``_to_out`` reads them."""
    q = _query(f)
    return q.select(
        *ASSIGNMENT.c,
        q.latest.c.id.label("lr_id"),
        q.latest.c.org_unit.label("lr_org_unit"),
        q.latest.c.period.label("lr_period"),
        q.latest.c.status.label("latest_status"),
        q.latest.c.explanation.label("lr_explanation"),
        q.latest.c.created_at.label("lr_reported_at"),
        q.carried.label("carried_over"),
    )


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def _units_of(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """Responsible units of many assignments, in as few queries as the ids allow."""
    u = ASSIGNMENT_UNIT
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(u.c.assignment_id, u.c.org_unit).where(u.c.assignment_id.in_(chunk))
        ).all()
        for row in rows:
            found[row.assignment_id].append(row.org_unit)
    return {i: _ordered(found.get(i, [])) for i in ids}


def aware(value: datetime) -> datetime:
    """Times as UTC with an offset (SQLite hands them back naive, in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _utc_params(params: ListParams) -> ListParams:
    """``updated_since`` in UTC, the zone the store keeps (SQLite compares the text)."""
    if params.updated_since is None:
        return params
    return replace(params, updated_since=params.updated_since.astimezone(UTC))


def _tombstone(row: dict[str, Any]) -> Tombstone:
    return Tombstone(**{**row, "updated_at": aware(row["updated_at"])})


def _to_out(row: Any, units: list[str]) -> AssignmentOut:
    m = row._mapping
    earmarked = (
        Earmarked(amount=int(m["earmarked_amount"]), purpose=m["earmarked_purpose"] or "")
        if m["earmarked_amount"] is not None
        else None
    )
    latest = (
        LatestReport(
            id=m["lr_id"],
            org_unit=m["lr_org_unit"],
            period=m["lr_period"],
            status=m["latest_status"],
            explanation=m["lr_explanation"],
            reported_at=aware(m["lr_reported_at"]),
        )
        if m["lr_id"] is not None
        else None
    )
    carried = m["carried_over"]
    return AssignmentOut(
        id=m["id"],
        kind=m["kind"],
        title=m["title"],
        goal=m["goal"],
        area=m["area"],
        section=m["section"],
        year_given=m["year_given"],
        year_given_stated=bool(m["year_given_stated"]),
        continued=bool(m["continued"]),
        source=m["source"],
        lead_org_unit=m["lead_org_unit"],
        lead_text=m["lead_text"],
        org_units=units,
        deadline=m["deadline"],
        deadline_text=m["deadline_text"],
        earmarked=earmarked,
        latest_status=m["latest_status"],
        latest_report=latest,
        carried_over=None if carried is None else bool(carried),
        version=m["version"],
        created_at=aware(m["created_at"]),
        updated_at=aware(m["updated_at"]),
        change_seq=m["change_seq"],
    )


def get_assignment(session: Session, assignment_id: str) -> AssignmentOut:
    row = session.execute(_select(AssignmentFilters(id=assignment_id))).first()
    if row is None:
        raise NotFound(f"No assignment {assignment_id!r}.")
    return _to_out(row, _units_of(session, [assignment_id])[assignment_id])


def list_assignments(
    session: Session,
    filters: AssignmentFilters,
    params: ListParams,
    request: Request,
    feed: ChangeFeed,
) -> dict[str, Any]:
    """One page: the main statement, then the units of the page's assignments in bulk."""
    filters.check()
    a = ASSIGNMENT
    page = paginate_table(
        session,
        _select(filters),
        a,
        params=_utc_params(params),
        request=request,
        to_item=lambda row: row,
        feed=feed,
        resource=RESOURCE,
    )
    rows = [r for r in page["items"] if not isinstance(r, dict)]
    units = _units_of(session, [r.id for r in rows])
    page["items"] = [
        _tombstone(r) if isinstance(r, dict) else _to_out(r, units[r.id]) for r in page["items"]
    ]
    return page


def _flag(col: Any) -> sa.ColumnElement[str]:
    return sa.case((col.is_(None), sa.null()), (col, "true"), else_="false")


ASSIGNMENT_CSV_HEADER = (
    "id",
    "kind",
    "title",
    "goal",
    "area",
    "section",
    "year_given",
    "year_given_stated",
    "continued",
    "source",
    "lead_org_unit",
    "lead_text",
    "org_units",
    "deadline",
    "deadline_text",
    "earmarked_amount",
    "earmarked_purpose",
    "latest_status",
    "latest_period",
    "latest_org_unit",
    "latest_explanation",
    "carried_over",
    "version",
    "updated_at",
    "change_seq",
)


def assignments_csv(filters: AssignmentFilters, dialect: str) -> sa.Select[Any]:
    """The whole filtered set as one statement (COPY-able), units joined with ';'."""
    filters.check()
    a, u = ASSIGNMENT, ASSIGNMENT_UNIT
    if dialect == "postgresql":
        agg: Any = sa.func.string_agg(u.c.org_unit, sa.literal_column("';'"))
    else:
        agg = sa.func.group_concat(u.c.org_unit, ";")
    units = sa.select(agg).where(u.c.assignment_id == a.c.id).scalar_subquery()
    q = _query(filters)
    return q.select(
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
        q.latest.c.org_unit.label("latest_org_unit"),
        q.latest.c.explanation.label("latest_explanation"),
        _flag(q.carried).label("carried_over"),
        a.c.version,
        a.c.updated_at,
        a.c.change_seq,
    ).order_by(a.c.id)


# --------------------------------------------------------------------------- writing


def _check_may_touch(principal: Principal, units: Iterable[str]) -> None:
    for unit in units:
        principal.check_org_unit(unit)


def _earmarked_values(earmarked: Earmarked | None) -> dict[str, Any]:
    return {
        "earmarked_amount": earmarked.amount if earmarked else None,
        "earmarked_purpose": earmarked.purpose if earmarked else None,
    }


def create_assignment(session: Session, w: Writes, body: AssignmentCreate) -> AssignmentOut:
    _check_goal(body.goal)
    lead, lead_text, units = resolve_units(body.lead_org_unit, body.org_units)
    _check_may_touch(w.principal, units)
    seq = w.feed.allocate(session, 1)
    assignment_id = f"A-{seq}"
    now = utcnow()
    session.execute(
        sa.insert(ASSIGNMENT).values(
            id=assignment_id,
            kind=body.kind,
            title=body.title,
            goal=body.goal,
            area=body.area,
            section=body.section,
            year_given=body.year_given,
            year_given_stated=True,
            continued=False,
            source=body.source,
            lead_org_unit=lead,
            lead_text=lead_text,
            deadline=body.deadline,
            deadline_text=body.deadline_text,
            **_earmarked_values(body.earmarked),
            version=1,
            created_at=now,
            updated_at=now,
            change_seq=seq,
        )
    )
    session.execute(
        sa.insert(ASSIGNMENT_UNIT), [{"assignment_id": assignment_id, "org_unit": u} for u in units]
    )
    w.audit.record(
        session,
        w.principal.key_id,
        "create",
        RESOURCE,
        assignment_id,
        body.model_dump(mode="json"),
    )
    session.commit()
    return get_assignment(session, assignment_id)


def _accepted_versions(if_match: str | None) -> list[int] | None:
    """The versions a required ``If-Match`` accepts (None for ``*``); 428 without one."""
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the assignment you read (or '*' to overwrite).",
            errors=[field_error(["header", "If-Match"], "required")],
        )
    return if_match_versions(if_match)


def _current(session: Session, assignment_id: str) -> Any:
    a = ASSIGNMENT
    row = session.execute(sa.select(a).where(a.c.id == assignment_id)).first()
    if row is None:
        raise NotFound(f"No assignment {assignment_id!r}.")
    return row


_REQUIRED = ("title", "year_given", "lead_org_unit", "org_units")


def patch_assignment(
    session: Session,
    w: Writes,
    assignment_id: str,
    if_match: str | None,
    body: AssignmentPatch,
) -> AssignmentOut:
    accepted = _accepted_versions(if_match)
    current = _current(session, assignment_id)
    changes = body.model_dump(exclude_unset=True)
    nulls = [f for f in _REQUIRED if f in changes and changes[f] is None]
    if nulls:
        raise InvalidInput(
            f"{', '.join(nulls)} cannot be null.",
            errors=[field_error(["body", f], "may not be null") for f in nulls],
        )
    if "goal" in changes:
        _check_goal(body.goal)
    old_units = _units_of(session, [assignment_id])[assignment_id]
    values: dict[str, Any] = {
        k: v for k, v in changes.items() if k not in ("lead_org_unit", "org_units", "earmarked")
    }
    if "earmarked" in changes:
        values.update(_earmarked_values(body.earmarked))
    if "year_given" in changes:
        values["year_given_stated"] = True
    new_units = old_units
    if "lead_org_unit" in changes or "org_units" in changes:
        lead_code = body.lead_org_unit or current.lead_org_unit
        if lead_code is None:  # the lead stays a group: keep the group's token
            lead_code = next(t for t, text in TOKEN_TEXT.items() if text == current.lead_text)
        others = body.org_units if body.org_units is not None else old_units
        lead, lead_text, new_units = resolve_units(lead_code, others)
        values.update(lead_org_unit=lead, lead_text=lead_text)
    _check_may_touch(w.principal, {*old_units, *new_units})

    seq = w.feed.allocate(session, 1)
    a = ASSIGNMENT
    stmt = sa.update(a).where(a.c.id == assignment_id)
    if accepted is not None:
        stmt = stmt.where(a.c.version.in_(accepted) if accepted else sa.false())
    # The compare-and-set: one UPDATE ... WHERE version = :expected; a concurrent writer
    # that committed first has moved the version on, so this one matches no row.
    result = cast(
        CursorResult[Any],
        session.execute(
            stmt.values(**values, version=a.c.version + 1, updated_at=utcnow(), change_seq=seq)
        ),
    )
    if result.rowcount != 1:
        session.rollback()
        raise PreconditionFailed(
            f"Assignment {assignment_id!r} has changed since it was read "
            f"(If-Match {if_match}); read it again and retry.",
        )
    if new_units != old_units:
        u = ASSIGNMENT_UNIT
        session.execute(sa.delete(u).where(u.c.assignment_id == assignment_id))
        session.execute(
            sa.insert(u), [{"assignment_id": assignment_id, "org_unit": x} for x in new_units]
        )
    w.audit.record(
        session,
        w.principal.key_id,
        "patch",
        RESOURCE,
        assignment_id,
        body.model_dump(mode="json", exclude_unset=True),
    )
    session.commit()
    return get_assignment(session, assignment_id)


def delete_assignment(
    session: Session, w: Writes, assignment_id: str, if_match: str | None
) -> None:
    current = _current(session, assignment_id)
    check_if_match(if_match, current.version, subject=f"assignment {assignment_id!r}")
    units = _units_of(session, [assignment_id])[assignment_id]
    _check_may_touch(w.principal, units)
    r, u, a = STATUS_REPORT, ASSIGNMENT_UNIT, ASSIGNMENT
    report_ids = [
        str(i)
        for i in session.execute(
            sa.select(r.c.id).where(r.c.assignment_id == assignment_id).order_by(r.c.id)
        ).scalars()
    ]
    seq = w.feed.allocate(session, 1 + len(report_ids))
    session.execute(sa.delete(r).where(r.c.assignment_id == assignment_id))
    session.execute(sa.delete(u).where(u.c.assignment_id == assignment_id))
    session.execute(sa.delete(a).where(a.c.id == assignment_id))
    w.feed.bury(session, RESOURCE, [assignment_id], seq)
    w.feed.bury(session, REPORT_RESOURCE, report_ids, seq + 1)
    w.audit.record(
        session,
        w.principal.key_id,
        "delete",
        RESOURCE,
        assignment_id,
        {"title": current.title, "reports_deleted": len(report_ids)},
    )
    session.commit()


# --------------------------------------------------------------------------- reports


def status_errors(
    kind: str, status: str, explanation: str | None, loc: Sequence[str | int]
) -> list[dict[str, Any]]:
    """What is wrong with a status for an assignment of ``kind`` (empty: nothing)."""
    allowed = STATUSES[kind]
    if status not in allowed:
        return [
            field_error(
                [*loc, "status"],
                f"{status!r} is not a status of a {kind}; use one of {', '.join(allowed)}",
            )
        ]
    if status == "avvikelse" and not (explanation and explanation.strip()):
        return [
            field_error([*loc, "explanation"], "an avvikelse must say why (explanation required)")
        ]
    return []


def _report_values(
    assignment_id: str, body: ReportIn, key_id: str, seq: int, now: datetime
) -> dict[str, Any]:
    period: Period = body.period
    return {
        "assignment_id": assignment_id,
        "org_unit": body.org_unit,
        "period": str(period),
        "period_year": period.year,
        "period_first_month": period.first_month,
        "period_last_month": period.last_month,
        "status": body.status,
        "explanation": body.explanation,
        "key_id": key_id,
        "created_at": now,
        "updated_at": now,
        "change_seq": seq,
    }


def add_report(session: Session, w: Writes, assignment_id: str, body: ReportIn) -> ReportOut:
    current = _current(session, assignment_id)
    check_org_unit(body.org_unit, ["body", "org_unit"])
    units = _units_of(session, [assignment_id])[assignment_id]
    if body.org_unit not in units:
        raise Forbidden(
            f"{body.org_unit} is not responsible for assignment {assignment_id!r} "
            f"(responsible: {', '.join(units)}); only a responsible org unit reports."
        )
    w.principal.check_org_unit(body.org_unit)
    errors = status_errors(current.kind, body.status, body.explanation, ["body"])
    if errors:
        raise InvalidInput(errors[0]["msg"], errors=errors)
    seq = w.feed.allocate(session, 2)
    now = utcnow()
    values = _report_values(assignment_id, body, w.principal.key_id, seq, now)
    report_id = session.execute(
        sa.insert(STATUS_REPORT).values(**values).returning(STATUS_REPORT.c.id)
    ).scalar_one()
    # The assignment's latest_status may have changed: it is a change of the assignment row.
    a = ASSIGNMENT
    session.execute(
        sa.update(a).where(a.c.id == assignment_id).values(updated_at=now, change_seq=seq + 1)
    )
    w.audit.record(
        session,
        w.principal.key_id,
        "report",
        REPORT_RESOURCE,
        str(report_id),
        {"assignment_id": assignment_id, **body.model_dump(mode="json")},
    )
    session.commit()
    return ReportOut(
        id=report_id,
        assignment_id=assignment_id,
        org_unit=values["org_unit"],
        period=values["period"],
        status=values["status"],
        explanation=values["explanation"],
        reported_at=now,
        updated_at=now,
        change_seq=seq,
    )


def _report_out(row: Any) -> ReportOut:
    return ReportOut(
        id=row.id,
        assignment_id=row.assignment_id,
        org_unit=row.org_unit,
        period=row.period,
        status=row.status,
        explanation=row.explanation,
        reported_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        change_seq=row.change_seq,
    )


def report_history(session: Session, assignment_id: str) -> list[ReportOut]:
    """Every report of an assignment, newest first (latest period, then latest report)."""
    _current(session, assignment_id)
    r = STATUS_REPORT
    rows = session.execute(
        sa.select(r)
        .where(r.c.assignment_id == assignment_id)
        .order_by(r.c.period_year.desc(), r.c.period_last_month.desc(), r.c.change_seq.desc())
    ).all()
    return [_report_out(row) for row in rows]


@dataclass(frozen=True)
class ReportFilters:
    org_unit: str | None = None
    period: Period | None = None
    assignment_id: str | None = None
    status: str | None = None


_REPORT_COLUMNS = (
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
REPORT_CSV_HEADER = tuple("reported_at" if c == "created_at" else c for c in _REPORT_COLUMNS)


def _report_select(f: ReportFilters) -> sa.Select[Any]:
    if f.org_unit is not None:
        check_org_unit(f.org_unit, ["query", "org_unit"])
    r = STATUS_REPORT
    stmt = sa.select(*[r.c[c] for c in _REPORT_COLUMNS])
    if f.org_unit is not None:
        stmt = stmt.where(r.c.org_unit == f.org_unit)
    if f.period is not None:
        stmt = stmt.where(r.c.period == str(f.period))
    if f.assignment_id is not None:
        stmt = stmt.where(r.c.assignment_id == f.assignment_id)
    if f.status is not None:
        stmt = stmt.where(r.c.status == f.status)
    return stmt


def list_reports(
    session: Session, f: ReportFilters, params: ListParams, request: Request, feed: ChangeFeed
) -> dict[str, Any]:
    r = STATUS_REPORT
    page = paginate_table(
        session,
        _report_select(f),
        r,
        params=_utc_params(params),
        request=request,
        to_item=_report_out,
        feed=feed,
        resource=REPORT_RESOURCE,
    )
    page["items"] = [_tombstone(i) if isinstance(i, dict) else i for i in page["items"]]
    return page


def reports_csv(f: ReportFilters) -> sa.Select[Any]:
    r = STATUS_REPORT
    stmt = _report_select(f)
    labelled = [
        c.label("reported_at") if c.name == "created_at" else c for c in stmt.selected_columns
    ]
    return stmt.with_only_columns(*labelled).order_by(r.c.id)


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
    a, r = ASSIGNMENT, STATUS_REPORT
    kinds: dict[str, str] = {}
    for chunk in _chunks(ids):
        for found in session.execute(sa.select(a.c.id, a.c.kind).where(a.c.id.in_(chunk))):
            kinds[found.id] = found.kind
    units = _units_of(session, list(kinds))
    last: dict[tuple[str, str, str], tuple[str, str | None]] = {}
    for chunk in _chunks(list(kinds)):
        for rep in session.execute(
            sa.select(r.c.assignment_id, r.c.org_unit, r.c.period, r.c.status, r.c.explanation)
            .where(r.c.assignment_id.in_(chunk))
            .order_by(r.c.change_seq)
        ):
            last[(rep.assignment_id, rep.org_unit, rep.period)] = (rep.status, rep.explanation)

    accepted: list[ReportRow] = []
    unchanged = 0
    for number, row in good:
        errors: list[dict[str, Any]] = []
        kind = kinds.get(row.assignment_id)
        if kind is None:
            errors.append(field_error(["assignment_id"], f"no assignment {row.assignment_id!r}"))
        elif row.org_unit not in org_units():
            errors.append(field_error(["org_unit"], f"unknown org unit {row.org_unit!r}"))
        elif row.org_unit not in units[row.assignment_id]:
            errors.append(
                field_error(["org_unit"], f"{row.org_unit} is not responsible for this assignment")
            )
        elif not w.principal.may_speak_for(row.org_unit):
            errors.append(field_error(["org_unit"], f"this key may not report for {row.org_unit}"))
        else:
            errors.extend(status_errors(kind, row.status, row.explanation, []))
        if errors:
            rejected.append(RowError(row=number, errors=errors))
            continue
        key = (row.assignment_id, row.org_unit, str(row.period))
        if last.get(key) == (row.status, row.explanation):
            unchanged += 1
            continue
        last[key] = (row.status, row.explanation)
        accepted.append(row)
    rejected.sort(key=lambda e: e.row)
    reject_if_atomic(mode, rejected, len(rows))
    report = LoadReport(
        inserted=len(accepted), unchanged=unchanged, rejected=rejected, dry_run=dry_run
    )
    if dry_run or not accepted:
        session.rollback()
        return report

    touched = sorted({row.assignment_id for row in accepted})
    first = w.feed.allocate(session, len(accepted) + len(touched))
    now = utcnow()
    session.execute(
        sa.insert(STATUS_REPORT),
        [
            _report_values(row.assignment_id, row, w.principal.key_id, first + n, now)
            for n, row in enumerate(accepted)
        ],
    )
    base = first + len(accepted)
    session.execute(
        sa.update(a)
        .where(a.c.id.in_(touched))
        .values(
            updated_at=now,
            change_seq=sa.case({aid: base + n for n, aid in enumerate(touched)}, value=a.c.id),
        )
    )
    w.audit.record(
        session,
        w.principal.key_id,
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
