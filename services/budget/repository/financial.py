"""Queries of the region's financial figures (``region_financial_figures``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import FINANCIAL_FIGURES, CsvQuery, T, ToItem, equal
from shared.bulk import UpsertCounts, upsert
from shared.paging import ListParams, Slice, fetch_table_page
from shared.store import ChangeFeed

#: The columns a load writes besides the id.
VALUES = (
    "year",
    "tax_and_grant_revenue",
    "result",
    "balance_adjustments",
    "depreciation",
    "investments",
    "net_debt",
    "source_text",
)


def upsert_figures(
    session: Session, rows: Sequence[dict[str, Any]], feed: ChangeFeed
) -> UpsertCounts:
    """Insert new years, update changed ones, leave identical ones alone (set-based)."""
    return upsert(session, FINANCIAL_FIGURES, rows, keys=["id"], values=list(VALUES), feed=feed)


def figures_page(
    session: Session, params: ListParams, year: int | None, to_item: ToItem[T]
) -> Slice[T | dict[str, Any]]:
    t = FINANCIAL_FIGURES
    return fetch_table_page(
        session, sa.select(t).where(*equal(t, year=year)), t, params=params, to_item=to_item
    )


def figures_csv(year: int | None) -> CsvQuery:
    t = FINANCIAL_FIGURES
    header = ("id", *VALUES, "updated_at", "change_seq")
    statement = sa.select(*[t.c[h] for h in header]).where(*equal(t, year=year)).order_by(t.c.id)
    return CsvQuery(statement, header)


def figures_between(session: Session, first: int, last: int) -> Sequence[Any]:
    """The stored years from ``first`` through ``last``."""
    t = FINANCIAL_FIGURES
    return session.execute(
        sa.select(t).where(t.c.year >= first, t.c.year <= last).order_by(t.c.year)
    ).all()
