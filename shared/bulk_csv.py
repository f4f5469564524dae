"""CSV load bodies: the API form (comma-separated, decimal point) and what Excel writes in
a Swedish locale (semicolon-separated, decimal comma, maybe a UTF-8 BOM), told apart by the
header line. A number that is ambiguous in its form (``1.234`` in the Swedish form) is
kept as such (``is_ambiguous``) and rejected by ``shared.bulk.validate_rows``, never
guessed. ``csv_rows`` reads a whole body; ``CsvStream`` reads it in batches, and
``services/indicators/csv_load.py`` reads a spooled file with the same rules.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shared.errors import BadRequest, InvalidInput, field_error

SWEDISH_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:[  ]\d{3})*(?:,\d+)?$|^[+\-−]?\d+(?:,\d+)?$")
POINT_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def csv_rows(body: bytes, numeric_fields: set[str]) -> list[dict[str, Any]]:
    header, records = csv_records(body, numeric_fields)
    rows: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, CsvRowError):
            rows.append(
                {
                    "__csv_error__": record.message,
                    "__row__": record.row,
                    "__column__": record.column,
                }
            )
        else:
            rows.append(dict(zip(header, record, strict=True)))
    return rows


@dataclass(frozen=True)
class CsvRowError:
    """A CSV line that could not be split into the header's columns (or holds a cell too
    big to be one); ``column`` names the column when one is to blame."""

    row: int
    message: str
    column: str | None = None


def csv_records(
    body: bytes, numeric_fields: set[str]
) -> tuple[list[str], list[list[Any] | CsvRowError]]:
    """The header and the rows of a CSV body as lists (no dict per row: cheap for big loads).

    Empty cells are ``None``; cells of ``numeric_fields`` are normalised to the API form
    (``79.7``), or left as an ambiguous marker that ``validate_rows`` / ``is_ambiguous``
    reject. Blank lines are skipped; a line with the wrong column count becomes a
    ``CsvRowError``.
    """
    header, columns, broken = csv_columns(body, numeric_fields)
    rows: list[list[Any] | CsvRowError] = [list(r) for r in zip(*columns, strict=True)]
    for error in broken:  # in order: each goes back where its line was
        rows.insert(error.row - 1, error)
    return header, rows


def csv_columns(
    body: bytes, numeric_fields: set[str]
) -> tuple[list[str], list[list[Any]], list[CsvRowError]]:
    """A CSV body column by column: the fastest form for big loads.

    Returns the header, one list per column (the good lines only, cells as in
    ``csv_records``) and the lines that could not be split into the header's columns.
    Row numbers count the data lines kept (blank lines are dropped), from 1.
    """
    stream = CsvStream(body, numeric_fields)
    batch = next(stream.batches(size=None), None)
    if batch is None:
        return stream.header, [[] for _ in stream.header], []
    return stream.header, batch.columns, batch.broken


@dataclass(frozen=True)
class CsvBatch:
    """Consecutive data lines of a CSV body, column by column (cells as in ``csv_columns``).

    ``first`` is the row number of the batch's first line; ``count`` the lines in it,
    good (in ``columns``) and broken (in ``broken``, numbered within the whole body).
    """

    first: int
    count: int
    columns: list[list[Any]]
    broken: list[CsvRowError]


BLANKS = tuple(ch.encode() for ch in (" ", "\t", "\u00a0", "\u202f", "\u2009", "\x0b", "\x0c"))

#: The largest cell a CSV row may hold, in characters; a longer one rejects its row. The
#: parser's own limit (128 KiB, where it raised an error mid-body) is lifted past any body.
MAX_CELL = 128 * 1024
MAX_HEADER_CELL = 200
csv.field_size_limit(2**31 - 1)


def csv_broken(problem: str, line: int) -> InvalidInput:
    """The whole body refused: it cannot be read as CSV from ``line`` on."""
    return InvalidInput(
        f"The CSV is broken at line {line}: {problem}; nothing was loaded.",
        errors=[field_error(["body", "line", line], problem)],
        extra={"line": line},
    )


def quote_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted field is never closed (a stray quote, or the file was cut off)"
    if "expected after" in text:
        return "text follows a closing quote (a quote inside a field must be doubled)"
    return f"the line cannot be read as CSV ({text})"


class CsvStream:
    """A CSV body read in batches of lines, so a big load never holds every row at once.

    The header is read and checked up front (and the body checked to be UTF-8); each call
    of ``batches`` reads the body again from its start.
    """

    def __init__(self, body: bytes, numeric_fields: set[str]) -> None:
        try:
            body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"The CSV is not UTF-8 (byte {exc.start} cannot be read); save it as UTF-8.",
                errors=[field_error(["body"], f"invalid UTF-8 at byte {exc.start}")],
            ) from exc
        nul = body.find(b"\x00")
        if nul >= 0:
            raise csv_broken("it holds a NUL byte", body.count(b"\n", 0, nul) + 1)
        self._body = body
        self.swedish = b";" in body.split(b"\n", 1)[0]
        # Cells are stripped only where the body has blanks at all (saves a call per cell).
        self._blanks = any(ch in body for ch in BLANKS)
        self._numeric = numeric_fields
        reader = self._reader()
        try:
            self.header = [h.strip() for h in next(reader)]
        except StopIteration as exc:
            raise BadRequest("The CSV has no header line.") from exc
        except csv.Error as exc:
            raise csv_broken(quote_problem(exc), 1) from exc
        if any(len(h) > MAX_HEADER_CELL for h in self.header):
            raise InvalidInput(
                f"A CSV column name is longer than {MAX_HEADER_CELL} characters; "
                "is the first line the header?",
                errors=[field_error(["header"], "column name too long")],
            )
        if len(set(self.header)) != len(self.header) or "" in self.header:
            raise InvalidInput(
                "The CSV header has empty or repeated column names.",
                errors=[field_error(["header"], ",".join(self.header))],
            )

    def _reader(self) -> Any:
        text = io.TextIOWrapper(io.BytesIO(self._body), encoding="utf-8-sig", newline="")
        # Strict: an unclosed quote or text after a closing one is an error, not a guess.
        return csv.reader(text, delimiter=";" if self.swedish else ",", strict=True)

    def _broken_at(self, exc: csv.Error) -> InvalidInput:
        """Where the record that broke the reader starts, as a line of the file."""
        reader = self._reader()
        start = 1
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error:
            pass
        return csv_broken(quote_problem(exc), start)

    def limit(self) -> int:
        """An upper bound of the number of data lines (for allocating numbers up front)."""
        return self._body.count(b"\n") + 1

    def batches(self, size: int | None = 10_000) -> Iterator[CsvBatch]:
        """The data lines in batches of ``size`` (None: all in one batch)."""
        reader = self._reader()
        next(reader, None)  # the header
        numeric = [name in self._numeric for name in self.header]
        swedish, blanks = self.swedish, self._blanks
        number = 0
        while True:
            try:
                read = list(itertools.islice(reader, size))
            except csv.Error as exc:
                raise self._broken_at(exc) from exc
            if not read:
                return
            lines = [c for c in read if c and c != [""]]
            del read
            if not lines:
                continue
            first = number + 1
            number += len(lines)
            columns, broken = columns_of(
                self.header, numeric, lines, first, swedish=swedish, blanks=blanks
            )
            yield CsvBatch(first, len(lines), columns, broken)


def columns_of(
    header: list[str],
    numeric: list[bool],
    lines: list[list[str]],
    first: int,
    *,
    swedish: bool,
    blanks: bool,
) -> tuple[list[list[Any]], list[CsvRowError]]:
    """A batch of data lines (numbered from ``first``) as columns, and its broken lines:
    empty cells ``None``, cells stripped when the body holds blanks, the ``numeric``
    columns' cells in the API form (``csv_number``)."""
    broken: list[CsvRowError] = []
    good = lines
    if any(len(cells) != len(header) for cells in lines):
        good, broken = sort_out(header, lines, first)
    raw_columns = list(zip(*good, strict=True)) if good else [() for _ in header]
    if any(max(map(len, raw), default=0) > MAX_CELL for raw in raw_columns):
        # Rare: a cell too big to be one; its line is rejected, named with its column.
        good, broken = sort_out(header, lines, first, check_cells=True)
        raw_columns = list(zip(*good, strict=True)) if good else [() for _ in header]
    del good
    point_match = POINT_NUMBER.match
    columns: list[list[Any]] = []
    for is_numeric, raw in zip(numeric, raw_columns, strict=True):
        column: list[Any] = [c.strip() or None for c in raw] if blanks else [c or None for c in raw]
        if is_numeric:
            column = [
                v if v is None or (not swedish and point_match(v)) else csv_number(v, swedish)
                for v in column
            ]
        columns.append(column)
    return columns, broken


