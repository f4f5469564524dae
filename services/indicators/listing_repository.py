"""The queries that list results: pages (``fetch_table_page``), the CSV export and the
JSON forms, a page of JSON texts and the JSON-lines export.

On Postgres a result's JSON is made by the database (numbers as their exact decimal text
without trailing zeros, times in UTC as ``…Z``, as ``ResultOut`` writes them): a page or an
export is then text handed on, no model built per row. Elsewhere ``result_json`` writes
the same object from the row.

A loader walking the pages by id (``limit`` ≥ ``AHEAD_MIN_LIMIT``, a cursor given) has
its next two pages read ahead, at once, while the current one is sent (``_PagesAhead``):
two database sessions work on pages k+1 and k+2 while this process and the client move
page k. Why two: the database writing the pages' JSON is what a loader waits for (about
1.7 s of its CPU per million results, where ``COPY`` spends 0.6), and one session uses
one core of it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators.models import result_table
from services.indicators.repository import RESULT_RESOURCE, CsvExport, ResultFilter, Row
from services.indicators.result_json import RESULT_FIELDS, result_json
from shared.errors import InvalidInput, field_error
from shared.paging import (
    MAX_SEQ,
    ListParams,
    Slice,
    decode_cursor,
    encode_cursor,
    fetch_table_page,
    one_statement,
)
from shared.store import ChangeFeed

T = TypeVar("T")
#: The columns of a listed result, in the order of the CSV export and of its JSON object.
RESULT_COLUMNS = RESULT_FIELDS


class _PageRead(NamedTuple):
    """A page by id as one statement read it: the page, the change counter in the same
    snapshot, and the id the page after the next one starts after (the cursor of the page
    after next: ``None`` when there is none, or when it was not asked for)."""

    page: Slice[str | dict[str, Any]]
    version: int
    after_next: int | None


class JsonLinesExport(NamedTuple):
    """Results to stream as JSON lines: a statement of one text column, each row a result's
    JSON (Postgres), or the listed columns with ``render`` making each line (elsewhere)."""

    statement: sa.Select[Any]
    render: Callable[[Row], str] | None
    filename: str


def _listed_results(matching: ResultFilter) -> sa.Select[Any]:
    r = result_table
    return matching.apply(sa.select(*[r.c[c].label(c) for c in RESULT_COLUMNS]))


def _in_change_order(stmt: sa.Select[Any], params: ListParams) -> sa.Select[Any]:
    """Every row by id, or the changed ones in change order (an export has no tombstones)."""
    r = result_table
    if params.after_seq is not None:
        stmt = stmt.where(r.c.change_seq > params.after_seq)
    if params.updated_since is not None:
        stmt = stmt.where(r.c.updated_at > params.updated_since)
    return stmt.order_by(r.c.change_seq if params.wants_changes else r.c.id)


def results_page(
    session: Session,
    matching: ResultFilter,
    *,
    params: ListParams,
    feed: ChangeFeed,
    to_item: Callable[[Row], T],
) -> Slice[T | dict[str, Any]]:
    """A page of results by id; in change order with the deleted ones as tombstones."""
    return fetch_table_page(
        session,
        _listed_results(matching),
        result_table,
        params=params,
        to_item=to_item,
        feed=feed,
        resource=RESULT_RESOURCE,
    )


def results_export(matching: ResultFilter, params: ListParams) -> CsvExport:
    """Every result matching, by id, or changed ones in change order (no tombstones)."""
    stmt = _in_change_order(_listed_results(matching), params)
    return CsvExport(stmt, list(RESULT_COLUMNS), "results")


#: A result's time in UTC as Postgres writes it (``2024-01-02 03:04:05.1234``: the
#: fraction without its trailing zeros, none when it is zero).
_UTC = "(updated_at AT TIME ZONE 'UTC')::text"


def _json_of(table: str, utc: str) -> str:
    """A result's JSON object as Postgres text, from the columns of ``table`` (a name or
    alias, "" for none) and ``utc``, the SQL of its time as ``_UTC`` gives it.

    The fields in ``RESULT_COLUMNS`` order; numbers as their exact decimal text without
    trailing zeros (``trim_scale``: 79.70 → 79.7, 90.0 → 90), the time as pydantic writes
    it (``2024-01-02T03:04:05.123400Z``: the fraction padded to microseconds, none when it
    is zero), the text values quoted as they are: each is a code the row checks let
    through (an indicator code, an org unit of the reference, a canonical period, a
    lower-case slug, a status), none of which can hold a quote, a backslash or a control
    character (``result_rows``; held by ``test_result_json``). Plain concatenation: about
    0.6 of the database time ``row_to_json`` of the same columns takes.
    """
    c = f"{table}." if table else ""
    return (
        f"""'{{"id":' || {c}id"""
        f""" || ',"indicator":"' || {c}indicator"""
        f""" || '","org_unit":"' || {c}org_unit"""
        f""" || '","period":"' || {c}period"""
        f""" || '","breakdown":"' || {c}breakdown"""
        f""" || '","value":' || coalesce(trim_scale({c}value)::text, 'null')"""
        f""" || ',"numerator":' || coalesce(trim_scale({c}numerator)::text, 'null')"""
        f""" || ',"denominator":' || coalesce(trim_scale({c}denominator)::text, 'null')"""
        f""" || ',"status":"' || {c}status"""
        f""" || '","updated_at":"' """
        f"""|| replace(rpad({utc}, CASE WHEN length({utc}) > 19 THEN 26 ELSE 19 END, '0'),"""
        """ ' ', 'T')"""
        f""" || 'Z","change_seq":' || {c}change_seq || '}}'"""
    )


#: A result's JSON object, from a statement reading the result table.
_JSON = _json_of("", _UTC)


def _json_select(*columns: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """``columns`` and the result's JSON text (``json``), from the result table."""
    return sa.select(*columns, sa.literal_column(_JSON).label("json")).select_from(result_table)


