"""A CSV load body read from its spooled file, batch by batch: the body is never held whole.

The forms are ``shared.bulk_csv``'s (the API form: comma-separated, decimal point; the Swedish
Excel form: semicolon-separated, decimal comma, maybe a UTF-8 BOM) and so are the rules:
the whole body must be UTF-8 and hold no NUL byte (checked up front, before any row is
used: 422 naming the byte or the line), the header names each column once (names of at
most ``MAX_HEADER_CELL`` characters), quotes are read strictly (an unclosed quote, or
text after a closing one, is a 422 naming the line its record starts on), blank lines are
skipped, a line with the wrong number of cells or a cell over ``MAX_CELL`` characters is
a broken row (named, with its column), empty cells are None, a cell of a numeric column
is normalised to the API form (``79.7``) or, when it cannot be read in its form
(``1.234`` in the Swedish form), kept marked ambiguous (``shared.bulk_csv.is_ambiguous``), which the row checks refuse. Cells
are stripped when the body holds any blank (space, tab, no-break space, …).

What ``shared.bulk_csv.CsvStream`` does with the body in memory (``bytes``), this does with
the file the request body was spooled to, reading it again for each pass: a load of a
million rows holds one batch of lines at a time, not the 50 MB body plus its decoded
copy. No database, no HTTP.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from shared.bulk_csv import (
    BLANKS,
    MAX_HEADER_CELL,
    CsvRowError,
    columns_of,
    csv_broken,
    quote_problem,
)
from shared.errors import BadRequest, InvalidInput, field_error

#: Bytes read at a time by the checks that read the whole body.
READ_BYTES = 1 << 20


@dataclass(frozen=True)
class CsvLines:
    """Consecutive data lines column by column (good lines) and the broken ones; ``first``
    is the row number of the first line (data lines kept, from 1)."""

    first: int
    columns: list[list[Any]]
    broken: list[CsvRowError]


class CsvFile:
    """A CSV body in a seekable binary file (see the module). The header is read and the
    body checked (UTF-8, its lines counted, whether it holds blanks) when it is made."""

    def __init__(self, stream: IO[bytes], numeric: frozenset[str]) -> None:
        self._stream = stream
        self._numeric = numeric
        self.newlines, self._blanks = self._check_whole()
        stream.seek(0)
        first_line = stream.readline()
        self.swedish = b";" in first_line
        with self._reader() as rows:
            try:
                self.header = [h.strip() for h in next(rows)]
            except StopIteration as exc:
                raise BadRequest("The CSV has no header line.") from exc
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

    def _check_whole(self) -> tuple[int, bool]:
        """One pass over the bytes: UTF-8 throughout (422 naming the first byte that is not),
        the number of line breaks, whether any blank is in it."""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._stream.seek(0)
        newlines, blanks, offset, tail = 0, False, 0, b""
        while block := self._stream.read(READ_BYTES):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                self._not_utf8(offset + exc.start - len(exc.object) + len(block))
            nul = block.find(b"\x00")
            if nul >= 0:
                raise csv_broken("it holds a NUL byte", newlines + block.count(b"\n", 0, nul) + 1)
            newlines += block.count(b"\n")
            if not blanks:
                window = tail + block  # a blank of 2–3 bytes may straddle two blocks
                blanks = any(ch in window for ch in BLANKS)
                tail = block[-2:]
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            self._not_utf8(offset - len(exc.object) + exc.start)
        return newlines, blanks

    @staticmethod
    def _not_utf8(byte: int) -> None:
        raise InvalidInput(
            f"The CSV is not UTF-8 (byte {byte} cannot be read); save it as UTF-8.",
            errors=[field_error(["body"], f"invalid UTF-8 at byte {byte}")],
        )

    def limit(self) -> int:
        """An upper bound of the number of data lines (for allocating numbers up front)."""
        return self.newlines + 1

    def _reader(self) -> _Rows:
        return _Rows(self._stream, ";" if self.swedish else ",")

    def batches(self, size: int) -> Iterator[CsvLines]:
        """The data lines in batches of ``size`` lines, read from the file's start."""
        numeric = [name in self._numeric for name in self.header]
        swedish, blanks = self.swedish, self._blanks
        number = 0
        with self._reader() as rows:
            next(rows, None)  # the header
            while True:
                read = list(itertools.islice(rows, size))
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
                del lines
                yield CsvLines(first, columns, broken)


class _Rows:
    """``csv.reader`` over the file as text, from its start; the file stays open after (the
    text layer is detached, not closed). A line the reader cannot split is a 422."""

    def __init__(self, stream: IO[bytes], delimiter: str) -> None:
        stream.seek(0)
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        # Strict: an unclosed quote or text after a closing one is an error, not a guess.
        self._rows = csv.reader(self._text, delimiter=delimiter, strict=True)

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._text.detach()

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        start = self._rows.line_num + 1  # where the next record starts
        try:
            return next(self._rows)
        except csv.Error as exc:
            raise csv_broken(quote_problem(exc), start) from exc
