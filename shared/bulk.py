"""Bulk loads: reading a body of rows, validating each, and a set-based upsert.

A body is a JSON list of objects or CSV. CSV comes in two forms, told apart by the
header line: the API form (comma-separated, decimal point) and what Excel writes in a
Swedish locale (semicolon-separated, decimal comma, maybe a UTF-8 BOM). A value that is
ambiguous in its form (``1.234`` in the Swedish form) is rejected, never guessed.

``upsert`` writes validated rows with one staging table and a handful of set-based
statements, whatever the row count: COPY into the staging table on Postgres.

Reading CSV (the two forms, strict quoting, cell limits, batches) is ``shared.bulk_csv``.
Past 400 lines still, because the rest is one path a load takes, whose parts share the
row types (``RowError``, ``LoadReport``, ``UpsertCounts``): validation, then the three
ways of writing set-based (rows in memory, records, a stream), whose staging, COPY and
merge steps are the same on each.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import Request
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from shared.bulk_csv import csv_rows, is_ambiguous
from shared.errors import BadRequest, InvalidInput, UnsupportedMediaType, field_error
from shared.store import ChangeFeed, utcnow

M = TypeVar("M", bound=BaseModel)


class LoadMode(StrEnum):
    atomic = "atomic"
    partial = "partial"


class RowError(BaseModel):
    row: int
    errors: list[dict[str, Any]]


class LoadReport(BaseModel):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = []
    dry_run: bool = False


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


async def read_rows(request: Request, numeric_fields: set[str]) -> list[dict[str, Any]]:
    """The rows of a load body, JSON or CSV, numbers normalised to the API form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if not body.strip():
        raise BadRequest("The body is empty; send a JSON list of rows or CSV with a header line.")
    if content_type in ("application/json", ""):
        return _json_rows(body)
    if content_type in ("text/csv", "application/csv"):
        return csv_rows(body, numeric_fields)
    raise UnsupportedMediaType(
        f"Content type {content_type!r} is not accepted; use application/json or text/csv."
    )


def _json_rows(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}.") from exc
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise InvalidInput(
            "The body must be a JSON list of rows.", errors=[field_error(["body"], "not a list")]
        )
    return data


def validate_rows(
    rows: list[dict[str, Any]], model: type[M]
) -> tuple[list[tuple[int, M]], list[RowError]]:
    """Validate every row; returns the good ones with their row numbers, and the rejections."""
    adapter = TypeAdapter(model)
    good: list[tuple[int, M]] = []
    rejected: list[RowError] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            rejected.append(
                RowError(row=number, errors=[field_error([], "a row must be an object")])
            )
            continue
        if "__csv_error__" in row:
            where = [row["__column__"]] if row.get("__column__") else []
            rejected.append(RowError(row=number, errors=[field_error(where, row["__csv_error__"])]))
            continue
        ambiguous = [k for k, v in row.items() if is_ambiguous(v)]
        if ambiguous:
            rejected.append(
                RowError(
                    row=number,
                    errors=[
                        field_error(
                            [k], f"{row[k]!r} is not a number in this CSV form (ambiguous or text)"
                        )
                        for k in ambiguous
                    ],
                )
            )
            continue
        try:
            good.append((number, adapter.validate_python(row)))
        except ValidationError as exc:
            rejected.append(
                RowError(
                    row=number,
                    errors=[field_error(_loc(e["loc"]), e["msg"]) for e in exc.errors()],
                )
            )
    return good, rejected


def _loc(loc: Sequence[Any]) -> list[str | int]:
    """A validation error's place: names as text, list indexes kept as integers."""
    return [p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc]


def reject_if_atomic(mode: LoadMode, rejected: list[RowError], total: int) -> None:
    """In atomic mode any bad row rejects the whole load, with every bad row named."""
    if mode is LoadMode.atomic and rejected:
        raise InvalidInput(
            f"{len(rejected)} of {total} rows are invalid; nothing was written "
            f"(first: row {rejected[0].row}). Use mode=partial to write the good rows.",
            errors=[e for r in rejected[:20] for e in _with_row(r)],
            extra={"rejected": [r.model_dump() for r in rejected[:1000]]},
        )


def _with_row(r: RowError) -> list[dict[str, Any]]:
    return [{"loc": ["body", r.row, *e["loc"]], "msg": e["msg"], "row": r.row} for e in r.errors]


def upsert(
    session: Session,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
) -> UpsertCounts:
    """Insert new rows, update changed ones, leave identical ones alone; set-based.

    ``table`` must have ``change_seq`` and ``updated_at``; each written row gets its
    own change number from one allocation. Duplicate keys within ``rows``: the last wins.
    """
    cols = [*keys, *values]
    return upsert_records(
        session,
        table,
        [tuple(row.get(c) for c in cols) for row in rows],
        keys=keys,
        values=values,
        feed=feed,
    )


