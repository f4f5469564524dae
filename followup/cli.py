"""The ``followup`` command: loads, exports, change-feed syncs and keys for the follow-up suite.

Every command but ``keys`` talks to the suite over HTTP (``FOLLOWUP_URL``, default the local
gateway, with the key in ``FOLLOWUP_KEY``) through ``followup.client``. ``keys`` runs the
suite's own admin command line (``shared.cli``) on the stores, imported only when used.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from followup import output
from followup.client import Client
from followup.errors import BadInput, NotFound
from followup.http import DEFAULT_URL, ENV_KEY, ENV_URL, LoadMode, Retry
from followup.keys import keys_app
from followup.loads import LoadBody, LoadResult
from followup.output import (
    EXIT_REJECTED,
    EXIT_SUITE,
    EXIT_USAGE,
    JsonOut,
    exit_with,
    suite_errors,
)
from followup.sync import COLUMNS, sync
from followup.views import Format

EPILOG = """\
\b
Commands:
  followup load results|outcomes|forecasts|reports|totals FILE [--partial] [--dry-run]
  followup export view ORG_UNIT --period P [--xlsx F] [--csv F] [--json F]
  followup export overview --period P [--xlsx F] [--csv F] [--json F]
  followup sync results|reports|outcomes|forecasts|budget-lines --state F --out DIR
  followup due --org-unit ORG_UNIT [--as-of DATE]
  followup keys create --name N --scope read|write|admin [--org-unit U ...]
  followup keys list
  followup keys revoke KEY_ID

