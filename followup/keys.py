"""``followup keys``: API keys, made in the suite's stores by the suite's own admin command
line (``shared.cli``), imported only when a keys command runs: the client and the other
commands need none of the suite's server code.
"""

from __future__ import annotations

import contextlib
import io
from enum import StrEnum
from types import ModuleType
from typing import Annotated, Any

import typer

from followup import output
from followup.output import EXIT_SUITE, EXIT_USAGE, JsonOut, exit_with

keys_app = typer.Typer(
    help="API keys, made in the suite's stores (runs `python -m shared.cli keys`).",
    no_args_is_help=True,
)


class Scope(StrEnum):
    read = "read"
    write = "write"
    admin = "admin"


def _suite_cli() -> ModuleType:
    """The suite's admin command line, imported only here: the client needs none of it."""
    try:
        from shared import cli as suite_cli
    except ImportError as exc:
        exit_with(EXIT_USAGE, f"`followup keys` needs the suite installed here ({exc})", False)
    return suite_cli


def _run_suite(json_out: bool, call: Any) -> str:
    """Run ``call`` of the suite's CLI; what it printed. Its ``SystemExit`` (an unknown org
    unit) is a usage error; a store that cannot be reached exits 3."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            call()
    except SystemExit as exc:
        exit_with(EXIT_USAGE, str(exc.code), json_out)
    except Exception as exc:  # the stores' drivers raise their own errors
        exit_with(
            EXIT_SUITE,
            f"the suite's stores could not be used: {type(exc).__name__}: {exc}",
            json_out,
        )
    return printed.getvalue()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key.")],
    scope: Annotated[Scope, typer.Option("--scope", help="read < write < admin.")],
    org_unit: Annotated[
        list[str] | None,
        typer.Option("--org-unit", help="Bind the key to these org units (repeat)."),
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """Make a key in every service's store; the token is shown once."""
    suite = _suite_cli()
    made: list[Any] = []
    _run_suite(json_out, lambda: made.append(suite.create_key(name, [scope.value], org_unit or [])))
    key = made[0]
    if json_out:
        output.print_json(
            {"id": key.id, "token": key.token, "scope": scope.value, "org_units": org_unit or []}
        )
    else:
        output.out.print(f"key id {key.id}; the token is shown once:\n{key.token}", soft_wrap=True)


@keys_app.command("list")
def keys_list(json_out: JsonOut = False) -> None:
    """Every key: id, name, scopes, org units, active or revoked."""
    suite = _suite_cli()
    lines = _run_suite(json_out, suite.list_keys).splitlines()
    names = ("id", "name", "scopes", "org_units", "state")
    keys = [dict(zip(names, line.split("\t"), strict=False)) for line in lines if line.strip()]
    if json_out:
        output.print_json({"items": keys})
    else:
        output.out.print(output.table_of("keys", keys, names))


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id.")], json_out: JsonOut = False
) -> None:
    """Revoke a key in every store (answers 401 from then on)."""
    suite = _suite_cli()
    _run_suite(json_out, lambda: suite.revoke_key(key_id))
    if json_out:
        output.print_json({"revoked": key_id})
    else:
        output.out.print(f"revoked {key_id}")
