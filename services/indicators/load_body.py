"""Reading the body of a results load into batches of rows, before any row is checked.

CSV (the API form or the Swedish Excel form, see ``shared.bulk``) is read batch by batch
when the load runs, never all at once; a JSON list of objects (numbers read exactly, as
decimals) is one batch. Each row comes as a list in ``COLUMNS`` order, or as it was
sent when it cannot be one (an object with unknown fields, a line that does not split
into the header's columns), for the row checks to name. Pure: no database, no HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from services.indicators.result_rows import COLUMNS, KEYS, NUMERIC, REQUIRED
from shared.bulk import CsvRowError, CsvStream, csv_stream
from shared.errors import BadRequest, InvalidInput, UnsupportedMediaType, field_error

CSV_TYPES = ("text/csv", "application/csv")
JSON_TYPES = ("application/json", "")
#: Lines of CSV read, checked and written at a time.
BATCH_LINES = 10_000
_FIELDS = frozenset(COLUMNS)


@dataclass
class Columns:
    """Consecutive rows of a CSV load column by column in ``COLUMNS`` order, plus the
    lines that were broken; ``first`` is the row number of the first of them."""

    columns: list[list[Any]]
    broken: list[CsvRowError]
    first: int = 1

    def rows(self) -> list[Any]:
        """The rows one by one, each broken line back in its place."""
        out: list[Any] = [list(r) for r in zip(*self.columns, strict=True)]
        for error in self.broken:
            out.insert(error.row - self.first, error)
        return out

    def __len__(self) -> int:
        return len(self.columns[0]) + len(self.broken)


#: Rows of a load in one batch: column by column (CSV), or a list of rows (JSON).
Part = Columns | list[Any]


class LoadBody(Protocol):
    """The rows of a load, read afresh on each call of ``parts``."""

    def parts(self) -> Iterator[Part]: ...

    def limit(self) -> int:
        """An upper bound of the number of rows (change numbers are allocated up front)."""
        ...


@dataclass
class JsonLoad:
    """A JSON load body: its rows, in one batch."""

    rows: list[Any]

    def parts(self) -> Iterator[Part]:
        yield self.rows

    def limit(self) -> int:
        return len(self.rows)


@dataclass
class CsvLoad:
    """A CSV load body, read in batches of lines when it is loaded."""

    stream: CsvStream
    positions: list[int | None]  # for each of COLUMNS, its column in the body (None: absent)
    batch_size: int = BATCH_LINES

    def limit(self) -> int:
        return self.stream.limit()

    def parts(self) -> Iterator[Part]:
        # The codes repeat on most rows: one string object each per load, not one per cell.
        interned: dict[str, str] = {}
        coded = {COLUMNS.index(c) for c in (*KEYS, "status")}
        for batch in self.stream.batches(self.batch_size):
            size = len(batch.columns[0]) if batch.columns else 0
            columns: list[list[Any]] = []
            for i, position in enumerate(self.positions):
                if position is None:
                    columns.append([None] * size)
                    continue
                column = batch.columns[position]
                if i in coded:
                    get = interned.setdefault
                    column = [v if v is None else get(v, v) for v in column]
                columns.append(column)
            yield Columns(columns, batch.broken, batch.first)


def read_load_body(content_type: str, body: bytes) -> LoadBody:
    """The rows of a load body: CSV with a header line, or a JSON list of objects (also
    ``{"rows": [...]}``). 400 for an empty or unreadable body, 415 for another type."""
    if not body.strip():
        raise BadRequest("The body is empty; send a JSON list of rows or CSV with a header line.")
    if content_type in CSV_TYPES:
        return _csv_load(body)
    if content_type in JSON_TYPES:
        return _json_load(body)
    raise UnsupportedMediaType(
        f"Content type {content_type!r} is not accepted; use application/json or text/csv."
    )


def _csv_load(body: bytes) -> CsvLoad:
    stream = csv_stream(body, set(NUMERIC))
    header = stream.header
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problems = [field_error(["header", h], "unknown column") for h in unknown] + [
            field_error(["header", c], "required column missing") for c in missing
        ]
        raise InvalidInput(
            f"The CSV header must name columns of {', '.join(COLUMNS)}"
            f"{'; unknown: ' + ', '.join(unknown) if unknown else ''}"
            f"{'; missing: ' + ', '.join(missing) if missing else ''}.",
            errors=problems,
        )
    return CsvLoad(stream, [header.index(c) if c in header else None for c in COLUMNS])


def _json_load(body: bytes) -> JsonLoad:
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}.") from exc
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise InvalidInput(
            "The body must be a JSON list of rows.",
            errors=[field_error(["body"], "not a list")],
        )
    return JsonLoad([_json_row(item) for item in data])


def _json_row(item: Any) -> Any:
    """An object with known fields as a list in ``COLUMNS`` order; anything else as sent."""
    if isinstance(item, dict) and item.keys() <= _FIELDS:
        return [item.get(c) for c in COLUMNS]
    return item
