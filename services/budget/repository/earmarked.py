"""Queries of earmarked money (riktade medel)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget.repository.store import (
    EARMARKED,
    CsvQuery,
    T,
    ToItem,
    equal,
    readable,
    stamp,
)
from shared.paging import ListParams, Slice, fetch_table_page
from shared.store import ChangeFeed


def earmarked_row(session: Session, eid: str, *, for_update: bool = False) -> Any | None:
    """An entry; with ``for_update`` its row is locked until the transaction ends."""
    stmt = sa.select(EARMARKED).where(EARMARKED.c.id == eid)
    return session.execute(stmt.with_for_update() if for_update else stmt).first()


def save_earmarked(
    session: Session, eid: str, values: dict[str, Any], seq: int, *, new: bool
) -> None:
    """Insert (``new``) or update an earmarked entry with ``values`` (its stated columns)."""
    if new:
        session.execute(sa.insert(EARMARKED).values(id=eid, **values, **stamp(seq)))
    else:
        session.execute(
            sa.update(EARMARKED).where(EARMARKED.c.id == eid).values(**values, **stamp(seq))
        )


def delete_earmarked(session: Session, eid: str) -> None:
    session.execute(sa.delete(EARMARKED).where(EARMARKED.c.id == eid))


#: Built once (building a statement costs more than running it).
_EARMARKED_OF = (
    sa.select(EARMARKED)
    .where(
        EARMARKED.c.org_unit == sa.bindparam("org_unit"), EARMARKED.c.year == sa.bindparam("year")
    )
    .order_by(EARMARKED.c.id)
)


def earmarked_of(session: Session, org_unit: str, year: int) -> Sequence[Any]:
    return session.execute(_EARMARKED_OF, {"org_unit": org_unit, "year": year}).all()


def earmarked_page(
    session: Session,
    feed: ChangeFeed,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    to_item: ToItem[T],
) -> Slice[T | dict[str, Any]]:
    """A page of earmarked money; in change order deletions come as tombstones."""
    return fetch_table_page(
        session,
        sa.select(EARMARKED).where(
            *equal(EARMARKED, org_unit=org_unit, year=year), *readable(EARMARKED, org_units)
        ),
        EARMARKED,
        params=params,
        to_item=to_item,
        feed=feed,
        resource="earmarked",
    )


def earmarked_csv(
    org_unit: str | None, year: int | None, org_units: Collection[str] | None
) -> CsvQuery:
    header = (
        *("id", "org_unit", "year", "kind", "purpose", "amount", "used_amount", "line"),
        *("assignment_id", "allocation_key", "decision", "counterparty", "co_org_units"),
        *("updated_at", "change_seq"),
    )
    statement = (
        sa.select(*[EARMARKED.c[h] for h in header])
        .where(*equal(EARMARKED, org_unit=org_unit, year=year), *readable(EARMARKED, org_units))
        .order_by(EARMARKED.c.id)
    )
    return CsvQuery(statement, header)
