"""Lists: keyset paging, the change feed (``after_seq`` / ``updated_since``) and tombstones.

Every list answers ``{"items", "next_cursor", "next"}`` in a stable order: by the
resource's key normally, by ``change_seq`` when the caller asks for changes, in which
case deleted rows come as tombstones in the same order. A page in change order reads
the rows and the tombstones in one snapshot (one ``REPEATABLE READ`` transaction on
Postgres; SQLite's transactions are serialised already): a change committed between
two reads would otherwise be stepped over by the page's cursor. ``next`` is built on
the app's public URL (``shared.protection`` sets it), never on a client's ``Host``.

A page that has a next one also names it in a ``Link: <next>; rel="next"`` header (RFC
8288), the same URL as the body's ``next``: a client that keeps pages as they come (a BI
loader staging the raw JSON) follows them without parsing a body. ``page_body`` sets it
on the route's response, which ``list_params`` (the ``Paging`` dependency) hands it; a
route that answers with a ``Response`` of its own passes ``next_link(next)`` as headers.
"""

from __future__ import annotations

import base64
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shared.boundary import MAX_BIGINT, Timestamp
from shared.errors import InvalidInput, field_error
from shared.store import ChangeFeed

T = TypeVar("T")

MAX_LIMIT = 10_000
#: Cursors are url-safe base64 of a short JSON value; change numbers are SQL BIGINTs.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
MAX_CURSOR = 1000
MAX_SEQ = MAX_BIGINT
#: Where ``list_params`` leaves the route's response for ``page_body`` to name the next page.
_RESPONSE_KEY = "shared.paging.response"
#: The characters of a URI other than letters, digits and ``-._~`` (RFC 3986), and ``%``.
_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%"


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
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 100,
    cursor: Annotated[
        str | None,
        Query(
            description="Opaque cursor from `next_cursor`.",
            pattern=CURSOR_PATTERN,
            max_length=MAX_CURSOR,
        ),
    ] = None,
    after_seq: Annotated[
        int | None,
        Query(ge=0, le=MAX_SEQ, description="Only rows changed after this change_seq."),
    ] = None,
    updated_since: Annotated[
        Timestamp | None, Query(description="Only rows changed after this time (RFC 3339).")
    ] = None,
) -> ListParams:
    # The response FastAPI merges into a route's answer when the route returns data (a
    # ``page_body``), not when it returns a ``Response`` of its own (``next_link``).
    request.scope[_RESPONSE_KEY] = response
    # Stored times are UTC; ``Timestamp`` gives UTC whatever offset the caller wrote.
    return ListParams(limit, cursor, after_seq, updated_since)


#: ``params: Paging`` — a listing's ``limit``, ``cursor``, ``after_seq`` and ``updated_since``.
Paging = Annotated[ListParams, Depends(list_params)]


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        ) from exc


def _next_url(request: Request, cursor: str) -> str:
    return str(request.url.include_query_params(cursor=cursor))


def next_link(next_url: str | None) -> dict[str, str]:
    """The headers of a page whose body's ``next`` is ``next_url``: ``Link`` naming the
    next page (RFC 8288), none on the last page."""
    if not next_url:
        return {}
    # A header is ASCII and a link target a URI: a path of the request may hold other
    # characters (a URL's own reserved characters and escapes stay as they are).
    return {"Link": f'<{quote(next_url, safe=_URI_CHARACTERS)}>; rel="next"'}


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
            floor = max(floor, _cursor_value(params.cursor, int))
        stmt = stmt.where(seq > floor)
        if params.updated_since is not None:
            stmt = stmt.where(updated_at > params.updated_since)
    else:
        order_col = key
        if params.cursor:
            stmt = stmt.where(key > _cursor_value(params.cursor, _key_type(key)))
    stmt = stmt.order_by(order_col).limit(limit + 1)
    if not (params.wants_changes and feed is not None):
        rows: Sequence[Any] = session.execute(stmt).all()
        # One read, already in order: the items as they come, and the sort key of the
        # page's last row only (it makes the next cursor), not of every row.
        more = len(rows) > limit
        page = rows[:limit]
        next_cursor = encode_cursor(_sort_value(page[-1], order_col)) if more and page else None
        return Slice([to_item(r) for r in page], next_cursor)
    with one_snapshot(session) as reader:
        rows = reader.execute(stmt).all()
        tombs = feed.tombstones(reader, resource, floor, params.updated_since, limit + 1)
    # Rows and tombstones each come in change order: merged by their change numbers,
    # the key of each row read by its position in the row (found once, not per row).
    seq_of = _sort_key(rows, order_col)
    items: list[tuple[Any, T | dict[str, Any]]] = [(seq_of(r), to_item(r)) for r in rows]
    items.extend((t["change_seq"], t) for t in tombs)
    items.sort(key=_first)
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(items[-1][0]) if more and items else None
    return Slice([item for _, item in items], next_cursor)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


