"""``followup sync``: what changed since the last run, as files a BI load merges.

Each run reads a change feed from where the state file says the last run got to and writes
the rows that changed into a new CSV file ``<resource>-<UTC time>-after-<seq>.csv`` in the
output folder (and the same as Parquet when pyarrow is installed): every changed row with
``deleted`` false, every deleted row as a tombstone (its ``id``, ``deleted`` true, its
``updated_at`` and ``change_seq``). A loader merges the files in name order on ``id``,
keeping the row with the highest ``change_seq`` and dropping the ids whose latest row is
deleted. A run with no changes writes no file.

The state is saved after each page has been written and flushed, so a run that stops
half-way leaves a file with what it got and the next run goes on from there (a row of an
unfinished page may come again: the merge on ``id`` takes it).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from followup.client import Client
from followup.feed import StateFile, feed_name

#: The columns of each resource's files, in order (``deleted`` last).
COLUMNS: dict[str, tuple[str, ...]] = {
    "results": (
        "id",
        "indicator",
        "org_unit",
        "period",
        "breakdown",
        "value",
        "numerator",
        "denominator",
        "status",
        "updated_at",
        "change_seq",
    ),
    "reports": (
        "id",
        "assignment_id",
        "org_unit",
        "period",
        "as_of",
        "on_behalf_of",
        "status",
        "explanation",
        "reported_at",
        "updated_at",
        "change_seq",
    ),
    "outcomes": ("id", "org_unit", "line", "month", "revenue", "cost", "updated_at", "change_seq"),
    "forecasts": (
        "id",
        "org_unit",
        "line",
        "made_in",
        "revenue",
        "cost",
        "updated_at",
        "change_seq",
    ),
    "budget-lines": (
        "id",
        "org_unit",
        "year",
        "line",
        "label",
        "revenue",
        "cost",
        "result",
        "counterparty",
        "updated_at",
        "change_seq",
    ),
}
#: Columns that are whole numbers (money in kronor, years, change numbers) in Parquet.
INTEGERS = frozenset({"change_seq", "revenue", "cost", "result", "year"})
#: Columns of measured values, floating point in Parquet (never money).
DECIMALS = frozenset({"value", "numerator", "denominator"})


def has_parquet() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


@dataclass(frozen=True)
class SyncRun:
    resource: str
    after_seq_before: int
    after_seq: int
    changed: int
    deleted: int
    csv: Path | None
    parquet: Path | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "after_seq_before": self.after_seq_before,
            "after_seq": self.after_seq,
            "changed": self.changed,
            "deleted": self.deleted,
            "csv": str(self.csv) if self.csv else None,
            "parquet": str(self.parquet) if self.parquet else None,
        }


def cell(value: Any) -> str:
    """A value as a CSV cell: lists joined with ``;``, booleans ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


class _RunFile:
    """The run's CSV, opened at the first row (a run without changes writes nothing)."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self.path = path
        self.columns = (*columns, "deleted")
        self.handle: IO[str] | None = None
        self.writer: Any = None
        self.changed = self.deleted = 0

    def write(self, item: dict[str, Any]) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("x", encoding="utf-8", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(self.columns)
        gone = bool(item.get("deleted"))
        self.deleted += gone
        self.changed += not gone
        self.writer.writerow(
            [cell(item.get(c, gone if c == "deleted" else None)) for c in self.columns]
        )

    def flush(self) -> None:
        if self.handle is not None:
            self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def run_path(out_dir: Path, resource: str, after_seq: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"{resource}-{stamp}-after-{after_seq}.csv"
    n = 1
    while path.exists():
        path = out_dir / f"{resource}-{stamp}-after-{after_seq}-{n}.csv"
        n += 1
    return path


def sync(
    client: Client,
    resource: str,
    state_path: Path,
    out_dir: Path,
    *,
    limit: int = 5000,
    parquet: bool = True,
) -> SyncRun:
    """One run: the rows of ``resource`` changed since the state's ``after_seq`` into a new
    file (CSV, and Parquet with pyarrow and ``parquet``); the state moved on."""
    columns = COLUMNS[resource]
    state = StateFile(state_path)
    name = feed_name(f"/v1/{resource}", None)
    before = state.after_seq(name)
    run = _RunFile(run_path(out_dir, resource, before), columns)
    try:
        for item in client.changes(resource, state, limit=limit, before_save=run.flush):
            run.write(item)
    finally:
        run.close()
    written = run.handle is not None
    table = write_parquet(run.path, run.columns) if written and parquet and has_parquet() else None
    return SyncRun(
        resource,
        before,
        StateFile(state_path).after_seq(name),
        run.changed,
        run.deleted,
        run.path if written else None,
        table,
    )


def write_parquet(csv_path: Path, columns: tuple[str, ...]) -> Path:
    """The run's CSV as Parquet beside it, with typed columns (pyarrow needed)."""
    pa: Any = importlib.import_module("pyarrow")
    pa_csv: Any = importlib.import_module("pyarrow.csv")
    pq: Any = importlib.import_module("pyarrow.parquet")

    def kind(column: str) -> Any:
        if column in INTEGERS:
            return pa.int64()
        if column in DECIMALS:
            return pa.float64()
        if column == "deleted":
            return pa.bool_()
        return pa.string()

    convert = pa_csv.ConvertOptions(
        column_types={c: kind(c) for c in columns},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    table = pa_csv.read_csv(csv_path, convert_options=convert)
    path = csv_path.with_suffix(".parquet")
    pq.write_table(table, path)
    return path