def results_json_page(
    session: Session, matching: ResultFilter, *, params: ListParams, feed: ChangeFeed
) -> Slice[str | dict[str, Any]]:
    """A page of results (as ``results_page``) as JSON texts, each holding one or more
    items (joined by commas); tombstones as dicts. On Postgres, a page by id is one row
    from the database: its items' JSON already joined, nothing done per row here."""
    if session.get_bind().dialect.name != "postgresql":
        return results_page(session, matching, params=params, feed=feed, to_item=result_json)
    r = result_table
    if not params.wants_changes:
        return _joined_page(session, matching, params, feed)
    return fetch_table_page(
        session,
        matching.apply(_json_select(r.c.id, r.c.change_seq, r.c.updated_at)),
        result_table,
        params=params,
        to_item=_json_text,
        feed=feed,
        resource=RESULT_RESOURCE,
    )


#: The smallest page worth reading ahead: a loader's, not a screen's (a page of 100 is
#: sent at once, and its next is seldom asked for).
AHEAD_MIN_LIMIT = 1000


class _PagesAhead:
    """Pages by id read ahead on two threads of their own (a loader's next two pages at
    once), by listing (engine, filter, limit) and cursor; a few at a time, the oldest
    dropped (its client stopped walking).

    Each page is read with the service's change counter in the same statement (one
    snapshot), and handed out only while the counter still reads that number: every
    committed write moves it (``shared.store.ChangeFeed``), so no write came in between
    and the page is the one a fresh read gives (what the read cache relies on too);
    else it is read afresh.
    """

    def __init__(self, keep: int = 6) -> None:
        self._keep = keep
        self._pending: OrderedDict[Hashable, Future[_PageRead]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="results-page-ahead")

    def take(self, key: Hashable) -> Future[_PageRead] | None:
        with self._lock:
            return self._pending.pop(key, None)

    def start(self, key: Hashable, engine: sa.Engine, stmt: sa.Select[Any]) -> None:
        with self._lock:
            if key in self._pending:
                return
            self._pending[key] = self._pool.submit(_read_ahead, engine, stmt)
            while len(self._pending) > self._keep:
                _, dropped = self._pending.popitem(last=False)
                dropped.cancel()


_AHEAD = _PagesAhead()


