"""The statements that rank status reports into a latest status: part of the repository.

``assignment_repository`` joins an assignment to its latest report with ``latest``;
``report_repository`` narrows report lists with ``speaks_for``; ``section_repository``
builds its statement, once, from the same pieces (``ranked``, ``dated``,
``by_or_naming``) with parameters in place of values. Apart so that neither module
passes ~400 lines; no rule lives here that ``rules`` does not state.

- **Ranking.** The report for the latest date it speaks for (``as_of``), then for the
  latest period (by its last month), then the latest report (``change_seq``).
- **Window.** Only reports for dates from ``since`` to ``until`` count (either open).
- **Whose reports.** With ``units``, only reports by one of them or naming one of them
  (``on_behalf_of``): a unit is not credited with another unit's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.assignments.models import STATUS_REPORT
from services.assignments.schemas import StatusWindow

#: How ``on_behalf_of`` joins the units a report names (a code never holds it).
NAMED_SEPARATOR = ";"


def join_named(units: Iterable[str]) -> str:
    """The stored form of the units a report names."""
    return NAMED_SEPARATOR.join(units)


def split_named(stored: str | None) -> list[str]:
    return [u for u in (stored or "").split(NAMED_SEPARATOR) if u]


#: The escape character of the ``LIKE`` pattern that finds a unit among the named ones.
NAMED_ESCAPE = "/"


def named_pattern(code: str) -> str:
    """The ``LIKE`` pattern of a stored ``on_behalf_of`` (wrapped in separators) naming the
    unit ``code``, its wildcards escaped."""
    escaped = "".join(NAMED_ESCAPE + c if c in (NAMED_ESCAPE, "%", "_") else c for c in code)
    return f"%{NAMED_SEPARATOR}{escaped}{NAMED_SEPARATOR}%"


def by_or_naming(
    unit: str | sa.ColumnElement[str],
    pattern: str | sa.ColumnElement[str],
    r: sa.FromClause = STATUS_REPORT,
) -> sa.ColumnElement[bool]:
    """Reports (``r``: the table or an alias of it) that speak for a unit: by it, or naming
    it in ``on_behalf_of``; ``pattern`` is its ``named_pattern``. Both are values, or
    parameters of a statement built once (``section_repository``)."""
    wrapped = sa.literal(NAMED_SEPARATOR) + r.c.on_behalf_of + sa.literal(NAMED_SEPARATOR)
    return sa.or_(r.c.org_unit == unit, wrapped.like(pattern, escape=NAMED_ESCAPE))


def speaks_for(units: Iterable[str]) -> sa.ColumnElement[bool]:
    """Reports by one of ``units`` or naming one of them."""
    codes = sorted(set(units))
    # ``or_`` of nothing is false: no unit, no report.
    return sa.or_(sa.false(), *(by_or_naming(code, named_pattern(code)) for code in codes))


def dated(
    since: date | sa.ColumnElement[date] | None,
    until: date | sa.ColumnElement[date] | None,
    r: sa.FromClause = STATUS_REPORT,
) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``r`` that keep the reports for dates (``as_of``) from ``since`` to
    ``until`` (either open when None): values, or parameters of a statement built once."""
    where: list[sa.ColumnElement[bool]] = []
    if since is not None:
        where.append(r.c.as_of >= since)
    if until is not None:
        where.append(r.c.as_of <= until)
    return where


def in_window(window: StatusWindow) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``status_report`` that keep the reports a window counts."""
    where = dated(window.since, window.until)
    if window.units is not None:
        where.append(speaks_for(window.units))
    return where


def newest_first(r: sa.FromClause = STATUS_REPORT) -> tuple[sa.UnaryExpression[object], ...]:
    """The ranking of reports (``r``: the table or an alias of it), newest first (see the
    module's docstring)."""
    return (
        r.c.as_of.desc(),
        r.c.period_year.desc(),
        r.c.period_last_month.desc(),
        r.c.change_seq.desc(),
    )


def report_columns(r: sa.FromClause) -> list[sa.ColumnElement[Any]]:
    """What a status report's latest is read with: the columns a listing shows of it."""
    names = ("assignment_id", "id", "org_unit", "period", "as_of", "on_behalf_of", "status")
    return [*(r.c[n] for n in names), r.c.explanation, r.c.created_at]


def ranked(r: sa.FromClause, *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The reports of ``r`` that ``where`` keeps, each with its rank (``rn``) among its
    assignment's, newest first: the one ranked ``LATEST`` is the latest status."""
    rank = sa.func.row_number().over(partition_by=r.c.assignment_id, order_by=newest_first(r))
    return sa.select(*report_columns(r), rank.label("rn")).where(*where)


#: The rank (``ranked``'s ``rn``) of an assignment's latest report.
LATEST = 1


def latest(
    window: StatusWindow, name: str, scope: sa.ColumnElement[bool] | None = None
) -> sa.Subquery:
    """The latest report per assignment among those ``window`` counts.

    ``scope`` (on ``status_report``) narrows the ranking to the assignments asked for.
    """
    where = in_window(window)
    if scope is not None:
        where.append(scope)
    sub = ranked(STATUS_REPORT, *where).subquery(f"{name}_ranked")
    return sa.select(sub).where(sub.c.rn == LATEST).subquery(name)
