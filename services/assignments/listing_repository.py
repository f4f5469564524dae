"""The rules of a list of riktade uppdrag, each written once: part of the repository.

A list (``GET /v1/assignments``: a page, the CSV) and a committee's follow-up section
(``GET /v1/follow-up-section``) show the same assignments with the same status. What
decides it is here, as pieces of a statement and as the row made an answer's object:

- **Whose assignments.** With ``org_unit``, those it is responsible for, lead or not
  (``responsible_for``).
- **Follow-up year.** Given that year, or carried over into it (``in_follow_up_year``,
  ``carried_over``; the reports it reads are ``rules.carry_over_window``'s).
- **Order.** By ``LISTING_KEY``.
- **What a list reads and shows of one** (``listed_columns``, ``joined_units``,
  ``assignment_fields``).

The reports that make the latest status are ``status_repository``'s. ``assignment_repository``
puts the pieces together with the filters' values on every call; ``section_repository``
once, with parameters in their place. Apart from ``assignment_repository`` so that it
does not pass ~400 lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from services.assignments.models import ASSIGNMENT_UNIT
from services.assignments.rules import FINISHED_STATUSES
from services.assignments.status_repository import NAMED_SEPARATOR, split_named

#: A list of assignments is in the order of this column: its pages are cut by it, and the
#: CSV and a committee's section (``section_repository``) are in it too.
LISTING_KEY = "id"


def responsible_for(
    org_unit: str | sa.ColumnElement[str], u: sa.FromClause = ASSIGNMENT_UNIT
) -> sa.Select[Any]:
    """The ids of the assignments ``org_unit`` is responsible for, lead or not (``u``:
    ``assignment_unit`` or an alias of it, which holds every responsible unit)."""
    return sa.select(u.c.assignment_id).where(u.c.org_unit == org_unit)


def carried_over(
    a: sa.FromClause, prev: sa.FromClause, year: int | sa.ColumnElement[int]
) -> sa.ColumnElement[bool]:
    """Carried over into follow-up ``year``: given before it, and its latest status at the
    end of the year before (``prev``, the latest report then) not finished (``klart``;
    ``green`` for a milestone), or none."""
    # Not finished, written without ``NOT IN``, which is rendered afresh on every run of a
    # statement built once (the section's).
    unfinished = sa.and_(*[prev.c.status != status for status in FINISHED_STATUSES])
    return sa.and_(a.c.year_given < year, sa.or_(prev.c.status.is_(None), unfinished))


def in_follow_up_year(
    a: sa.FromClause, year: int | sa.ColumnElement[int], carried: sa.ColumnElement[bool]
) -> sa.ColumnElement[bool]:
    """In follow-up ``year``'s list: given that year, or carried over (``carried``)."""
    return sa.or_(a.c.year_given == year, carried)


def carried_flag(carried: sa.ColumnElement[bool] | None) -> sa.ColumnElement[Any]:
    """The ``carried_over`` column: whether ``carried`` holds; null without a follow-up
    year (``carried`` None)."""
    if carried is None:
        return sa.null()
    return sa.case((carried, sa.true()), else_=sa.false())


def listed_columns(
    a: sa.FromClause, last: sa.FromClause, flag: sa.ColumnElement[Any]
) -> list[sa.ColumnElement[Any]]:
    """What a list reads of an assignment (``a``), as ``assignment_fields`` reads it: its
    row, its latest report (``last``) and the ``carried_flag`` ``flag``."""
    return [
        *a.c,
        last.c.id.label("lr_id"),
        last.c.org_unit.label("lr_org_unit"),
        last.c.period.label("lr_period"),
        last.c.as_of.label("lr_as_of"),
        last.c.on_behalf_of.label("lr_on_behalf_of"),
        last.c.status.label("latest_status"),
        last.c.explanation.label("lr_explanation"),
        last.c.created_at.label("lr_reported_at"),
        flag.label("carried_over"),
    ]


def joined_units(
    a: sa.FromClause, dialect: str, u: sa.FromClause = ASSIGNMENT_UNIT
) -> sa.ScalarSelect[Any]:
    """Every responsible unit of the assignment ``a`` in one column, joined with the
    separator of named units (no code holds it), in no particular order."""
    if dialect == "postgresql":
        joined: Any = sa.func.string_agg(u.c.org_unit, sa.literal_column(f"'{NAMED_SEPARATOR}'"))
    else:
        joined = sa.func.group_concat(u.c.org_unit, NAMED_SEPARATOR)
    return sa.select(joined).where(u.c.assignment_id == a.c.id).scalar_subquery()


def assignment_fields(m: Any, units: list[str], status_as_of: date | None) -> dict[str, Any]:
    """An ``AssignmentOut`` as its JSON object, from a row of ``listed_columns`` (``m``: its
    mapping), its responsible ``units`` in reference order and the day its status is as of.

    ``reported`` is whether a report counts; ``earmarked`` (riktade medel) is its amount
    and purpose, or null."""
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
    carried = m["carried_over"]
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
        "carried_over": None if carried is None else bool(carried),
        "version": m["version"],
        "created_at": m["created_at"],
        "updated_at": m["updated_at"],
        "change_seq": m["change_seq"],
    }