def _read_ahead(engine: sa.Engine, stmt: sa.Select[Any]) -> _PageRead:
    """A page and the change counter, read in one statement outside a transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return _page_read(conn.execute(stmt).one())


def _joined_page(
    session: Session, matching: ResultFilter, params: ListParams, feed: ChangeFeed
) -> Slice[str | dict[str, Any]]:
    """The page by id after the cursor, its items' JSON joined by the database; the
    cursor of the next page (``fetch_page``'s form: the last id) when there are more.

    One statement, outside a transaction (``one_statement``), unless the page was read
    ahead (``_PagesAhead``) and no write committed since: then one read of the change
    counter. A page of a loader walking the listing starts the reads of the next two that
    are not read already (where the one after next starts, its read found out).
    """
    after = _id_after(params.cursor)
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    counter = feed.t.change_counter
    listing = (engine, matching, params.limit)
    loader = after is not None and params.limit >= AHEAD_MIN_LIMIT
    read: _PageRead | None = None
    ahead = _AHEAD.take((listing, after)) if after is not None else None
    # One not begun yet (behind other listings' on the threads) is read here instead.
    if ahead is not None and not ahead.cancel():
        try:
            found: _PageRead | None = ahead.result()
        except Exception:  # read afresh below, where an error is answered as usual
            found = None
        if found is not None:
            with one_statement(session) as reader:
                now = reader.execute(_counter_now(counter)).scalar_one()
            read = found if now == found.version else None
    if read is None:
        stmt = _page_statement(matching, after, params.limit, counter, after_next=loader)
        with one_statement(session) as reader:
            read = _page_read(reader.execute(stmt).one())
    if loader and read.page.next_cursor:
        for following in (_id_after(read.page.next_cursor), read.after_next):
            if following is not None:
                stmt = _page_statement(matching, following, params.limit, counter, after_next=True)
                _AHEAD.start((listing, following), engine, stmt)
    return read.page


def _counter_now(counter: sa.Table) -> sa.Select[Any]:
    return sa.select(counter.c.last_seq).where(counter.c.id == 1)


def _page_statement(
    matching: ResultFilter,
    after: int | None,
    limit: int,
    counter: sa.Table,
    *,
    after_next: bool = False,
) -> sa.Select[Any]:
    """The page's rows in id order (the primary key read in order from the cursor on, no
    sort), each row's time turned into text once (the page subquery has a LIMIT, so
    Postgres does not fold its columns into the expression that reads the time twice),
    the items' JSON joined in id order, the last id, the first matching id after it, if
    any, the change counter and, ``after_next``, the last id of the next page when a
    matching result follows it (the page after next starts after it: a walk of the primary
    key's index over one page of ids, about a tenth of the page's own read)."""
    r = result_table
    rows = matching.apply(
        sa.select(
            *[r.c[c] for c in RESULT_COLUMNS if c != "updated_at"],
            sa.literal_column(_UTC).label("utc"),
        )
    )
    if after is not None:
        rows = rows.where(r.c.id > after)
    page = rows.order_by(r.c.id).limit(limit).subquery("page")
    last = sa.func.max(page.c.id)
    # The first matching id beyond the page, asked in id order so that Postgres reads
    # the primary key from the page's last id on: as ``EXISTS`` it would plan a scan of
    # the table in storage order, which reads past every row of the pages before.
    beyond = (
        matching.apply(sa.select(r.c.id)).where(r.c.id > last).order_by(r.c.id).limit(1)
    ).scalar_subquery()
    next_ends: sa.ColumnElement[Any] = sa.null()
    if after_next:
        # The ids at the next page's end and just beyond it (an array: Postgres allows no
        # aggregate of the outer statement in a FROM subquery); the end is the cursor of
        # the page after next, which is there only when an id follows.
        ends = (
            matching.apply(sa.select(r.c.id))
            .where(r.c.id > last)
            .order_by(r.c.id)
            .offset(limit - 1)
            .limit(2)
        )
        next_ends = sa.func.array(ends.scalar_subquery())
    return sa.select(
        sa.literal_column(f"string_agg({_json_of('page', 'page.utc')}, ',' ORDER BY page.id)"),
        last,
        beyond,
        _counter_now(counter).scalar_subquery(),
        next_ends,
    ).select_from(page)


def _page_read(row: Any) -> _PageRead:
    joined, last_id, following, version, next_ends = row
    if joined is None:
        return _PageRead(Slice([], None), int(version), None)
    more = following is not None
    page: Slice[str | dict[str, Any]] = Slice(
        [joined], encode_cursor(int(last_id)) if more else None
    )
    after_next = int(next_ends[0]) if next_ends is not None and len(next_ends) == 2 else None
    return _PageRead(page, int(version), after_next)


def _id_after(cursor: str | None) -> int | None:
    """The id a cursor of this listing holds (``shared.paging``'s checks: 422 for one it
    did not hand out)."""
    if not cursor:
        return None
    value = decode_cursor(cursor)
    if isinstance(value, str):
        raise InvalidInput(
            "The cursor does not belong to this listing.",
            errors=[field_error(["query", "cursor"], "wrong cursor kind")],
        )
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not -MAX_SEQ - 1 <= value <= MAX_SEQ
    ):
        raise InvalidInput(
            "The cursor is not one this service handed out.",
            errors=[field_error(["query", "cursor"], "malformed cursor")],
        )
    return value


def _json_text(row: Row) -> str:
    text: str = row.json
    return text


def results_json_export(
    matching: ResultFilter, params: ListParams, *, postgres: bool
) -> JsonLinesExport:
    """Every result matching (as ``results_export``), one JSON object a line."""
    if postgres:
        stmt = _in_change_order(matching.apply(_json_select()), params)
        return JsonLinesExport(stmt, None, "results")
    return JsonLinesExport(
        _in_change_order(_listed_results(matching), params), result_json, "results"
    )