\b
Exit codes: 0 done, 1 rows rejected (or a load refused), 2 usage,
3 the suite unreachable or refusing (401, 403, 5xx, no connection).
"""
IDEMPOTENT = (
    "Loads are idempotent (rows are upserted on their key): a load that was interrupted, or "
    "sent twice, can simply be run again; the second run changes nothing."
)

app = typer.Typer(
    name="followup",
    help="Load, export and sync the follow-up suite's data; manage its keys.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
load_app = typer.Typer(
    help=f"Load a file of rows (CSV or JSON). {IDEMPOTENT}", no_args_is_help=True
)
export_app = typer.Typer(
    help="Export the follow-up view or the overview to files.", no_args_is_help=True
)
sync_app = typer.Typer(
    help="Write what changed since the last run (the change feed) to new files.",
    no_args_is_help=True,
)
app.add_typer(load_app, name="load")
app.add_typer(export_app, name="export")
app.add_typer(sync_app, name="sync")
app.add_typer(keys_app, name="keys")


@dataclass(frozen=True)
class Settings:
    url: str
    key: str | None
    timeout: float
    retries: int

    def client(self) -> Client:
        retry = Retry(attempts=self.retries + 1)
        return Client(self.url, self.key or "", timeout=self.timeout, retry=retry)


@app.callback()
def root(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Option(envvar=ENV_URL, help="The suite's address (the gateway).")
    ] = DEFAULT_URL,
    key: Annotated[
        str | None,
        typer.Option(
            envvar=ENV_KEY, help="The API key (better in the environment).", show_default=False
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for an answer.")] = 300.0,
    retries: Annotated[
        int,
        typer.Option(
            min=0,
            help="Tries again after a failed try of a GET, a PUT or a load (with backoff).",
        ),
    ] = 3,
) -> None:
    ctx.obj = Settings(url, key, timeout, retries)


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


# ---------------------------------------------------------------------- load

File = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="CSV (API or Swedish Excel form) or JSON."
    ),
]
Partial = Annotated[
    bool,
    typer.Option(
        "--partial",
        help="Write the good rows, report the bad ones (default: any bad row, nothing written).",
    ),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")]
ShowProgress = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="A progress bar (default: for files of 1 MiB or more).",
        show_default=False,
    ),
]
Encoding = Annotated[
    str, typer.Option(help="The file's encoding, re-encoded to UTF-8 as sent (e.g. cp1252).")
]
PROGRESS_FROM = 1 << 20


def _load(
    ctx: typer.Context,
    resource: str,
    file: Path,
    partial: bool,
    dry_run: bool,
    json_out: bool,
    progress: bool | None,
    encoding: str,
) -> None:
    try:
        body = LoadBody.file(file, encoding)
    except LookupError:
        exit_with(EXIT_USAGE, f"unknown encoding {encoding!r}", json_out)
    rows = body.estimated_rows()
    show = progress if progress is not None else body.size >= PROGRESS_FROM and not json_out
    mode: LoadMode = "partial" if partial else "atomic"
    label = f"{file.name} → /v1/{resource}" + (" (dry run)" if dry_run else "")
    started = time.monotonic()
    with suite_errors(json_out, load=True), _settings(ctx).client() as client:
        try:
            with output.LoadProgress(show, f"sending {file.name}", rows, body.size) as bar:
                result = client.load(
                    f"/v1/{resource}", body, mode=mode, dry_run=dry_run, on_bytes=bar.on_bytes
                )
                bar.answered()
        except BadInput as exc:
            if not exc.rejected:
                raise
            result = LoadResult.refused(exc.detail, exc.rejected)
    seconds = time.monotonic() - started
    if json_out:
        output.print_json(
            {
                "file": str(file),
                "resource": resource,
                "rows": rows,
                "seconds": round(seconds, 3),
                **result.as_dict(),
            }
        )
    else:
        output.show_load(label, result, None if show else seconds, rows)
    if result.rejected or (not result.written and not result.dry_run):
        raise typer.Exit(EXIT_REJECTED)


def _load_command(resource: str, what: str) -> None:
    def command(
        ctx: typer.Context,
        file: File,
        partial: Partial = False,
        dry_run: DryRun = False,
        json_out: JsonOut = False,
        progress: ShowProgress = None,
        encoding: Encoding = "utf-8",
    ) -> None:
        _load(ctx, resource, file, partial, dry_run, json_out, progress, encoding)

    command.__doc__ = (
        f"Load {what} from FILE into POST /v1/{resource}. Ends with a table of inserted, "
        f"updated, unchanged and rejected rows, and each rejected row and field. {IDEMPOTENT}"
    )
    load_app.command(resource)(command)


_load_command(
    "results",
    "results (indicator, org_unit, period, breakdown, value, numerator, denominator, status)",
)
_load_command("outcomes", "monthly outcomes (org_unit, line, month, revenue, cost; whole kronor)")
_load_command("forecasts", "forecasts (org_unit, line, made_in, revenue, cost; whole kronor)")
_load_command(
    "reports", "status reports (assignment_id, org_unit, period, status, explanation, as_of)"
)
_load_command(
    "totals", "a committee's stated totals (org_unit, year, kind, month, revenue, cost, result)"
)


# ---------------------------------------------------------------------- export

Period = Annotated[str, typer.Option("--period", help="2024, 2024-Q3, 2024-08 or 2024-01/2024-08.")]
XlsxOut = Annotated[Path | None, typer.Option("--xlsx", help="Write a workbook here.")]
CsvOut = Annotated[Path | None, typer.Option("--csv", help="Write one flat CSV table here.")]
JsonFile = Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")]


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _export(ctx: typer.Context, what: str, targets: dict[Format, Path | None], fetch: Any) -> None:
    chosen = {fmt: path for fmt, path in targets.items() if path is not None}
    if not chosen:
        raise typer.BadParameter("give at least one of --xlsx, --csv, --json")
    with suite_errors(False), _settings(ctx).client() as client:
        for fmt, path in chosen.items():
            data: bytes = fetch(client, fmt)
            _write_atomically(path, data)
            output.out.print(f"wrote {path} ({what}, {fmt}, {len(data):,} bytes)")


@export_app.command("view")
def export_view(
    ctx: typer.Context,
    org_unit: Annotated[str, typer.Argument(help="The committee, e.g. HSN.")],
    period: Period,
    xlsx: XlsxOut = None,
    csv: CsvOut = None,
    json_file: JsonFile = None,
) -> None:
    """Export one committee's follow-up view for a period (goals, area verdicts,
    assignments, economy) as xlsx, CSV and/or JSON files."""
    targets: dict[Format, Path | None] = {"xlsx": xlsx, "csv": csv, "json": json_file}
    _export(
        ctx,
        f"{org_unit} {period}",
        targets,
        lambda c, fmt: c.follow_up_export(org_unit, period, fmt),
    )


@export_app.command("overview")
def export_overview(
    ctx: typer.Context,
    period: Period,
    xlsx: XlsxOut = None,
    csv: CsvOut = None,
    json_file: JsonFile = None,
) -> None:
    """Export the overview (one row per committee) for a period."""
    targets: dict[Format, Path | None] = {"xlsx": xlsx, "csv": csv, "json": json_file}
    _export(ctx, f"overview {period}", targets, lambda c, fmt: c.overview_export(period, fmt))


# ---------------------------------------------------------------------- sync

State = Annotated[
    Path, typer.Option("--state", help="The state file (JSON), made on the first run.")
]
OutDir = Annotated[
    Path, typer.Option("--out", file_okay=False, help="The folder the run's files go to.")
]


def _sync_command(resource: str) -> None:
    def command(
        ctx: typer.Context,
        state: State,
        out: OutDir,
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per page.")] = 5000,
        parquet: Annotated[
            bool, typer.Option(help="Also Parquet, when pyarrow is installed.")
        ] = True,
        json_out: JsonOut = False,
    ) -> None:
        with suite_errors(json_out), _settings(ctx).client() as client:
            run = sync(client, resource, state, out, limit=limit, parquet=parquet)
        if json_out:
            output.print_json(run.as_dict())
            return
        files = ", ".join(str(p) for p in (run.csv, run.parquet) if p) or "no file: nothing changed"
        output.out.print(
            output.table_of(
                f"sync {resource}",
                [
                    {
                        "changed": run.changed,
                        "deleted": run.deleted,
                        "after_seq": f"{run.after_seq_before} → {run.after_seq}",
                        "files": files,
                    }
                ],
            )
        )

    command.__doc__ = (
        f"Write the {resource} changed since the last run (after the state file's change_seq) "
        "to a new CSV file in --out (and Parquet with pyarrow): changed rows with deleted "
        "false, deleted ones as tombstones with deleted true. Merge on id."
    )
    sync_app.command(resource)(command)


for _resource in COLUMNS:
    _sync_command(_resource)


# ---------------------------------------------------------------------- due


def _as_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from exc


@app.command()
def due(
    ctx: typer.Context,
    org_unit: Annotated[str, typer.Option("--org-unit", help="The org unit, e.g. HSN.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).", show_default=False)
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """What an org unit has due as of a date (GET /v1/due)."""
    when = _as_date(as_of) if as_of else date.today()
    with suite_errors(json_out), _settings(ctx).client() as client:
        try:
            items = client.due(org_unit, when)
        except NotFound as exc:
            exit_with(
                EXIT_SUITE,
                f"the suite at {client.base_url} does not serve GET /v1/due (404: {exc.detail or exc.title}); "
                "it needs a suite version that has it",
                json_out,
                status=404,
            )
    if json_out:
        output.print_json({"items": items})
    else:
        output.out.print(output.table_of(f"due for {org_unit} as of {when}", items))


def main() -> None:
    """The ``followup`` console script."""
    app()