@contextmanager
def one_snapshot(session: Session) -> Iterator[Session | sa.Connection]:
    """Something to run several reads on that all see the same committed state.

    On Postgres: the session itself when its transaction is yet to begin (it begins as
    ``REPEATABLE READ``), else a connection of its own in a ``REPEATABLE READ``
    transaction (what the session read before may be older; the reads here agree with
    each other). SQLite's transactions begin ``IMMEDIATE`` and no writer commits while one
    is open, so the session already reads one state.
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        yield session
        return
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session
        return
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
        conn.begin(),
    ):
        yield conn


@contextmanager
def one_statement(session: Session) -> Iterator[Session]:
    """The session, to read with a single statement that needs no transaction around it.

    On Postgres, when the session's transaction is yet to begin, the statement runs in
    autocommit (one statement sees one snapshot by itself): no ``BEGIN`` and ``ROLLBACK``
    round trips around it, each a wake-up of the server and of this process, which on a
    loaded machine costs more than sending the statement. The connection goes back to
    the pool afterwards (restored to the engine's isolation level there), so a later
    statement of the session begins a transaction as usual. Elsewhere, or inside a
    transaction already begun, the session as it is.
    """
    if session.get_bind().dialect.name != "postgresql" or session.in_transaction():
        yield session
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        yield session
    finally:
        session.rollback()


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
    """The HTTP form of a page: items, ``next_cursor`` and the absolute ``next`` URL; the
    route's response (``list_params``) gets the ``Link`` header naming ``next``."""
    next_url = _next_url(request, page.next_cursor) if page.next_cursor else None
    response = request.scope.get(_RESPONSE_KEY)
    if isinstance(response, Response):
        response.headers.update(next_link(next_url))
    return {"items": page.items, "next_cursor": page.next_cursor, "next": next_url}


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


def _sort_key(rows: Sequence[Any], col: sa.ColumnElement[Any]) -> Callable[[Any], Any]:
    """What ``_sort_value`` reads from each of ``rows`` (all of one statement), as a
    positional getter when the column is among the rows' fields by name."""
    name = getattr(col, "key", None) or getattr(col, "name", None)
    fields = rows[0]._fields if rows else ()
    if name in fields and fields.count(name) == 1:
        return operator.itemgetter(fields.index(name))
    return lambda row: _sort_value(row, col)


def _key_type(key: sa.ColumnElement[Any]) -> type:
    """The Python type of a listing's key column: what its cursors must hold."""
    try:
        python_type = key.type.python_type
    except NotImplementedError:
        return object
    return python_type if python_type in (int, str) else object


def _cursor_value(cursor: str, expected: type) -> Any:
    """The value a cursor holds, checked against the key column it is compared with (a
    string compared with an integer column is an error on Postgres, not an empty page)."""
    value = decode_cursor(cursor)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        )
    if expected is not object and not isinstance(value, expected):
        kind = "a change-feed listing" if expected is int else "this listing"
        raise InvalidInput(
            f"The cursor does not belong to {kind}.",
            errors=[field_error(["query", "cursor"], "wrong cursor kind")],
        )
    if isinstance(value, int) and not -MAX_SEQ - 1 <= value <= MAX_SEQ:
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "cursor out of range")],
        )
    if isinstance(value, str) and ("\x00" in value or len(value) > MAX_CURSOR):
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        )
    return value