def sort_out(
    header: list[str], lines: list[list[str]], first: int, *, check_cells: bool = False
) -> tuple[list[list[str]], list[CsvRowError]]:
    """The good lines, and the others as errors: the wrong number of columns, or (with
    ``check_cells``) a cell over ``MAX_CELL`` characters, named by its column."""
    width = len(header)
    kept: list[list[str]] = []
    broken: list[CsvRowError] = []
    for n, cells in enumerate(lines, start=first):
        if len(cells) != width:
            broken.append(CsvRowError(n, f"expected {width} columns, found {len(cells)}"))
            continue
        big = (
            next((i for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
            if check_cells
            else None
        )
        if big is None:
            kept.append(cells)
            continue
        name = header[big]
        broken.append(
            CsvRowError(
                n,
                f"column {name!r}: the cell holds {len(cells[big])} characters, "
                f"more than {MAX_CELL}",
                column=name,
            )
        )
    return kept, broken


def is_ambiguous(value: Any) -> bool:
    """True for a CSV cell that should have been a number but could not be read as one."""
    return isinstance(value, _Ambiguous)


class _Ambiguous(str):
    """A number we refuse to guess; fails validation with its own message."""


def csv_number(value: str, swedish: bool) -> str:
    """A numeric cell in the API form (``79.7``), or marked ambiguous (``is_ambiguous``)."""
    if swedish:
        if SWEDISH_NUMBER.match(value):
            return value.replace(" ", "").replace(" ", "").replace("−", "-").replace(",", ".")
        return _Ambiguous(value)
    if POINT_NUMBER.match(value):
        return value
    return _Ambiguous(value)
