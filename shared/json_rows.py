"""JSON load bodies read incrementally: rows in batches, never the whole document at once.

A load body is a JSON list of flat objects, or an object whose ``rows`` is that list. A
``JsonRows`` reads such a body from a seekable binary stream (the request body spooled to
a temporary file by ``spooled_body``) with ijson, an incremental parser (yajl's C code
under it), so what a load holds is one batch of rows and the parser's buffer, whatever
the body's size: ``json.loads`` of a 62 MB body built every row at once (≈ 8× the body).

- ``check()`` reads the body once without keeping anything: a body that is not JSON is a
  400 and one that is not a list of rows a 422, before any row is used; it counts the
  rows (an exact bound for allocating change numbers).
- ``batches(n)`` reads it again, building ``n`` rows at a time. A row is given as it was
  sent: an object as a dict, a plain value as itself; or, when the reader is given
  ``columns``, an object whose fields are all among them as a tuple in their order
  (absent fields None: no dict is built, and a tuple of plain values is left alone by the
  garbage collector: the cheapest form for a big load). A row nested deeper
  than a flat object (an object or a list as a field's value, or a list as the row) is
  never built: it comes as a ``NestedRow`` naming its row number and field, for the
  caller to reject (``NestedRow.problem``), so one huge nested row cannot blow the
  memory either.

Numbers are exact: integers as ``int``, the others as ``Decimal``. Rows count from 1.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import ijson  # type: ignore[import-untyped]
from fastapi import Request

from shared.errors import BadRequest, InvalidInput, field_error

#: Bytes of a spooled body kept in memory before it goes to a temporary file.
SPOOL_IN_MEMORY = 1 << 20
#: Bytes the parser reads at a time.
READ_BUFFER = 1 << 16
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")
NESTED_MESSAGE = (
    "a nested object or list: a row is a flat object of plain values (text, numbers, null)"
)


@dataclass(frozen=True)
class NestedRow:
    """A row nested deeper than a flat object, left unbuilt."""

    row: int
    #: The first field whose value is an object or a list; None when the row is a list.
    field: str | None

    def problem(self) -> dict[str, Any]:
        """The row's problem in the suite's form (``{"loc": [...], "msg": ...}``)."""
        return field_error([] if self.field is None else [self.field], NESTED_MESSAGE)


async def spooled_body(request: Request, in_memory: int = SPOOL_IN_MEMORY) -> IO[bytes]:
    """The request body in a temporary file (in memory up to ``in_memory`` bytes), read
    from the stream chunk by chunk; positioned at its start. The caller closes it."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=in_memory)  # noqa: SIM115
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def is_blank(stream: IO[bytes]) -> bool:
    """Whether the stream holds nothing but white space (read from its start)."""
    stream.seek(0)
    while block := stream.read(READ_BUFFER):
        if block.strip():
            return False
    return True


class JsonRows:
    """The rows of a JSON load body in a seekable binary stream (see the module)."""

    def __init__(self, stream: IO[bytes], columns: Sequence[str] | None = None) -> None:
        self._stream = stream
        self._count: int | None = None
        self._index = None if columns is None else {c: i for i, c in enumerate(columns)}

    def check(self) -> int:
        """Read the whole body: 400 when it is not JSON, 422 when it is not a list of rows
        (nothing is kept). Returns the number of rows."""
        if self._count is None:
            self._count = sum(1 for _ in self.rows())
        return self._count

    def batches(self, size: int) -> Iterator[list[Any]]:
        """The rows, ``size`` at a time, read afresh from the start."""
        rows = self.rows()
        while batch := list(itertools.islice(rows, size)):
            yield batch

    def rows(self) -> Iterator[Any]:
        """Each row in order, read afresh from the start (see the module for what a row is)."""
        self._stream.seek(0)
        events = ijson.basic_parse(self._stream, use_float=False, buf_size=READ_BUFFER)
        try:
            kind, _ = next(events)
            if kind == "start_array":
                yield from _listed(events, self._index)
            elif kind == "start_map":
                yield from _wrapped(events, self._index)
            else:
                raise _not_a_list()
            for _ in events:  # nothing may follow the document (the parser says so)
                pass
        except ijson.JSONError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "cut short"
            raise BadRequest(f"The body is not valid JSON: {first_line}.") from exc
        except UnicodeDecodeError as exc:
            raise BadRequest(f"The body is not valid JSON: {exc}.") from exc


def read_json_rows(stream: IO[bytes], columns: Sequence[str] | None = None) -> JsonRows:
    """The rows of a JSON body, checked (see ``JsonRows.check``)."""
    rows = JsonRows(stream, columns)
    rows.check()
    return rows


def _not_a_list() -> InvalidInput:
    return InvalidInput(
        "The body must be a JSON list of rows.", errors=[field_error(["body"], "not a list")]
    )


def _skip(events: Iterator[tuple[str, Any]]) -> None:
    """Consume a container whose opening event was just read."""
    depth = 1
    for event, _ in events:
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if not depth:
                return


#: Column name → position, when rows are wanted as lists.
Index = Mapping[str, int] | None


def _listed(events: Iterator[tuple[str, Any]], index: Index) -> Iterator[Any]:
    """The rows of a list whose ``start_array`` was just read."""
    for number, (event, value) in enumerate(events, start=1):
        if event == "end_array":
            return
        if event == "start_map":
            yield _flat_object(events, number, index)
        elif event == "start_array":
            _skip(events)
            yield NestedRow(number, None)
        else:
            yield value


def _wrapped(events: Iterator[tuple[str, Any]], index: Index) -> Iterator[Any]:
    """The rows of ``{"rows": [...]}`` whose ``start_map`` was just read; other keys are
    passed over."""
    found = False
    for event, key in events:
        if event == "end_map":
            break
        event, _ = next(events)
        if key == "rows" and event == "start_array" and not found:
            found = True
            yield from _listed(events, index)
        elif event in _OPEN:
            _skip(events)
    if not found:
        raise _not_a_list()


def _flat_object(events: Iterator[tuple[str, Any]], number: int, index: Index) -> Any:
    """An object whose ``start_map`` was just read: a tuple in column order when ``index``
    is given and every field is a column, else a dict; a ``NestedRow`` (the object
    consumed, never built) when a value is an object or a list."""
    cells: list[Any] | None = None if index is None else [None] * len(index)
    row: dict[str, Any] = {}
    nested: str | None = None
    for event, key in events:
        if event == "end_map":
            break
        event, value = next(events)
        if event in _OPEN:
            _skip(events)
            if nested is None:
                nested = key
        elif nested is not None:
            continue
        elif cells is not None and index is not None:
            position = index.get(key)
            if position is None:  # an unknown field: the row as sent, for the checks
                row = {c: cells[i] for c, i in index.items() if cells[i] is not None}
                row[key] = value
                cells = None
            else:
                cells[position] = value
        else:
            row[key] = value
    if nested is not None:
        return NestedRow(number, nested)
    return row if cells is None else tuple(cells)
