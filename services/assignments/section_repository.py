"""The assignments of one committee's follow-up section, read with a statement built once.

The section's list is the listing ``GET /v1/assignments?org_unit=&year=&as_of=`` (whole),
and it is asked with the listing's own filters (``listing.assignment_filters``). Its rules
are written once, and this module only puts them together: whose assignments, the
follow-up year and its carry-over, the order and what an item shows are
``listing_repository``'s; whose reports count, their dates and their ranking into the
latest status ``status_repository``'s; the days of the year window and of the carry-over
``rules``'s (``status_window``, ``carry_over_window``).

Why a statement apart: the listing builds its statement from the filters on every call,
and building it (two ranked subqueries) costs several times what running it does; the
section always asks the same shape, so its statement is put together from the same pieces
once, on first use, with the unit, year and days as parameters. Two things it does
otherwise by design, not by rule: it reads the responsible units in the same row, joined
(``joined_units``), where a page reads them in bulk after its rows (one round trip for the
whole section), and its rows become the answer's JSON objects directly
(``assignment_fields``, which the listing validates into ``AssignmentOut``), without a
model per row. ``tests/assignments/test_follow_up_section.py`` holds the two to the same
answer.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
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
from services.assignments.schemas import AssignmentFilters
from services.assignments.status_repository import (
    LATEST,
    by_or_naming,
    dated,
    named_pattern,
    ranked,
    split_named,
)
from services.assignments.units import in_reference_order

# Short names: psycopg keeps the parsed form of statements up to 4 KiB only, and this one
# is longer with the tables' full names.
_REPORT = STATUS_REPORT.alias("r")
_UNIT = ASSIGNMENT_UNIT.alias("u")


def _ranked(name: str, *window: sa.ColumnElement[bool]) -> sa.Subquery:
    """The unit's reports for dates in ``window`` on its assignments, ranked per assignment
    newest first (``rn``): ``status_repository.latest`` with the unit as a parameter, the
    latest (``rn = LATEST``) picked in the join."""
    r = _REPORT
    unit: sa.BindParameter[str] = sa.bindparam("org_unit")
    return ranked(
        r,
        *window,
        by_or_naming(unit, sa.bindparam("named"), r),
        r.c.assignment_id.in_(responsible_for(unit, _UNIT)),
    ).subquery(name)


@cache
def _assignments(dialect: str) -> sa.Select[Any]:
    """The unit's assignments of the year (given in it, or carried over) in the listing's
    order, each with its latest report, carry-over flag and responsible units."""
    a, r = ASSIGNMENT.alias("a"), _REPORT
    year: sa.BindParameter[int] = sa.bindparam("year")
    last = _ranked("latest", *dated(sa.bindparam("since"), sa.bindparam("until"), r))
    prev = _ranked("prev", *dated(None, sa.bindparam("prev_until"), r))
    carried = carried_over(a, prev, year)
    return (
        sa.select(
            *listed_columns(a, last, carried_flag(carried)),
            joined_units(a, dialect, _UNIT).label("units"),
        )
        .select_from(
            a.outerjoin(
                last, sa.and_(last.c.assignment_id == a.c.id, last.c.rn == LATEST)
            ).outerjoin(prev, sa.and_(prev.c.assignment_id == a.c.id, prev.c.rn == LATEST))
        )
        .where(
            in_follow_up_year(a, year, carried),
            a.c.id.in_(responsible_for(sa.bindparam("org_unit"), _UNIT)),
        )
        .order_by(a.c[LISTING_KEY])
    )


@lru_cache(maxsize=1024)
def _in_reference_order(joined: str | None) -> tuple[str, ...]:
    """The units of the ``units`` column in reference order. Few distinct sets recur on
    every answer (a lead alone, every committee, every board ...): each is sorted once."""
    return tuple(in_reference_order(split_named(joined)))


def _values(f: AssignmentFilters) -> dict[str, Any]:
    """The statement's parameters for one unit's list of a follow-up year as of a day."""
    org_unit, year, window = f.org_unit, f.year, f.window
    if (
        org_unit is None
        or year is None
        or window.since is None
        or window.until is None
        or window.units != frozenset({org_unit})
        or (f.status, f.area, f.kind) != (None, None, None)
    ):
        raise ValueError(f"a section is one unit's whole list of a follow-up year, not {f}")
    return {
        "org_unit": org_unit,
        "named": named_pattern(org_unit),
        "year": year,
        "since": window.since,
        "until": window.until,
        "prev_until": rules.carry_over_window(year, window.units).until,
    }


def committee_assignments(session: Session, filters: AssignmentFilters) -> list[dict[str, Any]]:
    """The items of ``GET /v1/assignments`` with a committee's ``filters`` (its unit and
    period: ``listing.assignment_filters``), whole, as JSON objects."""
    statement = _assignments(session.get_bind().dialect.name)
    rows = session.execute(statement, _values(filters)).all()
    as_of = filters.window.until
    return [
        assignment_fields(row._mapping, list(_in_reference_order(row.units)), as_of) for row in rows
    ]
