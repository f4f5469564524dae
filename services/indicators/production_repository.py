"""Every query of the production volumes and the goal-tree links: the volume indicators,
their results in the periods a comparison reads, and the links of a strategy tree.
No rule, no commit (``production.py`` and ``goal_trees.py`` hold those)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators.models import goal_tree_link_table, indicator_table, result_table

Row = sa.Row[*tuple[Any, ...]]


def volume_indicators(session: Session, code: str | None) -> Sequence[Row]:
    """The production volumes (``kind = 'volume'``), or the one named, by code."""
    i = indicator_table
    stmt = sa.select(i).where(i.c.kind == "volume")
    if code is not None:
        stmt = stmt.where(i.c.code == code)
    return session.execute(stmt.order_by(i.c.code)).all()


def indicator_kind(session: Session, code: str) -> str | None:
    i = indicator_table
    kind: str | None = session.execute(
        sa.select(i.c.kind).where(i.c.code == code)
    ).scalar_one_or_none()
    return kind


def volume_results(
    session: Session, org_units: Sequence[str], periods: Sequence[str], code: str | None
) -> Sequence[Row]:
    """The results of volume indicators of ``org_units`` stored for ``periods`` (one query):
    org unit, indicator, breakdown, period, value, status, numerator and denominator, in
    this order (that of ``evaluation_repository.results_of``, read by position)."""
    r, i = result_table, indicator_table
    stmt = (
        sa.select(
            r.c.org_unit,
            r.c.indicator,
            r.c.breakdown,
            r.c.period,
            r.c.value,
            r.c.status,
            r.c.numerator,
            r.c.denominator,
        )
        .join(i, i.c.code == r.c.indicator)
        .where(i.c.kind == "volume", r.c.org_unit.in_(org_units), r.c.period.in_(periods))
    )
    if code is not None:
        stmt = stmt.where(r.c.indicator == code)
    return session.execute(stmt).all()


# --------------------------------------------------------------------------- goal-tree links


def tree_links(session: Session, tree: str) -> Sequence[Row]:
    """The links of one strategy tree with each indicator's name and kind, by node and code."""
    link, i = goal_tree_link_table, indicator_table
    stmt = (
        sa.select(link.c.node, link.c.indicator, link.c.reason, i.c.name, i.c.kind)
        .join(i, i.c.code == link.c.indicator)
        .where(link.c.tree == tree)
        .order_by(link.c.node, link.c.indicator)
    )
    return session.execute(stmt).all()


def link_count(session: Session) -> int:
    count: int = session.execute(
        sa.select(sa.func.count()).select_from(goal_tree_link_table)
    ).scalar_one()
    return count


def insert_links(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(goal_tree_link_table), rows)


def existing_codes(session: Session, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` are indicators in the catalogue."""
    i = indicator_table
    return set(session.execute(sa.select(i.c.code).where(i.c.code.in_(codes))).scalars())
