"""Lists: keyset paging, the change feed (``after_seq`` / ``updated_since``) and tombstones.

Every list answers ``{"items", "next_cursor", "next"}`` in a stable order: by the
resource's key normally, by ``change_seq`` when the caller asks for changes, in which
case deleted rows come as tombstones in the same order.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
from fastapi import Query, Request
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.orm import Session

from shared.errors import InvalidInput, field_error
from shared.store import ChangeFeed

T = TypeVar("T")

MAX_LIMIT = 10_000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    next: str | None


class Tombstone(BaseModel):
    """A deleted row, as the change feed reports it."""

    id: str
    deleted: bool = True
    updated_at: datetime
    change_seq: int


@dataclass(frozen=True)
class ListParams:
    limit: int
    cursor: str | None
    after_seq: int | None
    updated_since: datetime | None

    @property
    def wants_changes(self) -> bool:
        return self.after_seq is not None or self.updated_since is not None


def list_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 100,
    cursor: Annotated[str | None, Query(description="Opaque cursor from `next_cursor`.")] = None,
    after_seq: Annotated[
        int | None, Query(ge=0, description="Only rows changed after this change_seq.")
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None, Query(description="Only rows changed after this time (RFC 3339).")
    ] = None,
) -> ListParams:
    # Stored times are UTC; compare in UTC whatever offset the caller wrote.
    since = updated_since.astimezone(UTC) if updated_since is not None else None
    return ListParams(limit, cursor, after_seq, since)


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        ) from exc


def _next_url(request: Request, cursor: str) -> str:
    return str(request.url.include_query_params(cursor=cursor))


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a listing as the repository read it: the items and the cursor of the
    next page (``None`` on the last). The router turns it into a ``Page`` with ``next``."""

    items: list[T]
    next_cursor: str | None


def fetch_page(
    session: Session,
    stmt: sa.Select[Any],
    *,
    key: sa.ColumnElement[Any],
    seq: sa.ColumnElement[int],
    updated_at: sa.ColumnElement[datetime],
    params: ListParams,
    to_item: Callable[[Any], T],
    feed: ChangeFeed | None = None,
    resource: str = "",
) -> Slice[T | dict[str, Any]]:
    """Read one page of ``stmt``; ``key`` is a unique, orderable column of the resource.

    In change order (``after_seq``/``updated_since``) the page merges the changed rows
    with the resource's tombstones."""
    limit = params.limit
    if params.wants_changes:
        order_col: sa.ColumnElement[Any] = seq
        floor = params.after_seq if params.after_seq is not None else -1
        if params.cursor:
            floor = max(floor, int(_cursor_value(params.cursor, int)))
        stmt = stmt.where(seq > floor)
        if params.updated_since is not None:
            stmt = stmt.where(updated_at > params.updated_since)
    else:
        order_col = key
        if params.cursor:
            stmt = stmt.where(key > _cursor_value(params.cursor, object))
    rows: Sequence[Any] = session.execute(stmt.order_by(order_col).limit(limit + 1)).all()
    items: list[tuple[Any, Any]] = [(_sort_value(r, order_col), to_item(r)) for r in rows]
    if params.wants_changes and feed is not None:
        tombs = feed.tombstones(session, resource, floor, params.updated_since, limit + 1)
        items.extend((t["change_seq"], t) for t in tombs)
        items.sort(key=lambda pair: pair[0])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(items[-1][0]) if more and items else None
    return Slice([item for _, item in items], next_cursor)


def fetch_table_page(
    session: Session,
    stmt: sa.Select[Any],
    table: sa.Table,
    *,
    params: ListParams,
    to_item: Callable[[Any], T],
    key: str = "id",
    feed: ChangeFeed | None = None,
    resource: str = "",
) -> Slice[T | dict[str, Any]]:
    """``fetch_page`` over a listed table: keyed by its ``key`` column, in change order by
    its ``change_seq`` and ``updated_at`` (every listed table has both)."""
    return fetch_page(
        session,
        stmt,
        key=table.c[key],
        seq=table.c.change_seq,
        updated_at=table.c.updated_at,
        params=params,
        to_item=to_item,
        feed=feed,
        resource=resource,
    )


def page_body(request: Request, page: Slice[Any]) -> dict[str, Any]:
    """The HTTP form of a page: items, ``next_cursor`` and the absolute ``next`` URL."""
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "next": _next_url(request, page.next_cursor) if page.next_cursor else None,
    }


def paginate_table(
    session: Session,
    stmt: sa.Select[Any],
    table: sa.Table,
    *,
    params: ListParams,
    request: Request,
    to_item: Callable[[Any], Any],
    key: str = "id",
    feed: ChangeFeed | None = None,
    resource: str = "",
) -> dict[str, Any]:
    """Deprecated during the architecture move (routers use ``fetch_table_page`` through
    their repository and ``page_body``); removed once no service calls it."""
    page = fetch_table_page(
        session, stmt, table, params=params, to_item=to_item, key=key, feed=feed, resource=resource
    )
    return page_body(request, page)


def _sort_value(row: Any, col: sa.ColumnElement[Any]) -> Any:
    name = getattr(col, "key", None) or getattr(col, "name", None)
    value = row._mapping[name] if name in row._mapping else row._mapping[col]
    return value


def _cursor_value(cursor: str, expected: type) -> Any:
    value = decode_cursor(cursor)
    if expected is int and not isinstance(value, int):
        raise InvalidInput(
            "The cursor does not belong to a change-feed listing.",
            errors=[field_error(["query", "cursor"], "wrong cursor kind")],
        )
    if not isinstance(value, int | str):
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        )
    return value