def upsert_records(
    session: Session,
    table: sa.Table,
    records: Sequence[Sequence[Any]],
    *,
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
) -> UpsertCounts:
    """``upsert`` for rows given as sequences in the order ``[*keys, *values]``.

    The fast path for big loads (no dict per row). Values may be Python objects or, for
    numeric columns, their text in the API form (``79.7``). Duplicate keys: the last wins.

    On Postgres the rows are COPYed into a temporary table and merged with one
    ``INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM`` when ``table`` has a
    unique constraint or index on ``keys``; change numbers are then allocated for every
    distinct row of the load, so a load with unchanged rows leaves gaps in ``change_seq``
    (numbers still grow and never repeat). Elsewhere a handful of set-based statements.
    """
    if not records:
        return UpsertCounts(0, 0, 0)
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres and _has_unique(table, keys):
        return _upsert_postgres(session, table, records, keys, values, feed)
    cols = [*keys, *values]
    latest = _last_per_key(records, len(keys))
    staging = sa.Table(
        f"staging_{uuid.uuid4().hex[:12]}",
        sa.MetaData(),
        *[sa.Column(c, table.c[c].type) for c in cols],
        prefixes=["TEMPORARY"],
    )
    staging.create(conn)
    try:
        if postgres:
            _copy_in(conn, staging.name, cols, latest)
            conn.exec_driver_sql(f'ANALYZE "{staging.name}"')
        else:
            conn.execute(sa.insert(staging), [dict(zip(cols, r, strict=True)) for r in latest])
        return _merge(session, table, staging, keys, values, feed)
    finally:
        staging.drop(conn)


#: A fresh pass over the rows of a load, batch by batch (see ``upsert_stream``).
Batches = Callable[[], Iterable[Sequence[Sequence[Any]]]]


def upsert_stream(
    session: Session,
    table: sa.Table,
    batches: Batches,
    *,
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
    limit: int,
) -> UpsertCounts:
    """``upsert_records`` for rows that come in batches, each written while the next is made.

    ``batches()`` gives the rows (sequences in ``[*keys, *values]`` order) batch by batch;
    it may be called a second time and must then give the same rows again. ``limit`` is
    an upper bound of their number (change numbers are allocated for it up front, so a
    load may leave gaps in ``change_seq``). An exception raised by the batches (a load
    rejected after its last row was checked) propagates, and the transaction must then be
    rolled back: what was written is part of it.

    On Postgres, when ``table`` has a unique constraint on ``keys`` and the first row's
    key is new, every batch is COPYed straight into ``table`` as it comes (so the caller
    checks batch k+1 while the database stores batch k). On a key already stored or
    repeated in the load, that is rolled back to a savepoint and a second pass COPYs the
    rows into a staging table, merged with ``INSERT … ON CONFLICT`` (the last of a
    repeated key wins). Elsewhere the rows are gathered and given to ``upsert_records``.
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql" or not _has_unique(table, keys):
        records = [r for batch in batches() for r in batch]
        return upsert_records(session, table, records, keys=keys, values=values, feed=feed)
    rows = iter(batches())
    head = next((b for b in rows if b), None)
    if head is None:
        return UpsertCounts(0, 0, 0)
    first = feed.allocate(session, limit)
    stamp = utcnow().isoformat()
    cols = [*keys, *values, "change_seq", "updated_at"]
    probe = sa.select(sa.literal(1)).where(
        *[table.c[k] == v for k, v in zip(keys, head[0], strict=False)]
    )
    if session.execute(probe).first() is None:
        savepoint = conn.begin_nested()
        try:
            count = _copy_stream(
                conn,
                _qualified(conn, table),
                cols,
                itertools.chain([head], rows),
                first,
                stamp,
                limit,
            )
            savepoint.commit()
            return UpsertCounts(count, 0, 0)
        except sa.exc.IntegrityError:
            savepoint.rollback()
        except Exception as exc:  # psycopg's own UniqueViolation, raised outside SQLAlchemy
            if type(exc).__name__ != "UniqueViolation":
                raise
            savepoint.rollback()
        rows = iter(batches())
    else:
        rows = itertools.chain([head], rows)
    staging = sa.Table(
        f"staging_{uuid.uuid4().hex[:12]}",
        sa.MetaData(),
        *[sa.Column(c, table.c[c].type) for c in [*keys, *values]],
        sa.Column("change_seq", sa.BigInteger),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        prefixes=["TEMPORARY"],
    )
    staging.create(conn)
    try:
        _copy_stream(conn, staging.name, cols, rows, first, stamp, limit)
        # The last of a repeated key wins: it has the higher change number.
        later = staging.alias("later")
        session.execute(
            sa.delete(staging).where(
                *[staging.c[k] == later.c[k] for k in keys],
                staging.c.change_seq < later.c.change_seq,
            )
        )
        count = session.execute(sa.select(sa.func.count()).select_from(staging)).scalar_one()
        return _merge_on_conflict(session, table, staging, keys, values, int(count))
    finally:
        staging.drop(conn)


def _copy_stream(
    conn: sa.Connection,
    name: str,
    cols: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    first: int,
    stamp: str,
    limit: int,
) -> int:
    """COPY batches of records into ``name`` as they come; returns the number of rows.

    The two last columns of ``cols`` get consecutive change numbers from ``first`` (at
    most ``limit`` of them) and ``stamp``.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in cols)
    target = name if name.startswith('"') else f'"{name}"'
    block = 25_000
    count = 0
    with driver.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for batch in batches:
            for start in range(0, len(batch), block):
                chunk = batch[start : start + block]
                if count + len(chunk) > limit:
                    raise ValueError(f"more than the {limit} rows announced")
                seq0 = first + count
                extra = [list(map(str, range(seq0, seq0 + len(chunk)))), [stamp] * len(chunk)]
                copy.write(_copy_block(chunk, extra).encode())
                count += len(chunk)
    return count


