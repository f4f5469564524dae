"""Load bodies and load answers.

A ``LoadBody`` is what a load sends: a file streamed from disk in chunks (so a big file is
never held in memory, and a progress bar can follow the bytes as they go), bytes, or rows
given as Python objects (sent as JSON). Its ``content_type`` is JSON or CSV, read from the
file's first byte that is not blank (``[`` or ``{`` is JSON); the CSV may be in the API
form (comma, decimal point) or as Excel writes it in a Swedish locale (semicolon, decimal
comma, maybe a BOM): the suite tells them apart by the header line. A file in another
encoding than UTF-8 (Excel's ``cp1252``) is re-encoded to UTF-8 as it is sent.

Loads are idempotent (rows are upserted on their key), so a load that was interrupted can
simply be sent again, and the client retries one whose connection broke off.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followup.errors import RejectedRow

CHUNK = 256 * 1024
JSON = "application/json"
CSV = "text/csv"
#: Called with the number of bytes of the source just sent.
OnBytes = Callable[[int], None]


def _noop(_: int) -> None:
    pass


@dataclass(frozen=True)
class LoadBody:
    """A load's body: ``path`` streamed, or ``data`` as it is."""

    content_type: str
    path: Path | None = None
    data: bytes = b""
    #: The file's encoding when it is not UTF-8 (it is re-encoded as it is sent).
    encoding: str = "utf-8"

    @classmethod
    def file(cls, path: str | Path, encoding: str = "utf-8") -> LoadBody:
        path = Path(path)
        codecs.lookup(encoding)  # an unknown encoding fails here, before anything is sent
        return cls(sniff(path), path=path, encoding=encoding)

    @classmethod
    def rows(cls, rows: Sequence[dict[str, Any]]) -> LoadBody:
        return cls(JSON, data=json.dumps(list(rows), default=str).encode())

    @classmethod
    def csv(cls, text: str | bytes) -> LoadBody:
        return cls(CSV, data=text.encode() if isinstance(text, str) else text)

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path is not None else len(self.data)

    @property
    def reencoded(self) -> bool:
        return codecs.lookup(self.encoding).name not in ("utf-8", "utf-8-sig")

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": self.content_type}
        if not self.reencoded:
            headers["Content-Length"] = str(self.size)
        return headers

    def chunks(self, on_bytes: OnBytes = _noop) -> Iterator[bytes]:
        """The body from its start, chunk by chunk; ``on_bytes`` hears of each chunk sent
        (with 0 first: a new pass, e.g. a retry, starts from the beginning)."""
        on_bytes(0)
        if self.path is None:
            yield self.data
            on_bytes(len(self.data))
            return
        decoder = codecs.getincrementaldecoder(self.encoding)() if self.reencoded else None
        with self.path.open("rb") as handle:
            while block := handle.read(CHUNK):
                yield block if decoder is None else decoder.decode(block).encode()
                on_bytes(len(block))
            if decoder is not None and (rest := decoder.decode(b"", final=True)):
                yield rest.encode()

    def estimated_rows(self) -> int:
        """About how many rows the body holds: CSV lines after the header, or JSON objects
        (each row is a flat object, so one ``{`` per row). For the progress bar only."""
        newlines = opening = 0
        last = b"\n"
        for block in self._raw_blocks():
            newlines += block.count(b"\n")
            opening += block.count(b"{")
            last = block[-1:]
        if self.content_type == JSON:
            return opening
        lines = newlines + (0 if last == b"\n" else 1)
        return max(lines - 1, 0)

    def _raw_blocks(self) -> Iterator[bytes]:
        if self.path is None:
            if self.data:
                yield self.data
            return
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                yield block


def as_body(source: LoadBody | Path | str | bytes | Sequence[dict[str, Any]]) -> LoadBody:
    """A load body from a ``LoadBody``, a file's path, bytes (JSON or CSV) or rows."""
    if isinstance(source, LoadBody):
        return source
    if isinstance(source, Path | str):
        return LoadBody.file(source)
    if isinstance(source, bytes):
        head = source.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
        return LoadBody(JSON if head in (b"[", b"{") else CSV, data=source)
    return LoadBody.rows(source)


def sniff(path: Path) -> str:
    """JSON when the file's first byte that is not blank (after a BOM) opens a list or an
    object, else CSV."""
    with path.open("rb") as handle:
        head = handle.read(4096).removeprefix(codecs.BOM_UTF8).lstrip()
    return JSON if head[:1] in (b"[", b"{") else CSV


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows inserted, updated, unchanged, and the rows rejected.

    ``written`` is false when nothing was written: a dry run, or an atomic load that the
    suite refused whole (then ``detail`` says why, and ``rejected`` names the rows)."""

    inserted: int
    updated: int
    unchanged: int
    rejected: tuple[RejectedRow, ...]
    dry_run: bool
    written: bool = True
    detail: str = ""

    @classmethod
    def parse(cls, body: dict[str, Any]) -> LoadResult:
        dry_run = bool(body.get("dry_run", False))
        return cls(
            int(body.get("inserted", 0)),
            int(body.get("updated", 0)),
            int(body.get("unchanged", 0)),
            tuple(RejectedRow.parse(r) for r in body.get("rejected") or ()),
            dry_run,
            written=not dry_run,
        )

    @classmethod
    def refused(cls, detail: str, rejected: tuple[RejectedRow, ...]) -> LoadResult:
        """An atomic load the suite refused with 422: nothing written, every bad row named."""
        return cls(0, 0, 0, rejected, False, written=False, detail=detail)

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [
                {
                    "row": r.row,
                    "errors": [{"loc": list(e.loc), "msg": e.msg} for e in r.errors],
                }
                for r in self.rejected
            ],
            "dry_run": self.dry_run,
            "written": self.written,
            "detail": self.detail,
        }
