"""The statements that rank status reports into a latest status: part of the repository.

``assignment_repository`` joins an assignment to its latest report with ``latest``;
``report_repository`` narrows report lists with ``speaks_for``. Apart so that neither
module passes ~400 lines; no rule lives here that ``rules`` does not state.

- **Ranking.** The report for the latest date it speaks for (``as_of``), then for the
  latest period (by its last month), then the latest report (``change_seq``).
- **Window.** Only reports for dates from ``since`` to ``until`` count (either open).
- **Whose reports.** With ``units``, only reports by one of them or naming one of them
  (``on_behalf_of``): a unit is not credited with another unit's report.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def speaks_for(units: Iterable[str]) -> sa.ColumnElement[bool]:
    """Reports by one of ``units`` or naming one of them."""
    r = STATUS_REPORT
    codes = sorted(units)
    if not codes:
        return sa.false()
    wrapped = sa.literal(NAMED_SEPARATOR) + r.c.on_behalf_of + sa.literal(NAMED_SEPARATOR)
    named = [
        wrapped.contains(f"{NAMED_SEPARATOR}{code}{NAMED_SEPARATOR}", autoescape=True)
        for code in codes
    ]
    return sa.or_(r.c.org_unit.in_(codes), *named)


def in_window(window: StatusWindow) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``status_report`` that keep the reports a window counts."""
    r = STATUS_REPORT
    where: list[sa.ColumnElement[bool]] = []
    if window.since is not None:
        where.append(r.c.as_of >= window.since)
    if window.until is not None:
        where.append(r.c.as_of <= window.until)
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


def latest(
    window: StatusWindow, name: str, scope: sa.ColumnElement[bool] | None = None
) -> sa.Subquery:
    """The latest report per assignment among those ``window`` counts.

    ``scope`` (on ``status_report``) narrows the ranking to the assignments asked for.
    """
    r = STATUS_REPORT
    rank = sa.func.row_number().over(partition_by=r.c.assignment_id, order_by=newest_first())
    ranked = sa.select(*report_columns(r), rank.label("rn")).where(*in_window(window))
    if scope is not None:
        ranked = ranked.where(scope)
    sub = ranked.subquery(f"{name}_ranked")
    return sa.select(sub).where(sub.c.rn == 1).subquery(name)
