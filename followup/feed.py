"""The change feed as an iterator that remembers where it got to.

``GET /v1/<resource>?after_seq=N`` lists the rows created, changed or deleted after change
``N``, in change order, deleted rows as tombstones (``{"id", "deleted": true, ...}``). A
``StateFile`` keeps, per feed, the last ``change_seq`` consumed, in a JSON file written
atomically (a temporary file beside it, flushed, then renamed over it): after each page
has been consumed, never before, so a run that stops half-way starts again after the last
whole page it handed on, and a row is never skipped (at worst the rest of one page comes
again, which a loader merging on ``id`` takes in its stride).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup.http import Api, Params

STATE_VERSION = 1


class StateFile:
    """Where each feed got to: ``{"version": 1, "feeds": {name: {"after_seq": n, ...}}}``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data = self._read()

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"version": STATE_VERSION, "feeds": {}}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("feeds"), dict):
            raise ValueError(f"{self.path} is not a followup state file")
        return data

    def after_seq(self, feed: str) -> int:
        """The last change seen on ``feed`` (0 before the first run)."""
        entry = self._data["feeds"].get(feed) or {}
        return int(entry.get("after_seq", 0))

    def save(self, feed: str, after_seq: int) -> None:
        """Record ``after_seq`` for ``feed`` and write the file atomically."""
        self._data["feeds"][feed] = {
            "after_seq": after_seq,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def feed_name(path: str, params: Params | None) -> str:
    """A feed's name in the state file: its path and its filters (``results?org_unit=SUS``)."""
    given = sorted((k, str(v)) for k, v in (params or {}).items() if v is not None)
    query = "&".join(f"{k}={v}" for k, v in given)
    name = path.removeprefix("/v1/")
    return f"{name}?{query}" if query else name


def changes(
    api: Api,
    path: str,
    *,
    state: StateFile | None = None,
    after_seq: int | None = None,
    params: Params | None = None,
    limit: int = 1000,
    before_save: Callable[[], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every row of ``path`` changed after ``after_seq`` (else the state's, else 0), in change
    order, following ``next``. With ``state``, once a page's rows have all been consumed,
    ``before_save`` runs (flush what was written from them) and the page's last
    ``change_seq`` is saved."""
    name = feed_name(path, params)
    seq = after_seq if after_seq is not None else (state.after_seq(name) if state else 0)
    query = {**(params or {}), "after_seq": seq}
    for page in api.pages(path, query, limit):
        items: list[dict[str, Any]] = page.get("items") or []
        yield from items
        if items:
            seq = max(seq, max(int(item["change_seq"]) for item in items))
        if state is not None:
            if before_save is not None:
                before_save()
            state.save(name, seq)
