"""The assignments of one committee's follow-up view, read with statements built once.

The view's list is the listing ``GET /v1/assignments?org_unit=&year=&as_of=`` (whole, in
id order) under the same rules (``assignment_repository``: latest status among the
reports for dates in the year up to the day, by the unit or naming it; carry-over from
the end of the year before). Why apart: the listing builds its statement from filters
on every call, and building it (two ranked subqueries) costs several times what running
it does; the view always asks the same shape, so its two statements are built on first
use with the unit, year and days as parameters, and its rows become the answer's JSON
objects directly, the fields in ``AssignmentOut``'s order, without a model per row.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.assignments.models import ASSIGNMENT, ASSIGNMENT_UNIT, STATUS_REPORT
from services.assignments.rules import FINISHED_STATUSES
from services.assignments.status_repository import (
    NAMED_SEPARATOR,
    newest_first,
    report_columns,
    split_named,
)
from services.assignments.units import in_reference_order

#: The escape character of the ``LIKE`` pattern naming the unit (as ``contains`` with
#: ``autoescape`` writes it).
_ESCAPE = "/"
# Short names: psycopg keeps the parsed form of statements up to 4 KiB only, and this one
# is longer with the tables' full names.
_REPORT = STATUS_REPORT.alias("r")
_UNIT = ASSIGNMENT_UNIT.alias("u")


def _ranked(name: str, *window: sa.ColumnElement[bool]) -> sa.Subquery:
    """The unit's reports for dates in ``window``, by the unit or naming it, ranked per
    assignment newest first (``rn``): ``status_repository.latest`` with the unit as a
    parameter, the latest (``rn = 1``) picked in the join."""
    r, u = _REPORT, _UNIT
    wrapped = sa.literal(NAMED_SEPARATOR) + r.c.on_behalf_of + sa.literal(NAMED_SEPARATOR)
    speaks_for = sa.or_(
        r.c.org_unit == sa.bindparam("org_unit"),
        wrapped.like(sa.bindparam("named"), escape=_ESCAPE),
    )
    of_unit = sa.select(u.c.assignment_id).where(u.c.org_unit == sa.bindparam("org_unit"))
    rank = sa.func.row_number().over(partition_by=r.c.assignment_id, order_by=newest_first(r))
    return (
        sa.select(*report_columns(r), rank.label("rn"))
        .where(*window, speaks_for, r.c.assignment_id.in_(of_unit))
        .subquery(name)
    )


@cache
def _assignments(dialect: str) -> sa.Select[Any]:
    """The unit's assignments of the year (given in it, or carried over) in id order, each
    with its latest report, carry-over flag and responsible units."""
    a, r, u = ASSIGNMENT.alias("a"), _REPORT, _UNIT
    last = _ranked("latest", r.c.as_of >= sa.bindparam("since"), r.c.as_of <= sa.bindparam("until"))
    prev = _ranked("prev", r.c.as_of <= sa.bindparam("prev_until"))
    # Not finished, written without ``NOT IN``, which is rendered afresh on every run.
    unfinished = sa.and_(*[prev.c.status != status for status in FINISHED_STATUSES])
    carried = sa.and_(
        a.c.year_given < sa.bindparam("year"), sa.or_(prev.c.status.is_(None), unfinished)
    )
    # Every responsible unit in the same row, joined with the separator (no code holds it).
    if dialect == "postgresql":
        joined: Any = sa.func.string_agg(u.c.org_unit, sa.literal_column(f"'{NAMED_SEPARATOR}'"))
    else:
        joined = sa.func.group_concat(u.c.org_unit, NAMED_SEPARATOR)
    units = sa.select(joined).where(u.c.assignment_id == a.c.id).scalar_subquery()
    return (
        sa.select(
            *a.c,
            last.c.id.label("lr_id"),
            last.c.org_unit.label("lr_org_unit"),
            last.c.period.label("lr_period"),
            last.c.as_of.label("lr_as_of"),
            last.c.on_behalf_of.label("lr_on_behalf_of"),
            last.c.status.label("latest_status"),
            last.c.explanation.label("lr_explanation"),
            last.c.created_at.label("lr_reported_at"),
            sa.case((carried, sa.true()), else_=sa.false()).label("carried_over"),
            units.label("units"),
        )
        .select_from(
            a.outerjoin(last, sa.and_(last.c.assignment_id == a.c.id, last.c.rn == 1)).outerjoin(
                prev, sa.and_(prev.c.assignment_id == a.c.id, prev.c.rn == 1)
            )
        )
        .where(
            sa.or_(a.c.year_given == sa.bindparam("year"), carried),
            a.c.id.in_(
                sa.select(u.c.assignment_id).where(u.c.org_unit == sa.bindparam("org_unit"))
            ),
        )
        .order_by(a.c.id)
    )


@lru_cache(maxsize=1024)
def _in_reference_order(joined: str | None) -> tuple[str, ...]:
    """The units of the ``units`` column in reference order. Few distinct sets recur on
    every answer (a lead alone, every committee, every board ...): each is sorted once."""
    return tuple(in_reference_order(split_named(joined)))


def _named_pattern(org_unit: str) -> str:
    """``LIKE`` pattern of a stored ``on_behalf_of`` (wrapped in separators) naming the unit."""
    escaped = "".join(_ESCAPE + c if c in (_ESCAPE, "%", "_") else c for c in org_unit)
    return f"%{NAMED_SEPARATOR}{escaped}{NAMED_SEPARATOR}%"


def committee_assignments(
    session: Session, org_unit: str, year: int, as_of: date
) -> list[dict[str, Any]]:
    """The items of ``GET /v1/assignments?org_unit=&year=&as_of=`` as JSON objects."""
    values = {
        "org_unit": org_unit,
        "named": _named_pattern(org_unit),
        "year": year,
        "since": date(year, 1, 1),
        "until": as_of,
        "prev_until": date(year - 1, 12, 31),
    }
    statement = _assignments(session.get_bind().dialect.name)
    rows = session.execute(statement, values).all()
    return [_item(row._mapping, list(_in_reference_order(row.units)), as_of) for row in rows]


def _item(m: Any, units: list[str], status_as_of: date) -> dict[str, Any]:
    """An ``AssignmentOut`` as its JSON object (``assignment_repository._to_out``)."""
    amount = m["earmarked_amount"]
    report = (
        {
            "id": m["lr_id"],
            "org_unit": m["lr_org_unit"],
            "period": m["lr_period"],
            "as_of": m["lr_as_of"],
            "on_behalf_of": split_named(m["lr_on_behalf_of"]),
            "status": m["latest_status"],
            "explanation": m["lr_explanation"],
            "reported_at": m["lr_reported_at"],
        }
        if m["lr_id"] is not None
        else None
    )
    return {
        "id": m["id"],
        "kind": m["kind"],
        "title": m["title"],
        "goal": m["goal"],
        "area": m["area"],
        "section": m["section"],
        "year_given": m["year_given"],
        "year_given_stated": bool(m["year_given_stated"]),
        "continued": bool(m["continued"]),
        "source": m["source"],
        "lead_org_unit": m["lead_org_unit"],
        "lead_text": m["lead_text"],
        "org_units": units,
        "deadline": m["deadline"],
        "deadline_text": m["deadline_text"],
        "earmarked": (
            {"amount": int(amount), "purpose": m["earmarked_purpose"] or ""}
            if amount is not None
            else None
        ),
        "latest_status": m["latest_status"],
        "latest_report": report,
        "reported": report is not None,
        "status_as_of": status_as_of,
        "carried_over": bool(m["carried_over"]),
        "version": m["version"],
        "created_at": m["created_at"],
        "updated_at": m["updated_at"],
        "change_seq": m["change_seq"],
    }
