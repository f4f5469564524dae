"""The queries that list results: pages (``fetch_table_page``), the CSV export and the
JSON forms, a page of JSON texts and the JSON-lines export.

On Postgres a result's JSON is made by the database (numbers as their exact decimal text
without trailing zeros, times in UTC as ``…Z``, as ``ResultOut`` writes them): a page or an
export is then text handed on, no model built per row. Elsewhere ``result_json`` writes
the same object from the row.
"""

from __future__ import annotations

from collections.abc import Callable
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
)
from shared.store import ChangeFeed

T = TypeVar("T")
#: The columns of a listed result, in the order of the CSV export and of its JSON object.
RESULT_COLUMNS = RESULT_FIELDS


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


#: A result's JSON object, the fields in ``RESULT_COLUMNS`` order, as Postgres text:
#: numbers as their exact decimal text without trailing zeros (``trim_scale``: 79.70 →
#: 79.7, 90.0 → 90), the time in UTC as pydantic writes it (``2024-01-02T03:04:05.123400Z``;
#: no fraction when it is zero), the text values quoted as they are: each is a code the
#: row checks let through (an indicator code, an org unit of the reference, a canonical
#: period, a lower-case slug, a status), none of which can hold a quote, a backslash or
#: a control character (``result_rows``; held by ``test_result_json``). Plain
#: concatenation: a third of the time ``row_to_json`` of the same row takes.
_UTC = "(updated_at AT TIME ZONE 'UTC')::text"
_JSON = (
    """'{"id":' || id"""
    """ || ',"indicator":"' || indicator"""
    """ || '","org_unit":"' || org_unit"""
    """ || '","period":"' || period"""
    """ || '","breakdown":"' || breakdown"""
    """ || '","value":' || coalesce(trim_scale(value)::text, 'null')"""
    """ || ',"numerator":' || coalesce(trim_scale(numerator)::text, 'null')"""
    """ || ',"denominator":' || coalesce(trim_scale(denominator)::text, 'null')"""
    """ || ',"status":"' || status"""
    """ || '","updated_at":"' """
    f"""|| replace(rpad({_UTC}, CASE WHEN length({_UTC}) > 19 THEN 26 ELSE 19 END, '0'), ' ', 'T')"""
    """ || 'Z","change_seq":' || change_seq || '}'"""
)


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
        return _joined_page(session, matching, params)
    return fetch_table_page(
        session,
        matching.apply(_json_select(r.c.id, r.c.change_seq, r.c.updated_at)),
        result_table,
        params=params,
        to_item=_json_text,
        feed=feed,
        resource=RESULT_RESOURCE,
    )


def _joined_page(
    session: Session, matching: ResultFilter, params: ListParams
) -> Slice[str | dict[str, Any]]:
    """The page by id after the cursor, its items' JSON joined by the database; the
    cursor of the next page (``fetch_page``'s form: the last id) when there are more."""
    r = result_table
    after = _id_after(params.cursor)
    rows = matching.apply(_json_select(r.c.id))
    if after is not None:
        rows = rows.where(r.c.id > after)
    page = rows.order_by(r.c.id).limit(params.limit).subquery("page")
    joined, last = session.execute(
        sa.select(
            sa.literal_column("string_agg(page.json, ',' ORDER BY page.id)"),
            sa.func.max(page.c.id),
        ).select_from(page)
    ).one()
    if joined is None:
        return Slice([], None)
    more = session.execute(
        sa.select(sa.exists(matching.apply(sa.select(r.c.id)).where(r.c.id > last)))
    ).scalar()
    return Slice([joined], encode_cursor(int(last)) if more else None)


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
