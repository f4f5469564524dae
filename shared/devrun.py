"""What `make run` does: migrate, seed the real data into empty stores, start all four apps.

SQLite files under ``var/`` unless ``DATABASE_URL`` points at Postgres. Ctrl-C stops all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from shared.cli import dev_key, migrate, seed
from shared.registry import apps
from shared.settings import REPO_ROOT


def _ready(port: int, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def main() -> None:
    migrate([])
    seed([])
    token = dev_key()
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    procs: list[subprocess.Popen[bytes]] = []
    # The registry lists services first, so the gateway finds them.
    for entry in apps():
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and module names
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    entry.asgi,
                    "--host",
                    host,
                    "--port",
                    str(entry.port),
                ],
                cwd=REPO_ROOT,
            )
        )
        print(f"started {entry.name} on http://{host}:{entry.port}", flush=True)

    def stop(*_: object) -> None:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    deadline = time.monotonic() + 120
    pending = {entry.port for entry in apps()}
    while pending and time.monotonic() < deadline:
        pending = {p for p in pending if not _ready(p, "/ready")}
        time.sleep(0.3)
    print("\nThe follow-up suite is running.")
    for entry in apps():
        state = "ready" if entry.port not in pending else "NOT READY"
        print(f"  {entry.name:<12} http://{host}:{entry.port}/docs   ({state})")
    print(f"\nLocal admin key (kept in var/admin.key):\n  {token}")
    print(
        "\nTry:\n  curl -H 'Authorization: Bearer "
        + token
        + "' 'http://127.0.0.1:8000/v1/follow-up/HSN?period=2024'\n\nCtrl-C stops them all."
    )
    while True:
        for p in procs:
            if p.poll() is not None:
                print(f"a process exited with {p.returncode}; stopping the others")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
