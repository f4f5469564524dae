"""Bulk loads: reading a body of rows, validating each, and a set-based upsert.

A body is a JSON list of objects or CSV. CSV comes in two forms, told apart by the
header line: the API form (comma-separated, decimal point) and what Excel writes in a
Swedish locale (semicolon-separated, decimal comma, maybe a UTF-8 BOM). A value that is
ambiguous in its form (``1.234`` in the Swedish form) is rejected, never guessed.

``upsert`` writes validated rows with one staging table and a handful of set-based
statements, whatever the row count: COPY into the staging table on Postgres.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import Request
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

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


_SWEDISH_NUMBER = re.compile(r"^[+-−]?\d{1,3}(?:[  ]\d{3})*(?:,\d+)?$|^[+-−]?\d+(?:,\d+)?$")
_POINT_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


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


def csv_rows(body: bytes, numeric_fields: set[str]) -> list[dict[str, Any]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The CSV is not UTF-8 (byte {exc.start} cannot be read); save it as UTF-8.",
            errors=[field_error(["body"], f"invalid UTF-8 at byte {exc.start}")],
        ) from exc
    header_line = text.split("\n", 1)[0]
    swedish = ";" in header_line
    reader = csv.reader(io.StringIO(text), delimiter=";" if swedish else ",")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise BadRequest("The CSV has no header line.") from exc
    if len(set(header)) != len(header) or "" in header:
        raise InvalidInput(
            "The CSV header has empty or repeated column names.",
            errors=[field_error(["header"], ",".join(header))],
        )
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(reader, start=1):
        if not cells or cells == [""]:
            continue
        if len(cells) != len(header):
            rows.append(
                {
                    "__csv_error__": f"expected {len(header)} columns, found {len(cells)}",
                    "__row__": number,
                }
            )
            continue
        row: dict[str, Any] = {}
        for name, raw in zip(header, cells, strict=True):
            value = raw.strip()
            if value == "":
                row[name] = None
            elif name in numeric_fields:
                row[name] = _number(value, swedish)
            else:
                row[name] = value
        rows.append(row)
    return rows


class _Ambiguous(str):
    """A number we refuse to guess; fails validation with its own message."""


def _number(value: str, swedish: bool) -> str:
    if swedish:
        if _SWEDISH_NUMBER.match(value):
            return value.replace(" ", "").replace(" ", "").replace("−", "-").replace(",", ".")
        return _Ambiguous(value)
    if _POINT_NUMBER.match(value):
        return value
    return _Ambiguous(value)


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
            rejected.append(RowError(row=number, errors=[field_error([], row["__csv_error__"])]))
            continue
        ambiguous = [k for k, v in row.items() if isinstance(v, _Ambiguous)]
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
                    errors=[
                        field_error([str(p) for p in e["loc"]], e["msg"]) for e in exc.errors()
                    ],
                )
            )
    return good, rejected


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
    if not rows:
        return UpsertCounts(0, 0, 0)
    cols = [*keys, *values]
    staging = sa.Table(
        f"staging_{uuid.uuid4().hex[:12]}",
        sa.MetaData(),
        sa.Column("_ord", sa.Integer, primary_key=True),
        *[sa.Column(c, table.c[c].type) for c in cols],
        prefixes=["TEMPORARY"],
    )
    conn = session.connection()
    staging.create(conn)
    try:
        _fill(conn, staging, cols, rows)
        return _merge(session, table, staging, keys, values, feed)
    finally:
        staging.drop(conn)


def _fill(
    conn: sa.Connection, staging: sa.Table, cols: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        names = ", ".join(f'"{c}"' for c in ["_ord", *cols])
        with (
            driver.cursor() as cur,
            cur.copy(f'COPY "{staging.name}" ({names}) FROM STDIN') as copy,
        ):
            for n, row in enumerate(rows):
                copy.write_row([n, *[row.get(c) for c in cols]])
    else:
        conn.execute(
            sa.insert(staging),
            [{"_ord": n, **{c: row.get(c) for c in cols}} for n, row in enumerate(rows)],
        )


def _merge(
    session: Session,
    table: sa.Table,
    staging: sa.Table,
    keys: Sequence[str],
    values: Sequence[str],
    feed: ChangeFeed,
) -> UpsertCounts:
    # Last row wins for a key repeated within one load.
    latest = (
        sa.select(*[staging.c[c] for c in (*keys, *values)])
        .where(
            staging.c._ord.in_(
                sa.select(sa.func.max(staging.c._ord)).group_by(*[staging.c[k] for k in keys])
            )
        )
        .subquery("s")
    )
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
