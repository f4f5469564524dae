"""Queries of what a committee's report states as such: totals (``committee_total``),
deviations per area (``reported_deviation``) and other figures (``reported_figure``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import (
    REPORTED_DEVIATION,
    REPORTED_FIGURE,
    TOTAL,
    CsvQuery,
    T,
    ToItem,
    equal,
    readable,
)
from shared.bulk import UpsertCounts, upsert
from shared.paging import ListParams, Slice, fetch_table_page
from shared.store import ChangeFeed

StatedName = Literal["total", "reported_deviation", "reported_figure"]
#: Each stated resource's table and the columns a load writes (besides its id).
_TABLES: dict[StatedName, tuple[sa.Table, tuple[str, ...]]] = {
    "total": (
        TOTAL,
        (
            *("org_unit", "year", "kind", "month", "revenue", "cost", "result"),
            *("derivation", "note", "source_text"),
        ),
    ),
    "reported_deviation": (
        REPORTED_DEVIATION,
        ("org_unit", "year", "line", "label", "deviation", "share_bp", "source_text"),
    ),
    "reported_figure": (
        REPORTED_FIGURE,
        (
            *("org_unit", "year", "figure", "item", "measure", "amount", "share_bp"),
            *("approximate", "value_year", "line", "label", "about_org_units"),
            *("derivation", "source_text"),
        ),
    ),
}


def upsert_stated(
    session: Session, name: StatedName, rows: Sequence[dict[str, Any]], feed: ChangeFeed
) -> UpsertCounts:
    """Insert new rows, update changed ones, leave identical ones alone (set-based)."""
    t, values = _TABLES[name]
    return upsert(session, t, rows, keys=["id"], values=list(values), feed=feed)


def _filters(
    name: StatedName,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    kind: str | None,
) -> list[sa.ColumnElement[bool]]:
    t, _ = _TABLES[name]
    where = [*equal(t, org_unit=org_unit, year=year), *readable(t, org_units)]
    if kind is not None and name == "total":
        where.append(t.c.kind == kind)
    return where


def stated_page(
    session: Session,
    name: StatedName,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    kind: str | None,
    to_item: ToItem[T],
) -> Slice[T | dict[str, Any]]:
    t, _ = _TABLES[name]
    return fetch_table_page(
        session,
        sa.select(t).where(*_filters(name, org_unit, year, org_units, kind)),
        t,
        params=params,
        to_item=to_item,
    )


def stated_csv(
    name: StatedName,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    kind: str | None,
) -> CsvQuery:
    t, values = _TABLES[name]
    header = ("id", *values, "updated_at", "change_seq")
    statement = (
        sa.select(*[t.c[h] for h in header])
        .where(*_filters(name, org_unit, year, org_units, kind))
        .order_by(t.c.id)
    )
    return CsvQuery(statement, header)


def _of_year(t: sa.Table) -> sa.Select[Any]:
    """A committee's rows of a year, with ``org_unit`` and ``year`` as parameters: the
    summary's statements are built once, as building one costs more than running it."""
    return sa.select(t).where(
        t.c.org_unit == sa.bindparam("org_unit"), t.c.year == sa.bindparam("year")
    )


# In id order, as ``store.rows_of_year`` reads them for the follow-up section.
_TOTALS_OF = _of_year(TOTAL).order_by(TOTAL.c.id)
_DEVIATIONS_OF = _of_year(REPORTED_DEVIATION).order_by(REPORTED_DEVIATION.c.line)
_FIGURES_OF = _of_year(REPORTED_FIGURE).order_by(REPORTED_FIGURE.c.id)


def totals_of(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    """Every total stated for a committee's year."""
    return session.execute(_TOTALS_OF, {"org_unit": org_unit, "year": year}).all()


def reported_deviations(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    return session.execute(_DEVIATIONS_OF, {"org_unit": org_unit, "year": year}).all()


def reported_figures(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    return session.execute(_FIGURES_OF, {"org_unit": org_unit, "year": year}).all()
