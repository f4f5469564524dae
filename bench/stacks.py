"""What the benchmarks that run the suite share: their Postgres database, and every service
and a gateway running on stores made afresh for the length of a ``with`` block.

Not a benchmark itself.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import overload

from shared.db import database_on_server
from shared.registry import store_names
from shared.suite import Stack, new_stack, prepare_stores

#: The variable naming the benchmarks' Postgres database: its server and its name.
DATABASE_ENV = "BENCH_DATABASE_URL"


@overload
def bench_database(default: str) -> str: ...
@overload
def bench_database(default: None = None) -> str | None: ...
def bench_database(default: str | None = None) -> str | None:
    """The benchmark's Postgres database, made on its server if missing: the one
    ``BENCH_DATABASE_URL`` names, else ``default``; none when neither is given."""
    base = os.environ.get(DATABASE_ENV) or default
    if base is None:
        return None
    return database_on_server(base, base.rsplit("/", 1)[-1])


@contextmanager
def running_stack(
    url: str | None, prefix: str, **gateway_settings: str
) -> Iterator[tuple[Stack, Path]]:
    """Every service and one gateway on loopback, on stores made afresh (seeded, with an
    ``admin`` and a ``read`` key), stopped when the block ends.

    The stores are the Postgres database ``url``, recreated (never point it at data you
    keep), or with none, SQLite files. The gateway logs warnings only and takes
    ``gateway_settings`` (as ``coalesce="false"``). Yields the stack and a temporary folder
    (named ``prefix...``, removed after the block) that holds the apps' logs and the SQLite
    files, and where the benchmark may write files of its own.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        if url is None:
            urls = {name: f"sqlite:///{folder / (name + '.db')}" for name in store_names()}
        else:
            urls = dict.fromkeys(store_names(), url)
        stores = prepare_stores(urls)
        stack = new_stack(stores, folder, log_level="WARNING", **gateway_settings)
        try:
            yield stack, folder
        finally:
            stack.stop()
