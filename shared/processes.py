"""The suite's one process launcher: an app of the registry under uvicorn, waited on until ready.

`make run` (``shared.devrun``), the tests that run real processes and the benchmarks all
start apps through ``start``, so there is one place that knows how an app is served, where
its output goes and what "ready" means.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.registry import AppEntry
from shared.serve import KEEP_ALIVE_SECONDS
from shared.settings import REPO_ROOT

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def ready_path(entry: AppEntry) -> str:
    """Where to ask whether ``entry`` is ready to serve.

    A service is ready when its database answers (``/ready``). Any other app is up when it
    answers ``/health``: its own ``/ready`` reports the services behind it, which a caller
    may have stopped on purpose.
    """
    return "/ready" if entry.kind == "service" else "/health"


@dataclass
class Process:
    """One app served by uvicorn, as in production."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    #: The file its output goes to; none when it writes to this process's terminal.
    log: Path | None
    #: The address it is asked on (loopback when it listens on every interface).
    host: str = LOOPBACK

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log_tail(self, chars: int = 3000) -> str:
        if self.log is None:
            return "(its output went to the terminal)"
        return self.log.read_text(errors="replace")[-chars:]

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        """Return once ``path`` answers 200; raise if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(self.base_url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start(
    entry: AppEntry,
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    log_dir: Path | None = None,
    host: str = LOOPBACK,
    ready_timeout: float = 30.0,
) -> Process:
    """Serve ``entry`` on ``port`` (a free one if none) and wait until it is ready.

    ``env`` is added to this process's environment. With ``log_dir`` the app's output goes
    to ``<name>-<port>.log`` there, appended to, so a restarted app keeps one log; without
    it, to this terminal. A process that does not get ready is stopped before the error.
    """
    port = port or free_port(host)
    log = log_dir / f"{entry.name}-{port}.log" if log_dir is not None else None
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        entry.asgi,
        "--host",
        host,
        "--port",
        str(port),
        # The apps log every request themselves (shared.observability).
        "--no-access-log",
        # Idle connections kept open as in production, longer than their clients keep them.
        "--timeout-keep-alive",
        str(KEEP_ALIVE_SECONDS),
    ]
    environment = {**os.environ, **(env or {})}
    if log is None:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=environment)  # noqa: S603 - our interpreter
    else:
        with log.open("ab") as log_file:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and the registry's target
                command, cwd=REPO_ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT
            )
    asked_on = LOOPBACK if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
    process = Process(entry.name, port, proc, log, asked_on)
    try:
        process.wait_ready(ready_path(entry), ready_timeout)
    except BaseException:
        process.stop()
        raise
    return process
