"""Reading the body of a results load into batches of rows, before any row is checked.

The body comes as a binary stream (the request body spooled to a temporary file). CSV
(the API form or the Swedish Excel form, see ``csv_load``) is read from that file batch
by batch when the load runs, never all at once; so is a JSON list of objects, with an incremental
parser (``shared.json_rows``: numbers read exactly, as decimals; a row nested deeper than
a flat object never built). Each row comes as a list (CSV) or a tuple (JSON) in
``COLUMNS`` order, or as it was sent when it cannot be one (an object with unknown
fields, a line that does not split into the header's columns, a nested row), for the
row checks to name. No database, no HTTP.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

from services.indicators.csv_load import CsvFile
from services.indicators.result_rows import COLUMNS, KEYS, NUMERIC, REQUIRED
from shared.bulk_csv import CsvRowError
from shared.errors import BadRequest, InvalidInput, UnsupportedMediaType, field_error
from shared.json_rows import JsonRows, is_blank, read_json_rows

CSV_TYPES = ("text/csv", "application/csv")
JSON_TYPES = ("application/json", "")
#: Lines of CSV (or JSON rows) read, checked and written at a time. The peak memory of a
#: load grows by about 2.5 kB a line of batch (one batch is written while the next is
#: read, and the allocator keeps some slack): 2 000 keep a load of a million rows within
#: ~6 MiB above the idle process, where 5 000 took ~13 (bench/indicators_rss.py), and go
#: faster too (their objects stay in the CPU's caches: ~30% less CPU than 5 000 to read,
#: check and format 300 000 lines).
BATCH_LINES = 2_000


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
    """A JSON load body, read in batches of rows when it is loaded."""

    rows: JsonRows
    batch_size: int = BATCH_LINES

    def parts(self) -> Iterator[Part]:
        yield from self.rows.batches(self.batch_size)

    def limit(self) -> int:
        return self.rows.check()


@dataclass
class CsvLoad:
    """A CSV load body, read in batches of lines when it is loaded."""

    stream: CsvFile
    positions: list[int | None]  # for each of COLUMNS, its column in the body (None: absent)
    batch_size: int = BATCH_LINES

    def limit(self) -> int:
        return self.stream.limit()

    def parts(self) -> Iterator[Part]:
        # The codes repeat on most rows: one string object each (``sys.intern``), not one
        # per cell, where rows are kept for the whole load (SQLite gathers them).
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
                    column = (
                        list(map(sys.intern, column))
                        if None not in column
                        else [v if v is None else sys.intern(v) for v in column]
                    )
                columns.append(column)
            yield Columns(columns, batch.broken, batch.first)


def read_load_body(content_type: str, body: bytes | IO[bytes]) -> LoadBody:
    """The rows of a load body (bytes, or a seekable binary stream the load reads while it
    runs): CSV with a header line, or a JSON list of objects (also ``{"rows": [...]}``).
    400 for an empty or unreadable body, 415 for another type."""
    stream = io.BytesIO(body) if isinstance(body, bytes) else body
    if is_blank(stream):
        raise BadRequest("The body is empty; send a JSON list of rows or CSV with a header line.")
    if content_type in CSV_TYPES:
        return _csv_load(stream)
    if content_type in JSON_TYPES:
        return JsonLoad(read_json_rows(stream, COLUMNS))
    raise UnsupportedMediaType(
        f"Content type {content_type!r} is not accepted; use application/json or text/csv."
    )


def _csv_load(body: IO[bytes]) -> CsvLoad:
    stream = CsvFile(body, NUMERIC)
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
