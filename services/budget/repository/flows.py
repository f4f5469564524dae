"""Queries of outcomes (utfall) and forecasts (prognos)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import (
    FORECAST,
    OUTCOME,
    CsvQuery,
    T,
    ToItem,
    equal,
    first_through,
    in_year,
    readable,
)
from shared.bulk import UpsertCounts, upsert
from shared.paging import ListParams, Slice, fetch_table_page
from shared.periods import Period
from shared.store import ChangeFeed

FlowName = Literal["outcome", "forecast"]
#: Each monthly flow's table and its month column.
_FLOWS: dict[FlowName, tuple[sa.Table, str]] = {
    "outcome": (OUTCOME, "month"),
    "forecast": (FORECAST, "made_in"),
}


def upsert_flow(
    session: Session, flow: FlowName, rows: Sequence[dict[str, Any]], feed: ChangeFeed
) -> UpsertCounts:
    """Insert new rows, update changed ones, leave identical ones alone (set-based)."""
    t, month = _FLOWS[flow]
    return upsert(
        session,
        t,
        rows,
        keys=["id"],
        values=["org_unit", "line", month, "revenue", "cost", "derivation"],
        feed=feed,
    )


def _flow_filters(
    flow: FlowName,
    org_unit: str | None,
    line: str | None,
    year: int | None,
    org_units: Collection[str] | None,
) -> list[sa.ColumnElement[bool]]:
    t, month = _FLOWS[flow]
    where = [*equal(t, org_unit=org_unit, line=line), *readable(t, org_units)]
    if year is not None:
        where.append(in_year(t.c[month], year))
    return where


def flow_page(
    session: Session,
    flow: FlowName,
    params: ListParams,
    org_unit: str | None,
    line: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    to_item: ToItem[T],
) -> Slice[T | dict[str, Any]]:
    t, _month = _FLOWS[flow]
    return fetch_table_page(
        session,
        sa.select(t).where(*_flow_filters(flow, org_unit, line, year, org_units)),
        t,
        params=params,
        to_item=to_item,
    )


def flow_csv(
    flow: FlowName,
    org_unit: str | None,
    line: str | None,
    year: int | None,
    org_units: Collection[str] | None,
) -> CsvQuery:
    t, month = _FLOWS[flow]
    header = (
        *("id", "org_unit", "line", month, "revenue", "cost"),
        *("derivation", "updated_at", "change_seq"),
    )
    statement = (
        sa.select(*[t.c[h] for h in header])
        .where(*_flow_filters(flow, org_unit, line, year, org_units))
        .order_by(t.c.id)
    )
    return CsvQuery(statement, header)


# The summary's statements are built once, with parameters (``org_unit``, ``first`` and
# ``last``): building one costs more than running it.
_OUTCOME_SUMS = (
    sa.select(
        OUTCOME.c.line,
        sa.func.sum(OUTCOME.c.revenue).label("revenue"),
        sa.func.sum(OUTCOME.c.cost).label("cost"),
    )
    .where(
        OUTCOME.c.org_unit == sa.bindparam("org_unit"),
        OUTCOME.c.month.between(sa.bindparam("first"), sa.bindparam("last")),
    )
    .group_by(OUTCOME.c.line)
)
_LATEST = (
    sa.select(FORECAST.c.line, sa.func.max(FORECAST.c.made_in).label("made_in"))
    .where(
        FORECAST.c.org_unit == sa.bindparam("org_unit"),
        FORECAST.c.made_in.between(sa.bindparam("first"), sa.bindparam("last")),
    )
    .group_by(FORECAST.c.line)
    .subquery()
)
_LATEST_FORECASTS = (
    sa.select(FORECAST)
    .join(
        _LATEST,
        sa.and_(FORECAST.c.line == _LATEST.c.line, FORECAST.c.made_in == _LATEST.c.made_in),
    )
    .where(FORECAST.c.org_unit == sa.bindparam("org_unit"))
)


def _through(org_unit: str, through: Period) -> dict[str, str]:
    first, last = first_through(through)
    return {"org_unit": org_unit, "first": first, "last": last}


def outcome_sums(session: Session, org_unit: str, through: Period) -> Sequence[Any]:
    """Per line: the sums of revenue and cost of the monthly outcomes, January through
    ``through``."""
    return session.execute(_OUTCOME_SUMS, _through(org_unit, through)).all()


def latest_forecasts(session: Session, org_unit: str, through: Period) -> Sequence[Any]:
    """Per line: the forecast made in the latest month from January through ``through``."""
    return session.execute(_LATEST_FORECASTS, _through(org_unit, through)).all()