def _last_per_key(records: Sequence[Sequence[Any]], nkeys: int) -> list[Sequence[Any]]:
    """Last row wins for a key repeated within one load (a dict keeps the last value)."""
    return list({tuple(r[:nkeys]): r for r in records}.values())


def _upsert_postgres(
    session: Session,
    table: sa.Table,
    records: Sequence[Sequence[Any]],
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
) -> UpsertCounts:
    """One allocation, then either a straight COPY (no key exists yet) or COPY + ON CONFLICT.

    The straight COPY is tried when the first row's key is new; the unique constraint
    guards it (a key already stored, or repeated within the load, makes it fail), and on
    a clash it is rolled back to a savepoint and the merge runs.
    """
    conn = session.connection()
    first = feed.allocate(session, len(records))
    stamp = (first, utcnow().isoformat())
    cols = [*keys, *values, "change_seq", "updated_at"]
    probe = sa.select(sa.literal(1)).where(
        *[table.c[k] == v for k, v in zip(keys, records[0], strict=False)]
    )
    if session.execute(probe).first() is None:
        savepoint = conn.begin_nested()
        try:
            _copy_in(conn, _qualified(conn, table), cols, records, stamp)
            savepoint.commit()
            return UpsertCounts(len(records), 0, 0)
        except sa.exc.IntegrityError:
            savepoint.rollback()
        except Exception as exc:  # psycopg's own UniqueViolation, raised outside SQLAlchemy
            if type(exc).__name__ != "UniqueViolation":
                raise
            savepoint.rollback()
    latest = _last_per_key(records, len(keys))
    staging = sa.Table(
        f"staging_{uuid.uuid4().hex[:12]}",
        sa.MetaData(),
        *[sa.Column(c, table.c[c].type) for c in [*keys, *values]],
        sa.Column("change_seq", sa.BigInteger),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        prefixes=["TEMPORARY"],
    )
    staging.create(conn)
    try:
        _copy_in(conn, staging.name, cols, latest, stamp)
        return _merge_on_conflict(session, table, staging, keys, values, len(latest))
    finally:
        staging.drop(conn)


def _qualified(conn: sa.Connection, table: sa.Table) -> str:
    schema = table.schema
    translate = conn.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(schema, schema)
    return f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'


