"""What the command line shows: rich tables and progress on the terminal, JSON for machines,
and the exit codes.

Results go to standard output (tables, or JSON with ``--json``); progress bars, notes and
errors to standard error, so ``--json`` output stays clean to pipe on.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from followup.errors import ApiError, BadInput, RejectedRow, Unreachable
from followup.loads import LoadResult, OnBytes

#: Exit codes: done; rows rejected (or a load refused); usage; the suite unreachable or
#: refusing (401, 403, 5xx, no connection).
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_SUITE = 0, 1, 2, 3
#: The ``--json`` option of every command that prints results.
JsonOut = Annotated[bool, typer.Option("--json", help="Machine output: JSON on stdout.")]
#: Rejected rows shown in the table (``--json`` gives every one the suite named).
SHOWN_REJECTED = 50


def _width() -> int | None:
    """Wide lines when the output is a file or a pipe (logs), the terminal's otherwise."""
    return None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160


out = Console(width=_width(), highlight=False)
err = Console(stderr=True, width=_width(), highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def exit_with(code: int, message: str, json_out: bool, **details: Any) -> NoReturn:
    """Say what went wrong (standard error; JSON on standard output too) and exit."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    if json_out:
        print_json({"error": {"message": message, "exit_code": code, **details}})
    raise typer.Exit(code)


def describe(exc: ApiError) -> str:
    """A line about an error answer, with what to do about it."""
    head = f"{exc.status} {exc.title}" + (f": {exc.detail}" if exc.detail else "")
    if exc.status == 401:
        return f"the suite refused the key ({head}); set FOLLOWUP_KEY to a valid key"
    if exc.status == 403:
        return f"the key may not do this ({head})"
    if exc.status >= 500 or exc.status == 429:
        return f"the suite could not serve this ({head}); try again later"
    fields = "; ".join(
        f"{'.'.join(str(p) for p in e.loc)}: {e.msg}" for e in exc.errors[:5] if e.row is None
    )
    return head + (f" [{fields}]" if fields else "")


@contextmanager
def suite_errors(json_out: bool, load: bool = False) -> Iterator[None]:
    """Turn the client's exceptions into messages and exit codes: unreachable or refusing
    → 3; a load the suite refused (bad rows, an unreadable body) → 1; other bad requests
    (an unknown org unit, a malformed period, no such resource) → 2."""
    try:
        yield
    except Unreachable as exc:
        exit_with(EXIT_SUITE, str(exc), json_out)
    except ApiError as exc:
        if exc.refusing:
            code = EXIT_SUITE
        elif load and isinstance(exc, BadInput):
            code = EXIT_REJECTED
        else:
            code = EXIT_USAGE
        exit_with(code, describe(exc), json_out, status=exc.status, problem=exc.problem)


# ---------------------------------------------------------------------- loads


class RowsColumn(ProgressColumn):
    """Rows and rows per second. While sending: from the bytes sent (rows ≈ bytes ×
    rows/byte, per second at the speed the bytes go). Once the suite has answered: every
    row, per second of the whole load (sending, checking and writing)."""

    def render(self, task: Task) -> Text:
        rows: int = task.fields["rows"]
        if task.fields["phase"] == "answer":
            seconds = task.fields["seconds"]
            rate = f"{rows / seconds:,.0f} rows/s" if seconds else "… rows/s"
            return Text(f"{rows:,} rows  {rate}", style="progress.data.speed")
        per_byte: float = task.fields["per_byte"]
        sent = min(round(task.completed * per_byte), rows)
        speed = task.finished_speed or task.speed
        if not speed and task.elapsed:
            speed = task.completed / task.elapsed
        rate = f"{speed * per_byte:,.0f} rows/s" if speed else "… rows/s"
        return Text(f"{sent:,}/{rows:,} rows  {rate}", style="progress.data.speed")


class LoadProgress:
    """A load on the terminal (standard error): a bar of the body as it is sent, then a
    line while the suite checks and writes the rows, ending with the load's rows/s."""

    def __init__(self, show: bool, label: str, rows: int, size: int) -> None:
        self.show = show
        self.rows = rows
        self.started = time.monotonic()
        self.progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            RowsColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
        )
        self.sending = self.progress.add_task(
            label, total=size, rows=rows, per_byte=rows / size if size else 0.0, phase="send"
        )
        self.answer: TaskID | None = None

    def __enter__(self) -> LoadProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    @property
    def on_bytes(self) -> OnBytes | None:
        """The callback the body's chunks report to (None when nothing is shown)."""
        return self._on_bytes if self.show else None

    def _on_bytes(self, sent: int) -> None:
        if sent == 0:  # a new pass over the body (a retry): start again
            self.progress.reset(self.sending)
            return
        self.progress.advance(self.sending, sent)
        if self.answer is None and self.progress.tasks[self.sending].finished:
            self.answer = self.progress.add_task(
                "the suite checks and writes", total=None, rows=self.rows, phase="answer", seconds=0
            )

    def answered(self) -> None:
        """The suite has answered: the load's rows per second over the whole time."""
        if self.answer is not None:
            seconds = time.monotonic() - self.started
            self.progress.update(self.answer, total=1, completed=1, seconds=seconds)


def load_table(label: str, result: LoadResult) -> Table:
    table = Table(title=label, title_justify="left")
    for column in ("inserted", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{result.inserted:,}",
        f"{result.updated:,}",
        f"{result.unchanged:,}",
        f"{len(result.rejected):,}",
    )
    return table


def rejected_table(rejected: Sequence[RejectedRow]) -> Table:
    table = Table(title="Rejected rows", title_justify="left")
    table.add_column("row", justify="right")
    table.add_column("field")
    table.add_column("problem")
    for row in rejected[:SHOWN_REJECTED]:
        for problem in row.errors or ():
            table.add_row(str(row.row), problem.field or "(row)", problem.msg)
    return table


def show_load(label: str, result: LoadResult, seconds: float | None, rows: int) -> None:
    """The load's counts, then every rejected row and field (the first ``SHOWN_REJECTED``)."""
    out.print(load_table(label, result))
    if result.rejected:
        out.print(rejected_table(result.rejected))
        if len(result.rejected) > SHOWN_REJECTED:
            out.print(f"… and {len(result.rejected) - SHOWN_REJECTED:,} more (--json names all)")
    if result.dry_run:
        out.print("dry run: checked and counted, nothing written")
    elif not result.written:
        out.print(f"nothing written: {result.detail}")
    elif result.rejected:
        out.print("the good rows were written; fix the rejected ones and load them again")
    if seconds is not None:  # (the progress bar said it already)
        rate = f" ({rows / seconds:,.0f} rows/s)" if seconds > 0 and rows else ""
        err.print(f"{rows:,} rows in {seconds:.1f} s{rate}", highlight=False)


def table_of(title: str, items: Sequence[dict[str, Any]], columns: Sequence[str] = ()) -> Table:
    """A table of list items: the ``columns`` given, else every key of the first items."""
    names = list(columns) or list(dict.fromkeys(k for item in items[:20] for k in item))
    table = Table(title=title, title_justify="left")
    for name in names:
        table.add_column(name)
    for item in items:
        table.add_row(*(_cell(item.get(name)) for name in names))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