def _has_unique(table: sa.Table, keys: Sequence[str]) -> bool:
    wanted = set(keys)
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint) and (
            {c.name for c in constraint.columns} == wanted
        ):
            return True
    return any(ix.unique and {c.name for c in ix.columns} == wanted for ix in table.indexes)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One cell in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_in(
    conn: sa.Connection,
    name: str,
    cols: Sequence[str],
    records: Sequence[Sequence[Any]],
    stamp: tuple[int, str] | None = None,
) -> None:
    """COPY ``records`` into ``name`` (quoted, maybe schema-qualified), as text in blocks.

    With ``stamp`` = (first change_seq, updated_at), the two last columns of ``cols`` are
    filled with consecutive change numbers from ``first`` and that time.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in cols)
    target = name if name.startswith('"') else f'"{name}"'
    block = 25_000
    with driver.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for start in range(0, len(records), block):
            chunk = records[start : start + block]
            extra: list[list[str]] = []
            if stamp is not None:
                seq0 = stamp[0] + start
                extra = [list(map(str, range(seq0, seq0 + len(chunk)))), [stamp[1]] * len(chunk)]
            copy.write(_copy_block(chunk, extra).encode())


_NULL = "\\N"


def _copy_block(records: Sequence[Sequence[Any]], extra: list[list[str]]) -> str:
    """Rows in COPY text format. Fast path: plain strings joined as they are, then checked."""
    columns: list[Sequence[Any]] = list(zip(*records, strict=True))
    nulls = 0
    for i, column in enumerate(columns):
        types = set(map(type, column))
        if types <= {str}:
            continue
        if types <= {str, type(None)}:
            nulls += column.count(None)
            columns[i] = [_NULL if v is None else v for v in column]
        else:
            nulls += column.count(None)
            columns[i] = [v if type(v) is str else _copy_text(v) for v in column]
    columns.extend(extra)
    text = "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"
    rows, width = len(records), len(columns)
    if (
        text.count("\t") == rows * (width - 1)
        and text.count("\n") == rows
        and text.count("\\") == nulls
        and "\r" not in text
    ):
        return text
    # Some text holds a tab, newline or backslash: escape cell by cell.
    tails = list(zip(*extra, strict=True)) if extra else [()] * rows
    return "".join(
        "\t".join([*(_copy_text(v) for v in r), *t]) + "\n"
        for r, t in zip(records, tails, strict=True)
    )


def _merge_on_conflict(
    session: Session,
    table: sa.Table,
    staging: sa.Table,
    keys: Sequence[str],
    values: Sequence[str],
    count: int,
) -> UpsertCounts:
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    cols = [*keys, *values, "change_seq", "updated_at"]
    stmt = pg_insert(table).from_select(cols, sa.select(*[staging.c[c] for c in cols]))
    written = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={
            **{v: stmt.excluded[v] for v in values},
            "change_seq": stmt.excluded.change_seq,
            "updated_at": stmt.excluded.updated_at,
        },
        where=sa.or_(*[table.c[v].is_distinct_from(stmt.excluded[v]) for v in values])
        if values
        else sa.false(),
    ).returning(sa.literal_column("xmax = 0", sa.Boolean).label("fresh"))
    cte = written.cte("written")
    inserted, updated = session.execute(
        sa.select(
            sa.func.count().filter(cte.c.fresh),
            sa.func.count().filter(sa.not_(cte.c.fresh)),
        )
    ).one()
    return UpsertCounts(int(inserted), int(updated), count - int(inserted) - int(updated))


def _merge(
    session: Session,
    table: sa.Table,
    staging: sa.Table,
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
) -> UpsertCounts:
    # Keys are unique in the staging table (deduplicated before it was filled).
    latest = staging
    # Take the change-feed lock before counting, so a concurrent load cannot change
    # what is counted between the counts and the writes.
    feed.lock(session)
    on_key = sa.and_(*[table.c[k] == latest.c[k] for k in keys])
    differs = (
        sa.or_(*[table.c[v].is_distinct_from(latest.c[v]) for v in values])
        if values
        else sa.false()
    )
    total = session.execute(sa.select(sa.func.count()).select_from(latest)).scalar_one()
    matched = session.execute(
        sa.select(sa.func.count()).select_from(latest.join(table, on_key))
    ).scalar_one()
    changed = session.execute(
        sa.select(sa.func.count()).select_from(latest.join(table, on_key)).where(differs)
    ).scalar_one()
    inserted = total - matched
    if inserted + changed == 0:
        return UpsertCounts(0, 0, matched)
    first = feed.allocate(session, inserted + changed)
    now = utcnow()
    if changed:
        numbered = (
            sa.select(
                *[latest.c[c] for c in (*keys, *values)],
                (sa.func.row_number().over() + (first - 1)).label("seq"),
            )
            .select_from(latest.join(table, on_key))
            .where(differs)
            .subquery("u")
        )
        session.execute(
            sa.update(table)
            .where(sa.and_(*[table.c[k] == numbered.c[k] for k in keys]))
            .values(
                {
                    **{v: numbered.c[v] for v in values},
                    "change_seq": numbered.c.seq,
                    "updated_at": now,
                }
            )
        )
    if inserted:
        fresh = sa.select(
            *[latest.c[c] for c in (*keys, *values)],
            (sa.func.row_number().over() + (first + changed - 1)).label("seq"),
            sa.literal(now, sa.DateTime(timezone=True)).label("updated_at"),
        ).where(~sa.exists().where(on_key))
        session.execute(
            sa.insert(table).from_select([*keys, *values, "change_seq", "updated_at"], fresh)
        )
    return UpsertCounts(inserted, changed, matched - changed)
